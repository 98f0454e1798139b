"""Scenarios and drill sets in the browser: list, drafts, publishing with the whole-course
check, refusals that write nothing, the live preview and map, history, access."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest

from course.audit.models import AuditEntry
from course.catalog.practice import DrillSet, DrillSetRevision, Scenario, ScenarioRevision
from course.extensions import db

PRACTICE = Path(__file__).parents[1] / "fixtures" / "practice"
SMALL = (PRACTICE / "scenarios" / "small.yaml").read_text()
DRILLS = (PRACTICE / "drills" / "withdrawal.yaml").read_text()
#: small.yaml with one more step that no choice leads to (its id is on line 44).
UNREACHABLE = (
    SMALL
    + "  - id: orphan\n    moment: Nobody gets here.\n"
    + ("    ending: {title: Lost, debrief: Never reached.}\n")
)
MODELS = (Scenario, ScenarioRevision, DrillSet, DrillSetRevision, AuditEntry)


def _post(editor, url: str, **fields):
    return editor.client.post(url, data={**fields, "csrf_token": editor.csrf(editor.client)})


def _history(app, model, owner_model, slug: str) -> list[tuple[int, str]]:
    with app.app_context():
        owner = db.session.scalar(db.select(owner_model).where(owner_model.slug == slug))
        column = model.scenario_id if model is ScenarioRevision else model.drill_set_id
        revisions = db.session.scalars(
            db.select(model).where(column == owner.id).order_by(model.number)
        ).all()
        live = owner.published_revision_id
        return [(r.number, "live" if r.id == live else r.status) for r in revisions]


def _published_entries(app) -> list[tuple[str, int, int | None]]:
    with app.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "content.published")
        ).all()
        return [(e.target, e.details["revision"], e.actor_id) for e in entries if e.actor_id]


def test_the_list_shows_each_scenario_and_drill_set_with_its_status(practice_editor):
    page = practice_editor.page("/authoring/practice")
    assert "A small scenario" in page.text["scenarios-small"]
    assert "Responding to withdrawal" in page.text["drills-withdrawal"]
    links = [a.get("href") for tag, a in page.tags if tag == "a"]
    wanted = ["/authoring/scenarios/new", "/authoring/drills/new"]
    wanted += ["/authoring/scenarios/small/edit", "/authoring/drills/withdrawal/history"]
    assert set(wanted) <= set(links)
    index = practice_editor.page("/authoring/")
    assert "/authoring/practice" in [a.get("href") for tag, a in index.tags if tag == "a"]


def test_a_new_scenario_is_published_and_written_to_the_audit_log(app, practice_editor, trainer_id):
    response = _post(
        practice_editor, "/authoring/scenarios/new", slug="second", source=SMALL, action="publish"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/authoring/practice#scenarios-second")
    assert _history(app, ScenarioRevision, Scenario, "second") == [(1, "live")]
    assert _published_entries(app) == [("scenario:second", 1, trainer_id)]


def test_a_draft_leaves_learners_on_the_published_revision(app, practice_editor):
    text = SMALL.replace("The client opens up.", "The client opens up, in a draft.")
    response = _post(practice_editor, "/authoring/scenarios/small/edit", source=text, action="save")
    assert response.status_code == 302
    assert _history(app, ScenarioRevision, Scenario, "small") == [(1, "live"), (2, "draft")]
    fields = dict(practice_editor.page("/authoring/scenarios/small/edit").fields)
    assert "in a draft." in fields["source"]
    assert _published_entries(app) == []


def test_a_broken_file_is_refused_with_its_line_and_path_and_nothing_is_written(
    practice_editor,
):
    before = practice_editor.count(*MODELS)
    response = _post(
        practice_editor, "/authoring/scenarios/small/edit", source=UNREACHABLE, action="publish"
    )
    assert response.status_code == 422
    assert practice_editor.count(*MODELS) == before
    page = practice_editor.read(response)
    assert dict(page.fields)["source"] == UNREACHABLE  # the typed text is kept
    html = unescape(response.get_data(as_text=True))
    assert "step 'orphan' cannot be reached from the start ('opening')" in html
    assert '<a href="#source" data-line="44">Line 44</a>' in html
    assert '<code class="field-path">steps[5].id</code>' in html
    assert "1 problem in this text: see Problems." in page.text["source-error"]
    # The map draws the step apart and flags it, in the drawing and in the list beside it.
    assert "⚠ unreachable" in html and "⚠ Cannot be reached from the start." in html


def test_a_new_file_starts_from_an_example_and_needs_a_slug_to_be_saved(practice_editor):
    page = practice_editor.page("/authoring/scenarios/new")
    assert page.text["check-status"].startswith("No problems found.")  # the example passes
    before = practice_editor.count(*MODELS)
    response = _post(practice_editor, "/authoring/scenarios/new", slug="", source=SMALL)
    assert response.status_code == 200  # the Preview button: nothing to refuse
    refused = _post(
        practice_editor, "/authoring/scenarios/new", slug="", source=SMALL, action="save"
    )
    assert refused.status_code == 422
    assert "'slug' must not be empty" in practice_editor.read(refused).text["slug-error"]
    assert practice_editor.count(*MODELS) == before


def test_a_refused_new_file_keeps_its_slug_and_text(practice_editor):
    before = practice_editor.count(*MODELS)
    response = _post(
        practice_editor, "/authoring/drills/new", slug="Bad Slug", source=DRILLS, action="save"
    )
    assert response.status_code == 422
    page = practice_editor.read(response)
    assert "'slug' 'Bad Slug' is not allowed" in page.text["slug-error"]
    assert dict(page.fields)["slug"] == "Bad Slug" and dict(page.fields)["source"] == DRILLS
    taken = _post(
        practice_editor, "/authoring/drills/new", slug="withdrawal", source=DRILLS, action="save"
    )
    assert taken.status_code == 422
    assert "a drill set with slug 'withdrawal' already exists" in unescape(
        taken.get_data(as_text=True)
    )
    assert practice_editor.count(*MODELS) == before


def test_publishing_fewer_drill_items_than_a_module_requires_is_refused(practice_editor):
    """Module "next" requires two items of drills/withdrawal.yaml: one item is not enough."""
    one_item = DRILLS[: DRILLS.index("  - id: fine-b2")]
    before = practice_editor.count(*MODELS)
    response = _post(
        practice_editor, "/authoring/drills/withdrawal/edit", source=one_item, action="publish"
    )
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "modules/02-next.md, line" in html
    assert "'practice' asks for 2 items, but drills/withdrawal.yaml has 1" in html
    assert practice_editor.count(*MODELS) == before
    saved = _post(
        practice_editor, "/authoring/drills/withdrawal/edit", source=one_item, action="save"
    )
    assert saved.status_code == 302  # a draft need not pass the whole-course checks


def test_publishing_a_scenario_checks_its_clips_with_the_course_media(practice_editor):
    clip = "    clip:\n      url: media/missing.mp4\n      title: A missing clip\n"
    text = SMALL.replace(
        '    moment: The client says "Fine."\n', f'    moment: The client says "Fine."\n{clip}'
    )
    before = practice_editor.count(*MODELS)
    url = "/authoring/scenarios/small/edit"
    response = _post(practice_editor, url, source=text, action="publish")
    assert response.status_code == 422
    assert "opening: clip file 'media/missing.mp4' not found" in unescape(
        response.get_data(as_text=True)
    )
    assert practice_editor.count(*MODELS) == before
    assert _post(practice_editor, url, source=text, action="save").status_code == 302


def test_a_drill_set_edit_is_published_as_a_new_revision(app, practice_editor, trainer_id):
    text = DRILLS.replace("It's fine. Whatever you think.", "It's fine, I suppose.")
    response = _post(
        practice_editor, "/authoring/drills/withdrawal/edit", source=text, action="publish"
    )
    assert response.status_code == 302
    assert _history(app, DrillSetRevision, DrillSet, "withdrawal") == [
        (1, "published"),
        (2, "live"),
    ]
    assert _published_entries(app) == [("drills:withdrawal", 2, trainer_id)]
    with app.app_context():
        live = db.session.scalar(
            db.select(DrillSetRevision).where(DrillSetRevision.number == 2)
        ).items[0]["statement_html"]
    assert "I suppose" in live


def test_preview_answers_json_with_problems_by_line_and_path_and_the_map(practice_editor):
    text = SMALL.replace("goto: partial", "goto: nowhere")
    response = _post(practice_editor, "/authoring/scenarios/preview", slug="small", source=text)
    assert response.status_code == 200
    data = response.json
    assert data["ok"] is False and data["summary"] == "1 problem to fix."
    assert data["errors"] == [
        {
            "line": 33,
            "path": "steps[2].branch[1].goto",
            "message": "step 'tally' leads to unknown step 'nowhere'",
            "elsewhere": None,
        }
    ]
    assert 'data-line="33"' in data["problems_html"]
    assert "The preview returns once the problems are fixed." in data["preview_html"]
    assert "⚠ no such step" in data["map_html"] and 'role="img"' in data["map_html"]
    assert "No step has this id." in data["map_html"]


def test_preview_renders_what_learners_would_get_sanitized(practice_editor):
    text = DRILLS.replace(
        '"It\'s fine. Whatever you think."', '"It\'s *fine*. <script>alert(1)</script>"'
    )
    response = _post(practice_editor, "/authoring/drills/preview", slug="withdrawal", source=text)
    data = response.json
    assert data["ok"] is True and data["errors"] == [] and data["map_html"] == ""
    assert "<em>fine</em>" in data["preview_html"] and "<script" not in data["preview_html"]
    assert "Names what you noticed" in data["preview_html"]


def test_the_map_is_drawn_for_text_the_parser_refuses_entirely(practice_editor):
    text = SMALL.replace("    moment: The client opens up.\n", "").replace("points: 2", "points: x")
    data = _post(practice_editor, "/authoring/scenarios/preview", slug="s", source=text).json
    paths = {e["path"] for e in data["errors"]}
    assert {"steps[3]", "steps[0].choices[0].points"} <= paths
    assert "repaired" in data["map_html"] and "scenario-map" in data["map_html"]
    broken = _post(practice_editor, "/authoring/scenarios/preview", slug="s", source="a: [b\n")
    assert "can be read as YAML" in broken.json["map_html"]


def test_preview_needs_a_csrf_token(practice_editor, client):
    response = client.post("/authoring/scenarios/preview", data={"source": SMALL})
    assert response.status_code == 400


def test_history_lists_revisions_and_restore_makes_a_draft_of_the_old_text(app, practice_editor):
    text = SMALL.replace("Some of it is said.", "Some of it is said, later.")
    _post(practice_editor, "/authoring/scenarios/small/edit", source=text, action="publish")
    page = practice_editor.page("/authoring/scenarios/small/history")
    restores = [a["action"] for tag, a in page.tags if tag == "form" and "data-confirm" in a]
    assert restores == ["/authoring/scenarios/small/revisions/1/restore"]
    response = _post(practice_editor, "/authoring/scenarios/small/revisions/1/restore")
    assert response.status_code == 302
    assert _history(app, ScenarioRevision, Scenario, "small") == [
        (1, "published"),
        (2, "live"),
        (3, "draft"),
    ]
    assert dict(practice_editor.page("/authoring/scenarios/small/edit").fields)["source"] == SMALL
    missing = _post(practice_editor, "/authoring/scenarios/small/revisions/9/restore")
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ["therapist", "researcher"])
def test_other_roles_get_403_on_every_practice_page(app, make_user, login, csrf, course, role):
    client = app.test_client()
    login(make_user(role), on=client)
    for kind in ("scenarios", "drills"):
        for method, url in [
            ("GET", "/authoring/practice"),
            ("GET", f"/authoring/{kind}/new"),
            ("POST", f"/authoring/{kind}/new"),
            ("GET", f"/authoring/{kind}/small/edit"),
            ("POST", f"/authoring/{kind}/small/edit"),
            ("POST", f"/authoring/{kind}/preview"),
            ("GET", f"/authoring/{kind}/small/history"),
            ("POST", f"/authoring/{kind}/small/revisions/1/restore"),
        ]:
            data = {"csrf_token": csrf(client), "source": SMALL} if method == "POST" else None
            assert client.open(url, method=method, data=data).status_code == 403, (method, url)


@pytest.fixture
def trainer_id(app) -> int:
    """The id of the trainer ``practice_editor`` signed in."""
    from course.auth.models import User

    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.role == "trainer"))
