"""Authoring helpers: a signed-in trainer, a page reader, and the editor's forms as posts."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from course.audit.models import AuditEntry
from course.catalog.models import Module, ModuleRevision, QuizRevision
from course.extensions import db

#: The body of the module the tests create; line 6 is the video's url.
BODY_TEMPLATE = (
    "## Practice\n\nTyped words stay here.\n\n"
    "```video\nurl: {url}\ntitle: Practice clip\ncaptions: media/short.en.vtt\n```\n"
)
CORRECT = ("questions-0-options-0-correct",)


class Page(HTMLParser):
    """The parts of a page the tests look at: tags, form fields, and text by element id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.fields: list[tuple[str, str]] = []
        self.text: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("input", "br", "meta", "link", "img", "source", "track"):
            self._open.append((tag, attrs.get("id")))
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "file"):
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.fields.append((name, attrs.get("value") or "y"))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs["value"]))
        elif tag == "textarea":
            self._textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields.pop()
            if not value:  # HTML drops the one line break that follows <textarea>
                data = data[2:] if data.startswith("\r\n") else data.removeprefix("\n")
            self.fields.append((name, value + data))
        for _, element_id in self._open:
            if element_id:
                self.text[element_id] = self.text.get(element_id, "") + data


class Editor:
    """Posts the authoring forms as a browser would, for one signed-in client."""

    BODY = BODY_TEMPLATE.format(url="media/short.mp4")

    def __init__(self, app, client, csrf) -> None:
        self.app, self.client, self.csrf = app, client, csrf

    @staticmethod
    def read(response) -> Page:
        """Read a response's page."""
        return Page(response.get_data(as_text=True))

    @staticmethod
    def read_html(html: str) -> Page:
        """Read an HTML fragment."""
        return Page(html)

    def page(self, url: str) -> Page:
        """GET a page and read it."""
        return self.read(self.client.get(url))

    def new_module(self, action: str = "publish", video_url: str = "media/short.mp4", **changes):
        """Submit the create form for the module ``roleplay`` (with a captioned video)."""
        data = {
            "title": "Role-play practice",
            "slug": "roleplay",
            "order": "3",
            "summary": "Practise spotting markers.",
            "estimated_minutes": "15",
            "min_seconds": "30",
            "body": BODY_TEMPLATE.format(url=video_url),
            "action": action,
            "csrf_token": self.csrf(self.client),
            **changes,
        }
        return self.client.post("/authoring/modules/new", data=data)

    def fields(self, slug: str) -> dict[str, str]:
        """The edit form's fields as the page fills them."""
        return dict(self.page(f"/authoring/modules/{slug}/edit").fields)

    def save(self, slug: str, action: str, **changes):
        """Submit the edit form with ``changes`` over what it holds."""
        data = {**self.fields(slug), **changes, "action": action}
        return self.client.post(
            f"/authoring/modules/{slug}/edit", data={**data, "csrf_token": self.csrf(self.client)}
        )

    def quiz(self, slug: str, fields: list[tuple[str, str]], action: str):
        """Submit the quiz form with these fields and button."""
        data = [(k, v) for k, v in fields if k != "csrf_token"]
        data += [("action", action), ("csrf_token", self.csrf(self.client))]
        return self.client.post(f"/authoring/modules/{slug}/quiz", data=MultiDict(data))

    def roleplay_quiz(self, action: str, correct: tuple[str, ...] = CORRECT):
        """Submit a one-question single-choice quiz for ``roleplay``."""
        fields = [
            ("pass_mark", "100"),
            ("max_attempts", "0"),
            ("questions-0-id", "spot"),
            ("questions-0-type", "single"),
            ("questions-0-prompt", "The patient says *fine* to everything. What is it?"),
            ("questions-0-options-0-text", "A withdrawal marker"),
            ("questions-0-options-0-feedback", "Yes: moving away from the work."),
            ("questions-0-options-1-text", "A confrontation marker"),
            ("questions-0-explanation", "Short answers can shut a topic."),
            *[(name, "y") for name in correct],
        ]
        return self.quiz("roleplay", fields, action)

    def count(self, *models) -> tuple[int, ...]:
        """Rows in each table (by default: modules, both revisions, audit entries)."""
        models = models or (Module, ModuleRevision, QuizRevision, AuditEntry)
        with self.app.app_context():
            return tuple(
                db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models
            )

    def module(self, slug: str) -> dict:
        """A module's published revision and its whole history, as plain values."""
        with self.app.app_context():
            module = db.session.scalar(db.select(Module).where(Module.slug == slug))
            revisions = db.session.scalars(
                db.select(ModuleRevision)
                .where(ModuleRevision.module_id == module.id)
                .order_by(ModuleRevision.number)
            ).all()
            published = module.published
            return {
                "published": published.number if published else None,
                "order": published.order if published else None,
                "html": published.html if published else "",
                "revisions": [(r.number, r.status, r.source) for r in revisions],
            }


@pytest.fixture
def trainer(client, make_user, login, course):
    """A trainer signed in on ``client``, with the fixture course imported."""
    user = make_user("trainer", name="Terry Trainer")
    login(user)
    return user


@pytest.fixture
def editor(app, client, csrf, trainer) -> Editor:
    """The authoring forms, posted as the signed-in trainer."""
    return Editor(app, client, csrf)


@pytest.fixture
def practice_course(tmp_path, fixture_root, import_course):
    """The test course plus scenarios/small.yaml and drills/withdrawal.yaml (four items);
    module "next" requires the scenario's ending and two items of the drill set."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    for folder in ("scenarios", "drills"):
        shutil.copytree(fixture_root.parent / "practice" / folder, root / folder)
    module = root / "modules" / "02-next.md"
    module.write_text(
        module.read_text().replace(
            "  min_seconds: 30\n",
            "  scenario: small\n  practice:\n    set: withdrawal\n    items: 2\n",
        )
    )
    return import_course(root)


@pytest.fixture
def practice_editor(app, client, csrf, make_user, login, practice_course) -> Editor:
    """The authoring forms, posted by a signed-in trainer, on the course with practice."""
    login(make_user("trainer", name="Pat Trainer"))
    return Editor(app, client, csrf)
