"""What a person typed in the search box, reduced to the words to look for (pure).

Only words reach the database: runs of letters and digits, in any script. Quotes,
operators, brackets and the like are dropped, so neither PostgreSQL's nor SQLite's query
syntax can be reached from the box; every word must match (AND).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from course.errors import DomainError

#: The longest query read.
MAX_CHARS = 200
#: Words kept from one query.
MAX_TERMS = 8
#: The longest word kept (longer ones are not words anyone searches for).
MAX_TERM_CHARS = 40
_WORD = re.compile(r"[^\W_]+")
#: Words the PostgreSQL query syntax reads as an operator; without them both databases
#: read the same query.
_OPERATORS = frozenset({"or"})


class QueryError(DomainError):
    """The query has nothing to search for; the message says what to type instead."""


def parse_query(raw: object) -> tuple[str, ...]:
    """The words to search for, lower-cased, in order, each once; or QueryError."""
    if not isinstance(raw, str) or not raw.strip():
        raise QueryError(_("Type a word or two to search for."))
    if len(raw) > MAX_CHARS:
        raise QueryError(
            _("Search for at most %(count)d characters: a few words work best.", count=MAX_CHARS)
        )
    words: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFKC", raw).casefold()):
        if len(word) > MAX_TERM_CHARS or word in _OPERATORS or word in words:
            continue
        words.append(word)
    if not words:
        raise QueryError(
            _("Search for words (letters or numbers): quotes, signs and symbols are ignored.")
        )
    return tuple(words[:MAX_TERMS])
