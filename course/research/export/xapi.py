"""xapi.jsonl: xAPI 1.0.3 statements, one JSON object per line.

The actor is an ``account`` holding the study ID, never a name or mailbox. Verbs are ADL
verbs plus the xAPI video profile's. Statement ids are UUIDs derived from the record
they describe, so exporting the same record twice gives the same id and a Learning
Record Store keeps one copy (incremental pulls may overlap safely).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from course.research.export.context import ExportContext, iso, number
from course.web.i18n import LANGUAGE_TAGS

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_VERBS = (
    "experienced", "attempted", "answered", "passed", "failed", "completed", "progressed",
    "asked", "responded",
)  # fmt: skip
VIDEO = "https://w3id.org/xapi/video"
VIDEO_VERBS = ("played", "paused", "seeked")
ACTIVITY = "http://adlnet.gov/expapi/activities/"
#: Fixed namespace for statement ids (uuid5 of the platform address and the record).
NAMESPACE = uuid.UUID("6c1f0a4e-4d3b-5b6e-9c1e-2f7a0d9b8e51")
#: One statement as a line of JSON text.
Statement = str
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def verb(name: str) -> dict[str, Any]:
    """An ADL or video-profile verb with its display."""
    base = f"{VIDEO}/verbs/" if name in VIDEO_VERBS else ADL
    return {"id": base + name, "display": {"en-US": name}}


def duration(seconds: float | None) -> str:
    """ISO 8601 duration, e.g. PT90S or PT12.5S."""
    return f"PT{number(max(0.0, seconds or 0.0), 2)}S"


def wanted(f, at: datetime) -> bool:
    """True when a statement at ``at`` falls inside the filters' dates and ``since``."""
    return (
        (f.start_at is None or at >= f.start_at)
        and (f.end_before is None or at < f.end_before)
        and (f.since is None or at >= f.since)
    )


def uuid5(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))`` without building UUID objects (hot path)."""
    digest = hashlib.sha1(NAMESPACE.bytes + name.encode(), usedforsecurity=False).hexdigest()
    variant = "89ab"[int(digest[16], 16) & 0x3]
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"


class Builder:
    """Builds statements for one export (its site address and people).

    The parts that repeat (actor, verb, activity, context) are encoded once and reused:
    an export writes hundreds of thousands of statements.
    """

    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self.base = ctx.base_url
        self.course = {
            "objectType": "Activity",
            "id": f"{self.base}/learning/",
            "definition": {"type": ACTIVITY + "course"},
        }
        self._encoded: dict[tuple, str] = {}

    def _once(self, key: tuple, make) -> str:
        text = self._encoded.get(key)
        if text is None:
            text = self._encoded[key] = _encode(make())
        return text

    def id(self, *parts: Any) -> str:
        """A stable UUID for the record ``parts`` names."""
        return uuid5("|".join(map(str, (self.base, *parts))))

    def _context(
        self,
        arm: str,
        video: bool,
        extensions: dict[str, Any],
        parent: dict[str, Any] | None,
        language: str = "en",
    ) -> dict[str, Any]:
        # Practice statements sit under their scenario or drill set, grouped by the course.
        activities = {"parent": [parent], "grouping": [self.course]} if parent else None
        context: dict[str, Any] = {
            "platform": "Alliance Training Platform",
            # RFC 5646: the language of the page the learner acted on (en, fr-CA).
            "language": LANGUAGE_TAGS.get(language, "en"),
            "contextActivities": activities or {"parent": [self.course]},
            "extensions": {f"{self.base}/xapi/extensions/arm": arm, **extensions},
        }
        if video:
            context["contextActivities"]["category"] = [{"objectType": "Activity", "id": VIDEO}]
        return context

    def statement(
        self,
        key: tuple,
        person,
        name: str,
        target: str,
        at: datetime | str,
        *,
        result: dict[str, Any] | None = None,
        video: bool = False,
        extensions: dict[str, Any] | None = None,
        parent: tuple[str, str, str | None] | None = None,
        language: str = "en",
    ) -> Statement:
        """One statement; ``key`` identifies the record and the verb makes it unique.

        ``parent`` (path, activity type, title) replaces the course as the context's parent;
        ``language`` (en, fr) is the record's, given as the context's RFC 5646 tag.
        """
        extensions = extensions or {}
        actor = self._once(
            ("actor", person.study_id),
            lambda: {
                "objectType": "Agent",
                "account": {"homePage": self.base, "name": person.study_id},
            },
        )
        context = self._once(
            ("context", person.arm, video, parent, language, *extensions.items()),
            lambda: self._context(
                person.arm,
                video,
                extensions,
                self.activity_dict(*parent) if parent else None,
                language,
            ),
        )
        stamp = at if isinstance(at, str) else iso(at)
        parts = [
            f'"id":"{self.id(*key, name)}"',
            f'"actor":{actor}',
            f'"verb":{self._once(("verb", name), lambda: verb(name))}',
            f'"object":{target}',
            f'"context":{context}',
            f'"timestamp":"{stamp}"',
            '"version":"1.0.3"',
        ]
        if result:
            parts.append(f'"result":{_encode(result)}')
        return "{" + ",".join(parts) + "}"

    def activity_dict(self, path: str, kind: str, title: str | None = None) -> dict[str, Any]:
        """An Activity object under this site."""
        definition: dict[str, Any] = {"type": kind}
        if title:
            definition["name"] = {"en-US": title}
        return {"objectType": "Activity", "id": f"{self.base}{path}", "definition": definition}

    def activity(self, path: str, kind: str, title: str | None = None) -> str:
        """An Activity object under this site, as JSON text."""
        return self._once(
            ("activity", path, kind, title), lambda: self.activity_dict(path, kind, title)
        )
