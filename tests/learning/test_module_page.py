"""Module pages: the revision's article drawn once, the learner's part always fresh."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from course.auth.models import User
from course.extensions import db
from course.learning import pages
from course.learning.completion import time_status
from course.learning.pages import Fragments, RevisionParts

MODULE = "/learning/modules/intro"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


@pytest.fixture
def learner(client, make_user, login, course):
    user = make_user("therapist", name="Ada Learner")
    login(user)
    return user


def _page(client, path=MODULE) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _fragments(app) -> Fragments:
    return app.extensions["course.fragments"]


def test_the_article_is_drawn_once_per_revision_and_the_checklist_every_time(
    app, client, make_user, login, learner, count_queries, monkeypatch
):
    drawn = []
    real = pages._render
    monkeypatch.setattr(pages, "_render", lambda module: drawn.append(module.slug) or real(module))
    first = _page(client)
    with count_queries() as queries:
        second = _page(client)
    other = app.test_client()
    login(make_user("therapist", name="Bo Other"), on=other)
    _page(other)
    assert drawn == ["intro"]  # one revision, one rendering, whoever reads it
    assert len(_fragments(app)) == 1
    # The user, the catalog version, and the learner's progress, videos and quiz results.
    assert queries() == 5
    assert TOKEN.sub("", first) == TOKEN.sub("", second)


def test_progress_events_redraw_the_page(app, client, learner, post_events, ev):
    assert "Time on this page: 0 of 1 minutes" in _page(client)
    post_events([ev("active", seconds=60)])
    page = _page(client)
    assert "Time on this page: 1 of 1 minutes" in page


def test_time_beyond_the_minimum_is_shown_as_the_minimum_reached(
    app, client, learner, post_events, ev
):
    post_events([ev("active", seconds=60), ev("active", seconds=60), ev("active", seconds=60)])
    page = _page(client)
    assert "Time on this page: 1 of 1 minutes, done" in page
    assert "3 of 1" not in page and "2 of 1" not in page


def test_time_status_never_shows_more_than_the_minimum_nor_all_of_it_before_it_is_met():
    assert time_status(13 * 60, 12 * 60) == "12 of 12 minutes, done"
    assert time_status(12 * 60, 12 * 60) == "12 of 12 minutes, done"
    assert time_status(740, 750) == "12 of 13 minutes"
    assert time_status(0, 30) == "0 of 1 minutes"


def test_a_graded_quiz_redraws_the_page(app, client, learner, csrf):
    assert "Quiz: not taken yet" in _page(client)
    quiz = client.get("/assessments/intro/quiz").get_data(as_text=True)
    attempt = quiz.split("/assessments/intro/attempts/")[1].split('"')[0]
    client.post(
        f"/assessments/intro/attempts/{attempt}",
        data={"q-marker": "a", "q-repair": ["explore", "own"], "csrf_token": csrf(client)},
    )
    assert "Quiz: passed (best 100%)" in _page(client)


def test_completion_recorded_elsewhere_redraws_the_page(client, learner, complete_modules):
    assert "Complete</p>" not in _page(client)
    complete_modules(learner, "intro")
    assert 'aria-live="polite">Complete</p>' in _page(client)


def test_a_page_is_never_someone_elses(app, client, make_user, login, learner):
    mine = _page(client)
    other_client = app.test_client()
    other = make_user("therapist", name="Bo Other")
    login(other, on=other_client)
    theirs = _page(other_client)
    assert "Ada Learner" in mine and "Ada Learner" not in theirs
    assert "Bo Other" in theirs
    assert f'data-learner="{other.id}"' in theirs


def test_each_session_gets_its_own_valid_csrf_token(app, client, learner, login):
    first = TOKEN.search(_page(client)).group(1)
    second_browser = app.test_client()
    login(learner, on=second_browser)
    again = _page(second_browser)  # same person, same progress
    token = TOKEN.search(again).group(1)
    assert token != first
    assert f'name="csrf_token" value="{token}"' in again  # the sign-out form too
    signed_out = second_browser.post("/auth/logout", data={"csrf_token": token})
    assert signed_out.status_code == 302
    assert client.get(MODULE).status_code == 200  # the first browser is still signed in


def test_a_new_published_revision_is_shown_at_once(
    app, client, learner, import_course, fixture_root, tmp_path
):
    assert "Freshly republished" not in _page(client)
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    intro = root / "modules" / "01-intro.md"
    intro.write_text(intro.read_text() + "\n\nFreshly republished paragraph.\n")
    import_course(root)
    assert "Freshly republished paragraph." in _page(client)


def test_a_renamed_person_sees_the_new_name(app, client, learner):
    _page(client)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == learner.id).values(name="Ada Renamed"))
        db.session.commit()
    page = _page(client)
    assert "Ada Renamed" in page and "Ada Learner" not in page


def test_the_arm_is_checked_on_every_request(app, client, make_user, login, course):
    app.config["TRIAL_END"] = date(2020, 1, 1)  # over: the control arm has the course
    login(make_user("therapist", arm="control"))
    _page(client)
    app.config["TRIAL_END"] = date(2999, 1, 1)
    response = client.get(MODULE)
    assert response.status_code == 403 and "comparison group" in response.get_data(as_text=True)


def test_a_deactivated_account_is_signed_out_at_once(app, client, learner):
    _page(client)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == learner.id).values(active=False))
        db.session.commit()
    assert client.get(MODULE).status_code == 302


def test_a_message_is_shown_once(app, client, learner):
    _page(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A one-off notice")]
    assert "A one-off notice" in _page(client)
    assert "A one-off notice" not in _page(client)  # shown once, as flashes are


def test_the_fragments_are_bounded_and_forget_the_least_recent():
    cache = Fragments(max_bytes=10)

    def parts(toc: str, article: str) -> RevisionParts:
        return RevisionParts(Markup(toc), Markup(article))  # noqa: S704 - test literals

    cache.put("a", parts("12", "34"))
    cache.put("b", parts("", "5678"))
    assert cache.get("a") is not None  # "a" is now the most recent
    cache.put("c", parts("90", "ab"))
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    cache.put("huge", parts("x" * 6, "y" * 5))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2


def test_a_zero_size_turns_the_fragments_off(settings, client, make_user, login, course, outbox):
    from course import create_app

    uncached = create_app({**settings, "FRAGMENT_CACHE_MB": 0})
    try:
        assert "course.fragments" not in uncached.extensions
        browser = uncached.test_client()
        login(make_user("therapist"), on=browser)
        page = _page(browser)
        assert "Time on this page" in page and "A tension is a strain" in page
    finally:
        with uncached.app_context():
            db.engine.dispose()  # its own pool: close it, as the app fixture does
