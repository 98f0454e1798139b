"""Looking for what could identify a client before a post is stored (pure Python).

A warning, not a verdict: the therapist sees what was found and either edits the post
or confirms that it identifies no one. The patterns lean towards warning too often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_CLINICAL = (
    r"(?:depression|depressed|anxiety|anxious|diagnos\w*|disorder|PTSD|trauma\w*|bipolar|"
    r"schizophreni\w*|psychosis|OCD|ADHD|autis\w*|suicid\w*|self-harm\w*|overdose\w*|"
    r"addiction|alcohol\w*|medication|meds|therapy|treatment|case|file|symptoms|panic|"
    r"eating disorder|anorexi\w*|bulimi\w*|abuse\w*|assault\w*)"
)
# Words that start sentences or stand for people without naming them.
_NOT_NAMES = {
    "A", "An", "And", "As", "At", "But", "Her", "Here", "His", "How", "I", "If", "In", "It",
    "Its", "My", "No", "Our", "She", "He", "So", "That", "The", "Their", "Then", "There",
    "They", "This", "We", "What", "When", "Which", "Who", "Why", "Yes", "You", "Your",
    "Client", "Clients", "Patient", "Patients", "Therapist", "Today", "Yesterday",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}  # fmt: skip


def _name(n: int) -> str:
    return rf"(?P<name{n}>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)"


PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("email", "an e-mail address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "phone",
        "a phone number",
        re.compile(
            r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
        ),
    ),
    (
        "postal_code",
        "a Canadian postal code",
        re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", re.I),
    ),
    (
        "health_number",
        "a number that looks like a health card, insurance or file number",
        re.compile(
            r"(?<![\w-])(?:\d{4}[\s-]?\d{3}[\s-]?\d{3}(?:[\s-]?[A-Z]{2})?|[A-Z]{4}\s?\d{4}\s?\d{4}"
            r"|\d{3}[\s-]\d{3}[\s-]\d{3}|\d{8,})(?![\w-])"
        ),
    ),
    (
        "date",
        "a full date",
        re.compile(
            rf"\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
            rf"|{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}}"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{_MONTHS},?\s\d{{4}})\b",
            re.I,
        ),
    ),
    (
        "name",
        "a name next to a clinical word",
        re.compile(
            rf"\b(?:client|patient|clients|patients|case)\s(?:named\s|called\s)?{_name(1)}"
            rf"|\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s{_name(2)}"
            rf"|\b{_name(3)}(?:'s|\u2019s)\s(?:\w+\s)?{_CLINICAL}\b"
            rf"|\b{_name(4)}\s(?:was|is|has been|got)\s(?:diagnosed|admitted|hospitali[sz]ed)",
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    """Something in a post that could identify a client."""

    kind: str
    label: str
    text: str


def findings(text: str) -> list[Finding]:
    """Everything that could identify a client, in the order found (each text once)."""
    found: list[Finding] = []
    seen: set[str] = set()
    claimed: list[tuple[int, int]] = []
    for kind, label, pattern in PATTERNS:
        for match in pattern.finditer(text or ""):
            start, end = match.span()
            if kind == "name":
                names = [v for k, v in match.groupdict().items() if k.startswith("name") and v]
                if not names or all(n.split()[0] in _NOT_NAMES for n in names):
                    continue
            # A phone number is not reported again as a number or a date inside it.
            if any(start >= s and end <= e for s, e in claimed):
                continue
            claimed.append((start, end))
            snippet = match.group(0).strip()
            if snippet not in seen:
                seen.add(snippet)
                found.append(Finding(kind, label, snippet))
    return found
