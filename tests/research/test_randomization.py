"""Permuted blocks: balance in every completed block, per stratum; concealed; append-only."""

from __future__ import annotations

import math
import secrets
from collections import Counter

import pytest
import sqlalchemy as sa

from course.audit.models import AuditEntry
from course.auth.models import User
from course.extensions import db
from course.research import allocation
from course.research.models import Allocation, AllocationBlock, ConsentRecord
from course.research.randomization import (
    PermutedBlockSequence,
    is_balanced,
    possible_next,
    stratum_key,
)

ARMS = ("self_paced", "workshop", "control")


# --- the pure core --------------------------------------------------------------------


def test_every_block_is_3_or_6_long_and_balanced():
    sequence = PermutedBlockSequence()
    sizes = Counter()
    for _ in range(2000):
        block = sequence.next_block()
        sizes[len(block)] += 1
        assert len(block) in (3, 6)
        assert is_balanced(block), block
    assert sizes[3] > 800 and sizes[6] > 800  # both sizes really occur, about equally


def test_the_source_is_the_operating_systems_and_cannot_be_seeded():
    sequence = PermutedBlockSequence()
    assert isinstance(sequence.rng, secrets.SystemRandom)
    sequence.rng.seed(1)  # a no-op on SystemRandom: nobody can replay the sequence
    first = [sequence.next_block() for _ in range(50)]
    sequence.rng.seed(1)
    assert first != [sequence.next_block() for _ in range(50)]


def test_every_arm_is_equally_likely_at_every_position_of_a_block():
    """Chi-square: position by position, arms are uniform (no arm tends to come first)."""
    sequence = PermutedBlockSequence()
    counts = {3: [Counter() for _ in range(3)], 6: [Counter() for _ in range(6)]}
    for _ in range(6000):
        block = sequence.next_block()
        for position, arm in enumerate(block):
            counts[len(block)][position][arm] += 1
    for positions in counts.values():
        for tally in positions:
            n = sum(tally.values())
            chi2 = sum((tally[a] - n / 3) ** 2 / (n / 3) for a in ARMS)
            assert chi2 < 16.3, tally  # df 2: p < 0.0003 would be needed to exceed this


def test_before_a_blocks_last_slot_the_next_arm_is_never_certain_in_a_block_of_3():
    """Knowing the earlier allocations of a block of 3 leaves two arms possible until its
    last slot."""
    for block in (
        PermutedBlockSequence(sizes=(3,)).next_block(),
        ["control", "workshop", "self_paced"],
    ):
        assert len(possible_next(ARMS, 3, block[:0])) == 3
        assert len(possible_next(ARMS, 3, block[:1])) == 2
        assert possible_next(ARMS, 3, block[:2]) == {block[2]}  # only the last slot is forced


class Guesser:
    """The best-known attack on permuted blocks: guess the arm allocated least since the
    last point where the arms were level (a possible block boundary)."""

    def __init__(self) -> None:
        self.since: Counter = Counter()

    def guess(self) -> str:
        fewest = min(self.since[a] for a in ARMS)
        return next(a for a in ARMS if self.since[a] == fewest)

    def saw(self, arm: str) -> None:
        self.since[arm] += 1
        if len({self.since[a] for a in ARMS}) == 1:
            self.since.clear()


def test_the_next_arm_is_a_coin_toss_wherever_a_block_could_end():
    """An observer who saw every earlier allocation in the stratum guesses the next one.

    Permuted blocks are partly predictable inside a block (that is their price for
    balance). What concealment needs: wherever the arms are level, which is where any
    block may have ended, the next arm is uniformly random. Random sizes (3 or 6) make
    the guess worse than with fixed blocks of 3 (11/18 = 61% right); chance is 33%.
    """

    def hit_rates(sequence: PermutedBlockSequence, n: int = 30_000) -> tuple[float, float]:
        observer, stream = Guesser(), iter(sequence)
        hits = level_hits = level = 0
        for _ in range(n):
            arm = next(stream)
            at_level = not observer.since
            right = observer.guess() == arm
            hits += right
            level += at_level
            level_hits += right and at_level
            observer.saw(arm)
        return hits / n, level_hits / level

    fixed, _ = hit_rates(PermutedBlockSequence(sizes=(3,)))
    ours, at_level = hit_rates(PermutedBlockSequence())
    print(
        f"next-arm guesses right: fixed 3 {fixed:.3f}, random 3/6 {ours:.3f}, "
        f"at level points {at_level:.3f}"
    )
    assert math.isclose(fixed, 11 / 18, abs_tol=0.015)
    assert ours < fixed - 0.02
    assert math.isclose(at_level, 1 / 3, abs_tol=0.02)


def test_strata_are_named_from_the_configured_fields():
    person = {"region": "ON", "profession": "psychologist"}
    assert stratum_key(person, ("region", "profession")) == "region=ON;profession=psychologist"
    assert stratum_key({"region": None}, ("region",)) == "region=unspecified"
    assert stratum_key(person, ()) == "all"


# --- the service on the database -----------------------------------------------------


def _recruits(make_user, n: int, **fields):
    return [make_user("therapist", arm="control", consent=False, **fields) for _ in range(n)]


def _consent(app, users, version="1"):
    from course import clock

    with app.app_context():
        for user in users:
            db.session.add(
                ConsentRecord(
                    user_id=user.id, version=version, decision="accepted", at=clock.now_utc()
                )
            )
        db.session.commit()


def test_randomizing_balances_every_completed_block_in_every_stratum(app, make_user, course):
    people = _recruits(make_user, 40, region="ON", profession="psychologist")
    people += _recruits(make_user, 31, region="BC", profession="social_worker")
    people += _recruits(make_user, 5)  # unspecified stratum
    _consent(app, people)
    with app.app_context():
        actor = db.session.get(User, make_user("researcher").id)
        made = allocation.randomize_pending(actor)
        db.session.commit()
        assert len(made) == len(people)
        blocks = db.session.scalars(db.select(AllocationBlock)).all()
        assert {b.stratum for b in blocks} == {
            "region=ON;profession=psychologist",
            "region=BC;profession=social_worker",
            "region=unspecified;profession=unspecified",
        }
        for block in blocks:
            slots = db.session.scalars(
                db.select(Allocation)
                .where(Allocation.block_id == block.id)
                .order_by(Allocation.block_position)
            ).all()
            assert [s.arm for s in slots] == block.arms[: len(slots)]
            assert all(s.stratum == block.stratum for s in slots)
            if len(slots) == block.size:
                assert is_balanced([s.arm for s in slots])
        # Within each stratum, only the last block may be unfinished.
        by_stratum: dict[str, list] = {}
        for block in sorted(blocks, key=lambda b: b.number):
            by_stratum.setdefault(block.stratum, []).append(block)
        for chain in by_stratum.values():
            assert [b.number for b in chain] == list(range(1, len(chain) + 1))
        arms = {
            u.id: u.arm for u in db.session.scalars(db.select(User).where(User.role == "therapist"))
        }
        assert all(arms[a.user_id] == a.arm for a in made)
        logged = db.session.scalar(
            db.select(sa.func.count()).where(AuditEntry.action == "research.allocated")
        )
        assert logged == len(people)


def test_only_consenting_unallocated_trial_therapists_are_randomized(app, make_user, course):
    waiting = _recruits(make_user, 2)
    _consent(app, waiting)
    silent = _recruits(make_user, 1)  # never answered
    _consent(app, _recruits(make_user, 1), version="0")  # an old version only
    already = make_user("therapist", arm="workshop")  # seeded allocation
    outside = make_user("therapist", arm="open")
    with app.app_context():
        made = allocation.randomize_pending(None)
        db.session.commit()
        assert sorted(a.user_id for a in made) == sorted(u.id for u in waiting)
        with pytest.raises(allocation.AllocationError, match="Nobody is waiting"):
            allocation.randomize_pending(None)
    assert silent and already and outside


def test_the_page_conceals_blocks_and_the_button_randomizes(
    app, client, make_user, login, csrf, course
):
    people = _recruits(make_user, 4, region="ON")
    _consent(app, people)
    login(make_user("researcher"))
    page = client.get("/research/randomization").get_data(as_text=True)
    assert "4 therapists waiting" in page and people[0].study_id in page
    assert "Randomize pending therapists" in page and "data-confirm" in page
    response = client.post("/research/randomization/run", data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    page = client.get("/research/randomization").get_data(as_text=True)
    assert "Randomized 4 therapists" in page and "Nobody is waiting" in page
    with app.app_context():
        blocks = db.session.scalars(db.select(AllocationBlock)).all()
    for block in blocks:
        assert str(block.arms) not in page and f"block {block.number}" not in page.lower()
    for person in people:
        assert person.email not in page and "Test Therapist" not in page


def test_allocations_and_blocks_cannot_be_changed_or_deleted(app, make_user, course):
    people = _recruits(make_user, 3)
    _consent(app, people)
    with app.app_context():
        allocation.randomize_pending(None)
        db.session.commit()
        for statement in (
            "UPDATE allocations SET arm = 'control'",
            "DELETE FROM allocations",
            "UPDATE allocation_blocks SET arms = '[]'",
            "DELETE FROM allocation_blocks",
            "UPDATE consent_records SET decision = 'declined'",
            "DELETE FROM consent_records",
        ):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        assert db.session.scalar(db.select(sa.func.count(Allocation.id))) == 3


def test_an_admin_override_needs_a_reason_and_is_audit_logged(
    app, client, make_user, login, csrf, course
):
    therapist = make_user("therapist", arm="control")
    admin = make_user("admin")
    login(admin)
    bad = client.post(
        "/research/randomization/override",
        data={
            "csrf_token": csrf(client),
            "study_id": therapist.study_id,
            "arm": "workshop",
            "reason": "short",
        },
        follow_redirects=True,
    )
    assert "Reason" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, therapist.id).arm == "control"
    good = client.post(
        "/research/randomization/override",
        data={
            "csrf_token": csrf(client),
            "study_id": therapist.study_id.lower(),
            "arm": "workshop",
            "reason": "Cannot attend the workshop dates; protocol 4.2",
        },
        follow_redirects=True,
    )
    assert "Arm set to Workshop" in good.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, therapist.id).arm == "workshop"
        rows = db.session.scalars(
            db.select(Allocation).where(Allocation.user_id == therapist.id).order_by(Allocation.id)
        ).all()
        assert [r.arm for r in rows] == ["control", "workshop"]  # the old row stays
        assert rows[-1].override_reason.startswith("Cannot attend") and rows[-1].by_id == admin.id
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "admin.arm_changed")
        )
        assert entry.details["old"] == "control" and entry.details["new"] == "workshop"
        assert "protocol 4.2" in entry.details["reason"]


def test_researchers_cannot_override(client, make_user, login, csrf, course):
    login(make_user("researcher"))
    response = client.post("/research/randomization/override", data={"csrf_token": csrf(client)})
    assert response.status_code == 403


def test_an_unknown_stratification_field_is_a_clear_error(app, make_user, course):
    _consent(app, _recruits(make_user, 1))
    app.config["STRATIFY_BY"] = ("shoe_size",)
    with app.app_context(), pytest.raises(allocation.AllocationError, match="shoe_size"):
        allocation.randomize_pending(None)


@pytest.mark.postgres_only
def test_two_researchers_randomizing_at_once_never_share_a_slot(app, make_user, course):
    import threading

    _consent(app, _recruits(make_user, 12, region="ON"))
    errors: list[Exception] = []

    def run():
        with app.app_context():
            try:
                allocation.randomize_pending(None)
                db.session.commit()
            except Exception as exc:  # the loser of the race: nothing committed
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        made = db.session.scalars(db.select(Allocation)).all()
        assert len(made) == 12 and len({a.user_id for a in made}) == 12
        assert len({(a.block_id, a.block_position) for a in made}) == 12
    assert len(errors) <= 1
