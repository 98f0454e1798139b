"""Consent: the gate before anything else, decline, withdraw, and re-consent on a new version."""

from __future__ import annotations

import re

import pytest

from course.audit.models import AuditEntry
from course.catalog.models import CourseRevision
from course.extensions import db
from course.research.models import ConsentRecord


def _decisions(app, user):
    with app.app_context():
        rows = db.session.scalars(
            db.select(ConsentRecord)
            .where(ConsentRecord.user_id == user.id)
            .order_by(ConsentRecord.id)
        )
        return [(r.decision, r.version) for r in rows]


def shown_hash(client) -> str:
    """The SHA-256 the consent page sends back with an acceptance ("" when it has no form)."""
    page = client.get("/research/consent").get_data(as_text=True)
    match = re.search(r'name="text_sha256" type="hidden" value="([0-9a-f]*)"', page)
    return match.group(1) if match else ""


def _answer(client, csrf, decision, version="1", next_=None, **extra):
    """Post a decision as the page does: an acceptance is ticked, typed and hashed."""
    url = "/research/consent" + (f"?next={next_}" if next_ else "")
    data = {"csrf_token": csrf(client), "version": version, "decision": decision}
    if decision == "accept":
        data |= {"read": "y", "typed": "I agree", "text_sha256": shown_hash(client)}
    return client.post(url, data={k: v for k, v in (data | extra).items() if v is not None})


@pytest.mark.parametrize("path", ["/learning/", "/learning/modules/intro", "/surveys/", "/"])
def test_a_trial_therapist_must_answer_before_anything_else(client, make_user, login, course, path):
    login(make_user("therapist", arm="self_paced", consent=False))
    response = client.get(path, follow_redirects=False)
    if path == "/":  # the front door sends them home, which the gate then intercepts
        response = client.get(response.headers["Location"])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/research/consent")
    page = client.get("/research/consent").get_data(as_text=True)
    assert "<strong>withdraw</strong>" in page  # the consent text, rendered
    assert "I agree to take part" in page and "I do not wish to take part" in page


def test_json_requests_get_a_403_with_a_message_not_a_redirect(
    client, make_user, login, course, csrf
):
    login(make_user("therapist", arm="self_paced", consent=False))
    response = client.post("/learning/events", json={}, headers={"X-CSRFToken": csrf(client)})
    assert response.status_code == 403
    assert "consent" in response.get_json()["message"]


def test_open_arm_and_staff_are_never_asked(client, make_user, login, course):
    login(make_user("therapist", arm="open"))
    assert client.get("/learning/").status_code == 200
    assert "not part of the research" in client.get("/research/consent").get_data(as_text=True)


def test_sign_out_and_public_pages_stay_reachable(client, make_user, login, course, csrf):
    login(make_user("therapist", arm="control", consent=False))
    assert client.get("/healthz").status_code == 200
    response = client.post("/auth/logout", data={"csrf_token": csrf(client)})
    assert response.status_code == 302 and "/research/consent" not in response.headers["Location"]


def test_accepting_records_the_version_and_waits_for_allocation(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="control", consent=False)
    login(user)
    response = _answer(client, csrf, "accept", next_="/learning/")
    assert response.status_code == 302 and response.headers["Location"] == "/research/consent"
    assert _decisions(app, user) == [("accepted", "1")]
    page = client.get("/research/consent").get_data(as_text=True)
    assert "will assign your study group soon" in page
    # Not yet randomized: the course stays closed behind the consent page.
    assert client.get("/learning/").headers["Location"].startswith("/research/consent")
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEntry.action).where(AuditEntry.action == "research.consent_accepted")
        )


def test_an_allocated_therapist_goes_where_they_were_going(
    app, client, make_user, login, course, csrf
):
    from course.research.models import Allocation

    user = make_user("therapist", arm="self_paced", consent=False)
    with app.app_context():
        from course import clock

        db.session.add(
            Allocation(
                user_id=user.id,
                arm="self_paced",
                stratum="all",
                at=clock.now_utc(),
                override_reason="allocated elsewhere",
            )
        )
        db.session.commit()
    login(user)
    response = _answer(client, csrf, "accept", next_="/learning/")
    assert response.headers["Location"] == "/learning/"
    assert client.get("/learning/").status_code == 200


def test_declining_keeps_the_account_usable_and_is_recorded(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    response = _answer(client, csrf, "decline")
    assert response.status_code == 302
    assert _decisions(app, user) == [("declined", "1")]
    assert client.get("/learning/").status_code == 200
    page = client.get("/research/consent").get_data(as_text=True)
    assert "You chose not to take part" in page and "I agree to take part" in page


def test_declining_then_accepting_waits_for_allocation_like_anyone(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="control", consent=False)
    login(user)
    _answer(client, csrf, "decline")
    assert client.get("/learning/").status_code == 200  # open while declined
    _answer(client, csrf, "accept")
    assert _decisions(app, user) == [("declined", "1"), ("accepted", "1")]
    # Now a participant awaiting randomization: the course closes until allocation.
    assert client.get("/learning/").headers["Location"].startswith("/research/consent")


def test_an_allocated_participant_is_checked_once_per_session(
    app, client, make_user, login, course, count_queries
):
    login(make_user("therapist", arm="self_paced"))  # consented and allocated
    client.get("/learning/")
    with count_queries() as later:
        assert client.get("/learning/").status_code == 200
    with count_queries() as fresh:
        other = app.test_client()
        login(make_user("therapist", arm="self_paced"), on=other)
    with count_queries() as first:
        assert other.get("/learning/").status_code == 200
    assert later() == first() - 1  # the consent query, only on the first page
    assert fresh() > 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"version": "0", "decision": "accept"}, "changed while you were reading"),
        ({"version": "1", "decision": "maybe"}, "Choose whether you agree"),
    ],
)
def test_a_bad_answer_changes_nothing(app, client, make_user, login, course, csrf, form, message):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    response = client.post(
        "/research/consent", data={"csrf_token": csrf(client), **form}, follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    assert _decisions(app, user) == []


def test_withdrawing_needs_the_tick_box_then_records_the_time(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="self_paced")
    login(user)
    page = client.get("/research/consent").get_data(as_text=True)
    assert "Withdraw from the research" in page and "data-confirm" in page
    refused = client.post("/research/consent/withdraw", data={"csrf_token": csrf(client)})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    assert [d for d, _ in _decisions(app, user)] == ["accepted"]
    done = client.post(
        "/research/consent/withdraw", data={"csrf_token": csrf(client), "confirm": "y"}
    )
    assert done.status_code == 302
    assert [d for d, _ in _decisions(app, user)] == ["accepted", "withdrawn"]
    page = client.get("/research/consent").get_data(as_text=True)
    assert "You withdrew from the research on" in page
    assert client.get("/learning/").status_code == 200  # the account stays usable
    again = client.post(
        "/research/consent/withdraw", data={"csrf_token": csrf(client), "confirm": "y"}
    )
    assert again.status_code == 302
    assert len(_decisions(app, user)) == 2  # nothing more to withdraw


def test_a_new_consent_version_asks_again(app, client, make_user, login, course, csrf, settings):
    user = make_user("therapist", arm="self_paced")
    login(user)
    assert client.get("/learning/").status_code == 200
    with app.app_context():
        revision = db.session.scalar(db.select(CourseRevision).order_by(CourseRevision.id.desc()))
        db.session.add(
            CourseRevision(
                source=revision.source + "\n",
                content_hash="x" * 64,
                spec={**revision.spec, "consent_version": "2"},
            )
        )
        db.session.commit()
    (__import__("pathlib").Path(settings["RESEARCH_CONSENT_DIR"]) / "consent-2.md").write_text(
        "# Consent, version 2\n"
    )
    response = client.get("/learning/")
    assert response.headers["Location"].startswith("/research/consent")
    page = client.get("/research/consent").get_data(as_text=True)
    assert "has changed since you last answered" in page and "version 2" in page
    _answer(client, csrf, "accept", version="2")
    assert _decisions(app, user)[-1] == ("accepted", "2")
    assert client.get("/learning/").status_code == 200


def test_a_missing_consent_text_cannot_be_accepted(
    app, client, make_user, login, course, csrf, settings
):
    (__import__("pathlib").Path(settings["RESEARCH_CONSENT_DIR"]) / "consent-1.md").unlink()
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent").get_data(as_text=True)
    assert "is not installed" in page and "I agree to take part" not in page
    _answer(client, csrf, "accept")
    assert _decisions(app, user) == []


def test_the_shipped_consent_text_matches_the_shipped_course_version(project_root):
    import yaml

    version = yaml.safe_load((project_root / "modules" / "course.yaml").read_text())[
        "consent_version"
    ]
    text = (project_root / "course" / "research" / "consent" / f"consent-{version}.md").read_text()
    assert "NCT07087730" in text and "University of Ottawa" in text
    for topic in ("study ID", "voluntary", "withdraw", "Questions and contacts"):
        assert topic.lower() in text.lower()
