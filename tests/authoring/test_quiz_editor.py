"""The quiz editor's folded questions and its multi-line feedback, from the form to the
quiz file and on to the learner's result page."""

from __future__ import annotations

import re
from html import unescape

import yaml

from course.catalog.models import QuizRevision
from course.extensions import db

FEEDBACK = (
    "Yes: moving away from the work.\r\n\r\nWatch for:\r\n\r\n- short answers\r\n- a new topic"
)
EXPLANATION = "Short answers can shut a topic.\r\nAsk about it.\r\n\r\n<script>alert(1)</script>"


def _panels(html: str) -> list[tuple[bool, str]]:
    """Each question's <details>: whether it is open, and its summary's text."""
    found = re.findall(
        r'<details class="question-panel" id="questions-\d+"( open)?>\s*<summary>(.*?)</summary>',
        html,
        re.S,
    )
    return [(bool(o), " ".join(unescape(re.sub(r"<[^>]+>", " ", s)).split())) for o, s in found]


def test_multi_line_feedback_reaches_the_quiz_file_and_the_learners_result_page(
    app, editor, make_user, login
):
    editor.new_module()
    fields = [
        ("pass_mark", "100"),
        ("max_attempts", "0"),
        ("questions-0-id", "spot"),
        ("questions-0-type", "single"),
        ("questions-0-prompt", "The patient says *fine* to everything. What is it?"),
        ("questions-0-options-0-text", "A withdrawal marker"),
        ("questions-0-options-0-correct", "y"),
        ("questions-0-options-0-feedback", FEEDBACK),
        ("questions-0-options-1-text", "A confrontation marker"),
        ("questions-0-explanation", EXPLANATION),
    ]
    response = editor.quiz("roleplay", fields, "publish")
    assert response.status_code == 302, response.get_data(as_text=True)

    with app.app_context():
        source = db.session.scalar(db.select(QuizRevision.source).order_by(QuizRevision.id.desc()))
    assert "feedback: |-\n" in source and "explanation: |-\n" in source  # literal blocks
    question = yaml.safe_load(source)["questions"][0]
    assert question["options"][0]["feedback"] == FEEDBACK.replace("\r\n", "\n")
    assert question["explanation"] == EXPLANATION.replace("\r\n", "\n")

    form = editor.page("/authoring/modules/roleplay/quiz")  # and back into the form, intact
    assert ("questions-0-options-0-feedback", FEEDBACK.replace("\r\n", "\n")) in form.fields

    learner = app.test_client()
    login(make_user("therapist"), on=learner)
    page = learner.get("/assessments/roleplay/quiz").get_data(as_text=True)
    action = next(
        a["action"] for tag, a in editor.read_html(page).tags if "/attempts/" in a.get("action", "")
    )
    answer = {"q-spot": "a", "csrf_token": editor.csrf(learner)}
    result = learner.post(action, data=answer, follow_redirects=True).get_data(as_text=True)
    assert (
        '<div class="feedback"><p>Yes: moving away from the work.</p>\n<p>Watch for:</p>\n'
        "<ul>\n<li>short answers</li>\n<li>a new topic</li>\n</ul></div>"
    ) in result
    # A single line break stays in the text (Markdown joins the lines); the script is removed.
    assert (
        '<div class="explanation"><p><strong>Why:</strong></p>'
        "<p>Short answers can shut a topic.\nAsk about it.</p>\n</div>"
    ) in result


def test_questions_fold_to_their_number_and_prompt(editor):
    page = editor.client.get("/authoring/modules/intro/quiz").get_data(as_text=True)
    assert _panels(page) == [
        (False, 'Question 1 The patient answers "Fine." to everything. What marker is this?'),
        (False, "Question 2 Which are exploratory strategies? Choose all that apply."),
    ]
    assert re.search(r'<textarea[^>]*id="questions-0-options-0-feedback"', page)
    fields = editor.read(editor.client.get("/authoring/modules/intro/quiz")).fields
    added = editor.quiz("intro", fields, "add-question").get_data(as_text=True)
    assert [o for o, _ in _panels(added)] == [False, False, True]  # the new one is open
    assert _panels(added)[2][1] == "Question 3 No prompt yet"
    more = editor.quiz("intro", fields, "add-option:1").get_data(as_text=True)
    assert [o for o, _ in _panels(more)] == [False, True]
    fewer = editor.quiz("intro", fields, "remove-question:0").get_data(as_text=True)
    assert [o for o, _ in _panels(fewer)] == [True]  # the only one left
    entered = editor.quiz("intro", fields, "refresh").get_data(as_text=True)  # Enter in a box
    assert [o for o, _ in _panels(entered)] == [True, True]


def test_the_question_with_a_problem_opens_by_itself(editor):
    fields = editor.read(editor.client.get("/authoring/modules/intro/quiz")).fields
    broken = [(k, "" if k == "questions-1-prompt" else v) for k, v in fields]
    response = editor.quiz("intro", broken, "publish")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert [o for o, _ in _panels(page)] == [False, True]
    assert _panels(page)[1][1] == "Question 2 (has problems) No prompt yet"
    assert 'href="#questions-1-prompt"' in page  # the summary links into the open question


def test_a_problem_in_the_settings_opens_no_question(editor):
    fields = editor.read(editor.client.get("/authoring/modules/intro/quiz")).fields
    broken = [(k, "many" if k == "pass_mark" else v) for k, v in fields]
    response = editor.quiz("intro", broken, "publish")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert [o for o, _ in _panels(page)] == [False, False]
    assert "(has problems)" not in page
