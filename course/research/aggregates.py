"""Kept aggregates: what the dashboard and the export summaries read instead of raw rows.

Three research-owned tables, kept up to date inside the transaction that records each fact
(by the receivers in ``receivers.py``), so a page reads a bounded number of small rows:

``research_participants``
    One row per person with a consent decision or an allocation: whether they are included
    (a therapist whose latest decision is an acceptance), that decision, their allocated
    arm ("" while pending) and their first acceptance (the CONSORT counts read them too).
    Refreshed on ``consent_changed`` and ``allocation_made``.
``research_quiz_standings``
    Per person and quiz: submitted attempts, passes and the best score. Incremented on
    ``attempt_graded``.
``research_question_tallies``
    Per arm, quiz and question: answers and fully right answers over the *included*
    people's submitted attempts. Incremented on ``attempt_graded``; when someone's
    inclusion or arm changes, their answers move from one arm's tally to the other.

Every change is one atomic ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``,
so two requests adding to the same row both count. Per person, the participant row is
read ``FOR UPDATE`` before the tallies are touched, so a grading and an arm change of the
same person run one after the other. The raw rows stay the source of truth:
``rebuild()`` (``flask --app app research rebuild-aggregates``) recomputes every table
from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from course.assessments.models import QuizAttempt
from course.auth.models import User
from course.dbtypes import UTCDateTime
from course.extensions import db
from course.research.allocation import first_acceptance, latest_allocation, latest_consent

#: Arms a participant row may hold: "" while not allocated, or an allocation's arm.
_ARMS_CHECK = "arm IN ('', 'self_paced', 'workshop', 'control', 'open')"
#: People per chunk when rebuilding.
REBUILD_CHUNK = 2000


class ParticipantSummary(db.Model):
    """One person with a consent decision or an allocation, as the research data sees them."""

    __tablename__ = "research_participants"

    #: The person.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: A therapist whose latest consent decision is an acceptance.
    included: Mapped[bool] = mapped_column(Boolean)
    #: Their latest consent decision (accepted, declined, withdrawn); None if none yet.
    decision: Mapped[str | None] = mapped_column(String(10))
    #: Their latest allocation's arm; "" while not allocated.
    arm: Mapped[str] = mapped_column(String(20), default="")
    #: Their first acceptance (UTC), and its UTC date (for weekly enrolment).
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consented_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(_ARMS_CHECK, name="arm"),
        CheckConstraint("decision IN ('accepted', 'declined', 'withdrawn')", name="decision"),
        CheckConstraint("NOT included OR decision = 'accepted'", name="included"),
        Index("ix_research_participants_included_arm", "included", "arm"),
    )


class QuizStanding(db.Model):
    """One person's submitted attempts at one quiz."""

    __tablename__ = "research_quiz_standings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    #: Submitted (graded) attempts.
    attempts: Mapped[int] = mapped_column(Integer)
    #: Of them, passed.
    passes: Mapped[int] = mapped_column(Integer)
    #: The best score (percent).
    best_score: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        CheckConstraint("attempts >= 1 AND passes >= 0 AND passes <= attempts", name="counts"),
    )


class QuestionTally(db.Model):
    """Answers to one quiz question by the included people of one arm ("" = pending)."""

    __tablename__ = "research_question_tallies"

    arm: Mapped[str] = mapped_column(String(20), primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), primary_key=True)
    question: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: Submitted attempts that answered it.
    answered: Mapped[int] = mapped_column(Integer)
    #: Of them, fully right.
    fully_right: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(_ARMS_CHECK, name="arm"),
        CheckConstraint(
            "answered >= 0 AND fully_right >= 0 AND fully_right <= answered", name="counts"
        ),
    )


KEPT = (ParticipantSummary, QuizStanding, QuestionTally)

# --- writing ----------------------------------------------------------------------------


def _upsert(model, rows: list[dict], keys: tuple[str, ...], set_: Callable) -> None:
    """INSERT rows; on a key conflict UPDATE with ``set_(table, excluded)`` (both dialects)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    statement = insert.on_conflict_do_update(
        index_elements=list(keys), set_=set_(model.__table__.c, insert.excluded)
    )
    db.session.execute(statement, rows)


def _add_tallies(arm: str, counts: dict[tuple[int, str], list[int]], sign: int) -> None:
    """Add (``sign`` +1) or take away (-1) answer counts to one arm's tallies."""
    keys = sorted(k for k, (n, _) in counts.items() if n)  # one order: no deadlock between two
    if not keys:
        return
    if sign > 0:
        _upsert(
            QuestionTally,
            [
                {"arm": arm, "quiz_id": quiz, "question": q, "answered": n, "fully_right": r}
                for quiz, q in keys
                for n, r in [counts[quiz, q]]
            ],
            ("arm", "quiz_id", "question"),
            lambda t, new: {
                "answered": t.answered + new.answered,
                "fully_right": t.fully_right + new.fully_right,
            },
        )
        return
    # Taking away touches rows that exist (their answers were added); an INSERT's row
    # would be checked, and refused, before its conflict turned it into an update.
    table = QuestionTally.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.arm == bindparam("a"),
            table.c.quiz_id == bindparam("quiz"),
            table.c.question == bindparam("q"),
        )
        .values(
            answered=table.c.answered - bindparam("n"),
            fully_right=table.c.fully_right - bindparam("r"),
        ),
        [
            {"a": arm, "quiz": quiz, "q": q, "n": counts[quiz, q][0], "r": counts[quiz, q][1]}
            for quiz, q in keys
        ],
    )
    db.session.execute(
        delete(QuestionTally).where(QuestionTally.arm == arm, QuestionTally.answered == 0)
    )


def _locked_state(user_id: int) -> tuple[bool, str] | None:
    """(included, arm) of a participant row, locked for this transaction; None if none."""
    row = db.session.execute(
        select(ParticipantSummary.included, ParticipantSummary.arm)
        .where(ParticipantSummary.user_id == user_id)
        .with_for_update()
    ).first()
    return None if row is None else (row[0], row[1])


def record_attempt(user_id: int, quiz_id: int, score: float | None, passed: bool, correct) -> None:
    """Count one graded attempt: the person's standing and, if included, their arm's tallies."""
    _upsert(
        QuizStanding,
        [
            {
                "user_id": user_id,
                "quiz_id": quiz_id,
                "attempts": 1,
                "passes": int(bool(passed)),
                "best_score": score,
            }
        ],
        ("user_id", "quiz_id"),
        lambda t, new: {
            "attempts": t.attempts + new.attempts,
            "passes": t.passes + new.passes,
            "best_score": case(
                (t.best_score.is_(None), new.best_score),
                (new.best_score > t.best_score, new.best_score),
                else_=t.best_score,
            ),
        },
    )
    state = _locked_state(user_id)
    if state is not None and state[0]:
        counts = {(quiz_id, q): [1, int(ok is True)] for q, ok in (correct or {}).items()}
        _add_tallies(state[1], counts, +1)


def forget(user_ids: list[int]) -> None:
    """Take people's answers out of the tallies before their rows are deleted (their own
    participant rows and standings go with them, by their foreign keys)."""
    counts = _question_counts(QuizAttempt.user_id.in_(user_ids))
    for user_id in sorted(user_ids):
        state = _locked_state(user_id)
        if state is not None and state[0] and user_id in counts:
            _add_tallies(state[1], counts[user_id], -1)


def refresh_participant(user_id: int) -> None:
    """Recompute one person's participant row from their consent decisions and allocations;
    when their inclusion or arm changed, move their answers between the arms' tallies."""
    before = _locked_state(user_id)
    rows = _participant_rows(User.id == user_id)
    if not rows:
        return
    row = rows[0]
    _upsert(
        ParticipantSummary,
        rows,
        ("user_id",),
        lambda t, new: {
            c: new[c] for c in ("included", "decision", "arm", "consented_at", "consented_on")
        },
    )
    after = (row["included"], row["arm"])
    if before == after or not (after[0] or (before and before[0])):
        return
    counts = _question_counts(QuizAttempt.user_id == user_id).get(user_id, {})
    if before is not None and before[0]:
        _add_tallies(before[1], counts, -1)
    if after[0]:
        _add_tallies(after[1], counts, +1)


# --- computing from the raw rows ----------------------------------------------------------


def _participant_rows(who) -> list[dict]:
    """Participant rows of the people matching ``who`` (on User) with a consent decision
    or an allocation."""
    consent = latest_consent()
    allocation = latest_allocation()
    first_accept = first_acceptance()
    query = (
        select(User.id, User.role, consent.c.decision, allocation.c.arm, first_accept.c.at)
        .outerjoin(consent, consent.c.user_id == User.id)
        .outerjoin(first_accept, first_accept.c.user_id == User.id)
        .outerjoin(allocation, allocation.c.user_id == User.id)
        .where(who, or_(consent.c.user_id.is_not(None), allocation.c.user_id.is_not(None)))
    )
    return [
        {
            "user_id": uid,
            "included": role == "therapist" and decision == "accepted",
            "decision": decision,
            "arm": arm or "",
            "consented_at": at,
            "consented_on": at.date() if at else None,
        }
        for uid, role, decision, arm, at in db.session.execute(query)
    ]


def _question_counts(who) -> dict[int, dict[tuple[int, str], list[int]]]:
    """user -> (quiz, question) -> [answered, fully right], from submitted attempts."""
    out: dict[int, dict[tuple[int, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.correct).where(
            who, QuizAttempt.submitted_at.is_not(None)
        )
    )
    for user_id, quiz_id, correct in rows:
        mine = out[user_id]
        for q, ok in (correct or {}).items():
            mine[quiz_id, q][0] += 1
            mine[quiz_id, q][1] += ok is True
    return out


def _standing_rows(who) -> list[dict]:
    rows = db.session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_id,
            func.count(),
            func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)),
            func.max(QuizAttempt.score),
        )
        .where(who, QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    )
    return [
        {"user_id": u, "quiz_id": q, "attempts": n, "passes": p or 0, "best_score": best}
        for u, q, n, p, best in rows
    ]


def _lock_kept() -> None:
    """Keep receivers out while rebuilding (PostgreSQL; SQLite has one writer anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(model.__tablename__ for model in KEPT)
        db.session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))


def rebuild(progress: Callable[[str], None] = lambda _: None, chunk: int = REBUILD_CHUNK) -> dict:
    """Recompute every kept table from the raw rows, people in chunks of ``chunk``.

    Runs in the caller's transaction (the caller commits): the tables are emptied and
    refilled, so running it twice gives the same rows. Returns the row counts.
    """
    _lock_kept()
    for model in KEPT:
        db.session.execute(delete(model))
    top = db.session.scalar(select(func.max(User.id))) or 0
    tallies: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    counts = {"participants": 0, "quiz_standings": 0, "question_tallies": 0}
    for low in range(1, top + 1, chunk):
        high = low + chunk - 1
        people = _participant_rows(User.id.between(low, high))
        _insert(ParticipantSummary, people)
        standings = _standing_rows(QuizAttempt.user_id.between(low, high))
        _insert(QuizStanding, standings)
        included = {p["user_id"]: p["arm"] for p in people if p["included"]}
        for user_id, mine in _question_counts(QuizAttempt.user_id.between(low, high)).items():
            if user_id in included:
                for (quiz, q), (n, r) in mine.items():
                    total = tallies[included[user_id], quiz, q]
                    total[0] += n
                    total[1] += r
        counts["participants"] += len(people)
        counts["quiz_standings"] += len(standings)
        progress(f"people {low}-{min(high, top)} of {top}: {len(people)} participants")
    _insert(
        QuestionTally,
        [
            {"arm": arm, "quiz_id": quiz, "question": q, "answered": n, "fully_right": r}
            for (arm, quiz, q), (n, r) in sorted(tallies.items())
        ],
    )
    counts["question_tallies"] = len(tallies)
    db.session.flush()
    return counts


def _insert(model, rows: Iterable[dict]) -> None:
    rows = list(rows)
    if rows:
        db.session.execute(model.__table__.insert(), rows)


def snapshot() -> dict[str, set[tuple]]:
    """Every kept row as plain tuples, for comparing the kept values with a rebuild."""
    return {
        model.__tablename__: {
            tuple(row) for row in db.session.execute(select(*model.__table__.columns))
        }
        for model in KEPT
    }
