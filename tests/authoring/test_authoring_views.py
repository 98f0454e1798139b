"""Authoring in the browser: modules, preview, history, restore, order, quizzes, access."""

from __future__ import annotations

import shutil
from html import unescape

import pytest
from werkzeug.routing import Rule

from course.audit.models import AuditEntry
from course.catalog.models import QuizRevision
from course.extensions import db

VIDEO_TAG = {
    "controls": None,
    "preload": "metadata",
    "src": "/media/short.mp4",
    "aria-label": "Practice clip",
}


def test_trainer_creates_a_module_that_is_published_with_rendered_html(editor, client):
    assert editor.new_module().status_code == 302
    module = editor.module("roleplay")
    assert module["published"] == 1
    assert '<video controls preload="metadata" src="/media/short.mp4"' in module["html"]
    assert "Typed words stay here." in module["html"]
    listing = client.get("/authoring/").get_data(as_text=True)
    assert "Role-play practice" in listing and "Published: learners see revision 1." in listing


def test_a_saved_draft_leaves_learners_on_the_published_revision(app, editor, make_user, login):
    body = editor.fields("intro")["body"].replace("A tension is a", "A draft only trainers see:")
    assert editor.save("intro", "save", body=body).status_code == 302
    module = editor.module("intro")
    assert module["published"] == 1
    assert [(n, s) for n, s, _ in module["revisions"]] == [(1, "published"), (2, "draft")]
    assert "A draft only trainers see:" in editor.fields("intro")["body"]
    learner = app.test_client()
    login(make_user("therapist"), on=learner)
    page = learner.get("/learning/modules/intro").get_data(as_text=True)
    assert "A tension is a strain" in page and "A draft only trainers see" not in page


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"requires": "nowhere"}, "requires", "'requires' names unknown module 'nowhere'"),
        (
            {"video_url": "https://evil.example/x.mp4"},
            "body",
            "line 6: video url 'https://evil.example/x.mp4' is not allowed",
        ),
        ({"quiz": "y"}, "quiz", "'quiz: pass' needs a quiz file quizzes/roleplay.yaml"),
        ({"slug": ""}, "slug", "'slug' must not be empty"),
    ],
)
def test_invalid_content_is_refused_next_to_its_field_and_nothing_is_written(
    editor, changes, field_id, message
):
    before = editor.count()
    response = editor.new_module(**changes)
    assert response.status_code == 422
    page = editor.read(response)
    assert message in page.text[f"{field_id}-error"]
    assert ("a", {"href": f"#{field_id}"}) in page.tags  # the summary links to the field
    assert editor.count() == before
    fields = dict(page.fields)
    assert "Typed words stay here." in fields["body"]
    assert fields["title"] == "Role-play practice"


def test_an_edit_that_breaks_the_course_is_refused_and_the_text_kept(editor):
    before = editor.count()
    response = editor.save("next", "publish", requires="nowhere", summary="Kept summary")
    assert response.status_code == 422
    page = editor.read(response)
    assert "'requires' names unknown module 'nowhere'" in page.text["requires-error"]
    assert dict(page.fields)["summary"] == "Kept summary"
    assert editor.count() == before


def test_preview_is_sanitized_and_rendered_like_the_published_page(editor, client, csrf):
    body = editor.BODY + '\n<script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n'
    data = {**editor.fields("intro"), "body": body, "csrf_token": csrf(client)}
    response = client.post("/authoring/preview", data=data)
    assert response.status_code == 200
    assert response.json["errors"] == []
    tags = editor.read_html(response.json["html"]).tags
    assert "script" not in [tag for tag, _ in tags]
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert ("video", VIDEO_TAG) in tags
    # The transcript itself, read from the captions file, as publishing stores it.
    assert ("details", {"class": "transcript"}) in [
        (tag, {"class": attrs.get("class")}) for tag, attrs in tags
    ]
    assert "Captions work." in response.json["html"]


def test_preview_reports_body_errors_by_body_line(editor, client, csrf):
    body = "## Heading\n\n```video\nurl: https://evil.example/x.mp4\ntitle: T\n```\n"
    data = {**editor.fields("intro"), "body": body, "csrf_token": csrf(client)}
    response = client.post("/authoring/preview", data=data)
    assert response.json["html"] == ""
    [error] = response.json["errors"]
    assert error["line"] == 4 and "https://evil.example/x.mp4" in error["message"]


def test_preview_shows_the_body_while_fields_are_still_missing(editor, client, csrf):
    data = {"title": "Half done", "body": editor.BODY, "csrf_token": csrf(client)}
    response = client.post("/authoring/preview", data=data)
    assert "Typed words stay here." in response.json["html"]
    fields = {(e["field"], e["line"]) for e in response.json["errors"]}
    assert fields == {("summary", None), ("estimated_minutes", None), ("order", None)}


def test_the_preview_button_works_without_javascript_and_saves_nothing(editor):
    before = editor.count()
    response = editor.new_module(action="preview")
    assert response.status_code == 200
    page = editor.read(response)
    assert "Typed words stay here." in page.text["preview"]
    assert ("video", VIDEO_TAG) in page.tags
    assert editor.count() == before


def test_preview_needs_a_csrf_token(editor, client):
    response = client.post("/authoring/preview", data={"title": "T", "body": "Hello"})
    assert response.status_code == 400


def _publish_change(editor, old: str, new: str) -> None:
    body = editor.fields("intro")["body"].replace(old, new)
    response = editor.save("intro", "publish", body=body)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_history_lists_revisions_and_the_diff_marks_the_changed_line(editor, client):
    _publish_change(editor, "a strain in", "a stress in")
    history = editor.page("/authoring/modules/intro/history")
    restores = [a["action"] for tag, a in history.tags if tag == "form" and "data-confirm" in a]
    assert restores == ["/authoring/modules/intro/revisions/1/restore"]
    diffs = [a["href"] for tag, a in history.tags if tag == "a" and "/diff" in a.get("href", "")]
    assert diffs == [f"/authoring/modules/intro/revisions/{n}/diff" for n in (2, 1)]
    text = client.get("/authoring/modules/intro/history").get_data(as_text=True)
    assert "Published, learners see this" in text and "Terry Trainer" in text
    diff = client.get("/authoring/modules/intro/revisions/2/diff").get_data(as_text=True)
    assert "Removed: </span>A tension is a strain in the working alliance.</del>" in diff
    assert "Added: </span>A tension is a stress in the working alliance.</ins>" in diff
    assert client.get("/authoring/modules/intro/revisions/9/diff").status_code == 404


def test_restore_makes_a_new_draft_with_the_old_text(editor, client, csrf):
    _publish_change(editor, "a strain in", "a stress in")
    response = client.post(
        "/authoring/modules/intro/revisions/1/restore", data={"csrf_token": csrf(client)}
    )
    assert response.status_code == 302
    module = editor.module("intro")
    assert module["published"] == 2
    statuses = [(n, s) for n, s, _ in module["revisions"]]
    assert statuses == [(1, "published"), (2, "published"), (3, "draft")]
    assert module["revisions"][2][2] == module["revisions"][0][2]
    assert "a strain in" in editor.fields("intro")["body"]


def test_moving_a_module_republishes_both_in_the_new_order(app, editor, client, csrf):
    body = editor.fields("intro")["body"] + "\nKept across the move.\n"
    assert editor.save("intro", "save", body=body).status_code == 302
    move = {"direction": "up", "csrf_token": csrf(client)}
    assert client.post("/authoring/modules/next/move", data=move).status_code == 302
    intro, following = editor.module("intro"), editor.module("next")
    assert (following["order"], following["published"]) == (1, 2)
    assert (intro["order"], intro["published"]) == (2, 3)
    # The pending draft stays the newest revision, moved along with its module.
    assert intro["revisions"][-1][1] == "draft" and "order: 2" in intro["revisions"][-1][2]
    assert "Kept across the move." in intro["revisions"][-1][2]
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "content.reordered" in actions
    refused = client.post("/authoring/modules/next/move", data=move, follow_redirects=True)
    assert "already the first module" in refused.get_data(as_text=True)


def test_quiz_buttons_change_the_form_without_saving(editor):
    before = editor.count(QuizRevision)
    fields = editor.page("/authoring/modules/intro/quiz").fields
    added = editor.quiz("intro", fields, "add-question")
    assert added.status_code == 200
    page = editor.read(added)
    assert dict(page.fields)["questions-2-id"] == "q3"
    more = editor.read(editor.quiz("intro", page.fields, "add-option:0"))
    assert "questions-0-options-2-text" in dict(more.fields)
    fewer = editor.read(editor.quiz("intro", more.fields, "remove-question:1"))
    ids = [value for name, value in fewer.fields if name.endswith("-id") and "options" not in name]
    assert ids == ["marker", "q3"]
    assert editor.count(QuizRevision) == before


def test_a_quiz_published_in_the_editor_is_taken_by_a_therapist(app, editor, make_user, login):
    editor.new_module()
    response = editor.roleplay_quiz("publish")
    assert response.status_code == 302, response.get_data(as_text=True)
    learner = app.test_client()
    login(make_user("therapist"), on=learner)
    page = learner.get("/assessments/roleplay/quiz").get_data(as_text=True)
    assert "What is it?" in page and "Yes: moving away" not in page
    forms = [attrs.get("action", "") for tag, attrs in editor.read_html(page).tags if tag == "form"]
    action = next(a for a in forms if "/attempts/" in a)
    answer = {"q-spot": "a", "csrf_token": editor.csrf(learner)}
    result = learner.post(action, data=answer, follow_redirects=True).get_data(as_text=True)
    assert "Yes: moving away from the work." in result and "100%" in result


def test_a_single_choice_question_with_two_correct_options_is_refused_beside_it(editor):
    editor.new_module()
    before = editor.count(QuizRevision)
    both = ("questions-0-options-0-correct", "questions-0-options-1-correct")
    response = editor.roleplay_quiz("publish", correct=both)
    assert response.status_code == 422
    page = editor.read(response)
    message = "a 'single' question must have exactly one correct option, found 2"
    assert message in page.text["questions-0-options-error-1"]
    prompt = ("questions-0-prompt", "The patient says *fine* to everything. What is it?")
    assert prompt in page.fields
    assert editor.count(QuizRevision) == before


def test_a_quiz_cannot_be_published_before_its_module(editor, client):
    editor.new_module(action="save")
    page = client.get("/authoring/modules/roleplay/quiz").get_data(as_text=True)
    assert "Publish the module first." in page
    response = editor.roleplay_quiz("publish")
    assert response.status_code == 422
    assert "no module has the slug 'roleplay'" in unescape(response.get_data(as_text=True))
    assert editor.roleplay_quiz("save").status_code == 302


def test_publishing_in_the_browser_is_written_to_the_audit_log(app, editor, trainer):
    editor.new_module(action="save")
    editor.save("roleplay", "publish")
    editor.roleplay_quiz("publish")
    with app.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "content.published")
        ).all()
        mine = [(e.target, e.details["revision"], e.actor_id) for e in entries if e.actor_id]
    assert mine == [("module:roleplay", 2, trainer.id), ("quiz:roleplay", 1, trainer.id)]


def _authoring_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("authoring."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, _url(rule)))
    return routes


def _url(rule: Rule) -> str:
    values = {"slug": "intro", "number": 1, "kind": "scenarios"}
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("role", ["therapist", "researcher"])
def test_other_roles_are_refused_every_authoring_route(app, make_user, login, csrf, course, role):
    client = app.test_client()
    login(make_user(role), on=client)
    routes = _authoring_routes(app)
    assert len(routes) >= 14
    for method, url in routes:
        data = {"csrf_token": csrf(client)} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 403, (method, url)


def test_quizzes_and_moves_are_checked_with_the_practice_the_modules_require(
    practice_editor, client, csrf
):
    """Module "next" requires a scenario and a drill set: publishing a quiz or moving a module
    checks the course with its practice content, not without it."""
    editor = practice_editor
    fields = editor.page("/authoring/modules/intro/quiz").fields
    assert editor.quiz("intro", fields, "publish").status_code == 302
    move = {"direction": "up", "csrf_token": csrf(client)}
    moved = client.post("/authoring/modules/next/move", data=move, follow_redirects=True)
    assert "Moved next to position 1." in moved.get_data(as_text=True)


def test_a_diff_shows_only_what_the_editor_changed_not_how_yaml_quotes(
    editor, client, tmp_path, fixture_root, import_course
):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    intro = root / "modules" / "01-intro.md"
    intro.write_text(
        intro.read_text().replace(
            "title: Introduction to tensions\n",
            '# Written by hand.\ntitle: "Introduction: tensions"\nrequires: []\n',
        )
    )
    import_course(root)  # revision 2, as written in the file
    _publish_change(editor, "a strain in", "a stress in")
    assert editor.save("intro", "publish", summary="What a tension is, briefly.").status_code == 302
    _, written, edited, summarized = (
        source for _, _, source in editor.module("intro")["revisions"]
    )
    assert edited == written.replace("a strain in", "a stress in")
    assert summarized == edited.replace("is.", "is, briefly.")
    diff = client.get("/authoring/modules/intro/revisions/3/diff").get_data(as_text=True)
    assert diff.count("Removed: ") == 1 and diff.count("Added: ") == 1
    assert "Removed: </span>A tension is a strain in the working alliance.</del>" in diff


@pytest.mark.parametrize("action", ["save", "publish"])
def test_a_prerequisite_loop_is_refused_at_requires_naming_modules_by_title(editor, action):
    before = editor.count()
    response = editor.save("intro", action, requires="next")
    assert response.status_code == 422
    page = editor.read(response)
    error = page.text["requires-error"]
    assert "“The next step” cannot be required here: it requires this module" in error
    assert "(“Introduction to tensions” → “The next step” → “Introduction to tensions”)" in error
    text = response.get_data(as_text=True)
    assert ".md" not in text and "Draft saved" not in text
    assert ("a", {"href": "#requires"}) in page.tags
    assert editor.count() == before


def test_an_error_in_another_module_names_that_module_by_title(editor):
    response = editor.save("intro", "publish", order="2")
    assert response.status_code == 422
    text = editor.read(response).text
    assert ".md" not in response.get_data(as_text=True)
    assert "In the module “The next step”" in " ".join(text.values()), text
