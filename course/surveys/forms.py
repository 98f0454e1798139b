"""Reading a survey form: one field per item, named by the item id; anything else ignored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import format_number
from flask_babel import gettext as _

from course.surveys.instruments import Instrument

#: The longest free-text answer accepted, in characters.
MAX_TEXT = 5000
ACTIONS = ("save", "submit")

Answers = dict[str, int | str | None]


def parse_answers(
    instruments: Iterable[Instrument], form: Mapping[str, str]
) -> tuple[Answers, dict[str, str]]:
    """Every item's answer (None when blank) and a message per item that cannot be read."""
    answers: Answers = {}
    errors: dict[str, str] = {}
    for instrument in instruments:
        for item in instrument.items:
            raw = (form.get(item.id) or "").strip()
            if not raw:
                answers[item.id] = None
            elif item.type == "text":
                answers[item.id] = raw.replace("\r\n", "\n")
                if len(answers[item.id]) > MAX_TEXT:
                    errors[item.id] = _(
                        "This answer is %(length)s characters long; please shorten it to at "
                        "most %(limit)s.",
                        length=format_number(len(answers[item.id])),
                        limit=format_number(MAX_TEXT),
                    )
            else:
                points = {str(point): point for point, _label in item.labels}
                answers[item.id] = points.get(raw)
                if raw not in points:
                    errors[item.id] = _("Choose one of the answers shown.")
    return answers, errors
