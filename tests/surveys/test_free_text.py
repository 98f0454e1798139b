"""Free-text answers are stored as typed and inert wherever they are shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from course.extensions import db
from course.surveys.models import SurveyAnswer

URL = "/surveys/acceptability/after_course"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


class Elements(HTMLParser):
    """Every element and text node of a page, as the browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def parse(html: str) -> Elements:
    page = Elements()
    page.feed(html)
    return page


def assert_inert(html: str, payload: str) -> None:
    page = parse(html)
    assert not any("alert" in script for script in page.scripts), "a script runs the payload"
    assert all(src for tag, attrs in page.tags if tag == "script" for src in [attrs.get("src")])
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)], "event handler"
    assert not [a for t, a in page.tags if t == "img" and a.get("src") == "x"], "injected <img>"
    assert payload in "".join(page.text), "the answer is shown as text"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_free_text_answer_is_inert_on_every_page(
    app, client, make_user, login, survey_course, complete, answer_form, payload
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    client.post(URL, data=answer_form(client, "save", open_use=payload, open_change=payload))
    with app.app_context():
        stored = db.session.scalars(db.select(SurveyAnswer.text)).all()
    assert stored == [payload, payload]  # stored as typed, escaped only on output

    assert_inert(client.get(URL).get_data(as_text=True), payload)  # the resumed form
    client.post(URL, data=answer_form(client, "submit", open_use=payload, open_change=payload))
    assert_inert(client.get(URL).get_data(as_text=True), payload)  # the submitted answers
    rejected = client.post(URL, data=answer_form(client, "save", open_use=payload))
    assert rejected.status_code == 409
    assert_inert(rejected.get_data(as_text=True), payload)  # the refusal shows the answers

    researcher = make_user("researcher")
    other = app.test_client()
    login(researcher, on=other)
    instruments = other.get("/surveys/instruments")
    schedule = other.get("/surveys/schedule")
    assert instruments.status_code == schedule.status_code == 200
    assert "System Usability Scale" in instruments.get_data(as_text=True)
    # The schedule counts the response just submitted, so it is the page about these answers.
    row = re.search(
        r"<code>acceptability</code>.*?</tr>", schedule.get_data(as_text=True), re.DOTALL
    )
    assert row and re.search(r"<td>0</td>\s*<td>1</td>\s*</tr>", row.group(0))
    for response in (instruments, schedule):
        page = response.get_data(as_text=True)
        assert payload not in page and "alert(1)" not in page  # no page shows raw answers


def test_a_payload_re_shown_after_a_refused_save_is_inert(
    client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    payload = PAYLOADS[1]
    refused = client.post(URL, data=answer_form(client, "save", aim_1="7", open_use=payload))
    assert refused.status_code == 400
    assert_inert(refused.get_data(as_text=True), payload)
