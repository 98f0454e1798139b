"""The therapist's home: statuses, locks, arms, and a bounded number of queries."""

from __future__ import annotations

import pytest


def test_home_lists_modules_with_status_and_what_is_needed(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced"))
    page = client.get("/learning/").get_data(as_text=True)
    assert "Test Course" in page
    assert "Introduction to tensions" in page and "The next step" in page
    assert "Available" in page and "Locked" in page
    assert "Opens once you complete: Introduction to tensions." in page
    assert "To book consultations" in page and "Complete: Introduction to tensions." in page
    assert "Start: Introduction to tensions" in page


def test_locked_module_is_refused_on_the_server_with_what_to_finish(
    client, make_user, login, course
):
    login(make_user("therapist"))
    response = client.get("/learning/modules/next")
    assert response.status_code == 403
    assert "opens once you complete: Introduction to tensions" in response.get_data(as_text=True)


def test_unknown_module_is_404(client, make_user, login, course):
    login(make_user("therapist"))
    assert client.get("/learning/modules/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("arm", "text"), [("control", "comparison group"), ("workshop", "workshop")]
)
def test_control_and_workshop_arms_reach_no_module(client, make_user, login, course, arm, text):
    login(make_user("therapist", arm=arm))
    home = client.get("/learning/").get_data(as_text=True)
    assert text in home and "Introduction to tensions" not in home
    assert client.get("/learning/modules/intro").status_code == 403
    assert client.get("/assessments/intro/quiz").status_code == 403


def test_control_arm_gets_the_course_after_the_trial_ends(client, make_user, login, course, app):
    from datetime import date

    app.config["TRIAL_END"] = date(2020, 1, 1)
    login(make_user("therapist", arm="control"))
    assert client.get("/learning/modules/intro").status_code == 200


def test_module_page_serves_stored_html_with_checklist_and_no_answers(
    client, make_user, login, course
):
    login(make_user("therapist"))
    page = client.get("/learning/modules/intro").get_data(as_text=True)
    assert 'id="sec-what-a-tension-is"' in page  # stored HTML with anchors
    assert "<video" in page and 'kind="captions"' in page and "Transcript" in page
    assert "Time on this page: 0 of 1 minutes" in page
    assert "Video: A short clip: 0% watched (needs 90%)" in page
    assert "Quiz: not taken yet" in page
    assert "feedback" not in page.lower().replace("feedback on every answer", "")


def test_home_query_count_does_not_grow_with_modules(
    client, make_user, login, import_course, count_queries, project_root
):
    login(make_user("therapist"))
    import_course()
    with count_queries() as small:
        assert client.get("/learning/").status_code == 200
    import_course(project_root)  # six more modules and quizzes
    with count_queries() as large:
        assert client.get("/learning/").status_code == 200
    # One query per kind of completion criterion, whatever the number of modules: the
    # shipped course adds the scenario and practice criteria (one query each), not one
    # query per module.
    assert large() == small() + 2 <= 13
