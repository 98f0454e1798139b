"""The search box's words: only letters and digits reach the database (pure, fuzzed)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.search.query import MAX_CHARS, MAX_TERM_CHARS, MAX_TERMS, QueryError, parse_query


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("rupture", ("rupture",)),
        ("  Rupture   REPAIR ", ("rupture", "repair")),
        ('"withdrawal marker"', ("withdrawal", "marker")),
        ("tension -repair", ("tension", "repair")),
        ("tension OR rupture", ("tension", "rupture")),
        ("alliance's bond", ("alliance", "s", "bond")),
        ("Straße café", ("strasse", "café")),
        ("\uff21\uff22\uff23", ("abc",)),  # full-width ABC reads as the same word
        ("snake_case", ("snake", "case")),
        ("a a a b", ("a", "b")),
        (
            "one two three four five six seven eight nine ten",
            ("one", "two", "three", "four", "five", "six", "seven", "eight"),
        ),
    ],
)
def test_words_are_kept_and_everything_else_dropped(raw, terms):
    assert parse_query(raw) == terms


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (None, "Type a word"),
        ("", "Type a word"),
        ("   ", "Type a word"),
        ('"', "quotes, signs and symbols"),
        ("''' && || !! ()", "quotes, signs and symbols"),
        ("*:& <-> !", "quotes, signs and symbols"),
        ("or", "quotes, signs and symbols"),
        ("x" * (MAX_CHARS + 1), f"at most {MAX_CHARS} characters"),
        ("y" * (MAX_TERM_CHARS + 1), "quotes, signs and symbols"),
        (["a list"], "Type a word"),
    ],
)
def test_nothing_to_search_for_gets_a_message(raw, says):
    with pytest.raises(QueryError, match=re.escape(says)):
        parse_query(raw)


@given(st.text(max_size=MAX_CHARS + 20))
def test_any_text_gives_words_or_a_message(raw):
    try:
        terms = parse_query(raw)
    except QueryError as error:
        assert str(error)
        return
    assert 1 <= len(terms) <= MAX_TERMS
    assert len(set(terms)) == len(terms)
    for term in terms:
        assert 1 <= len(term) <= MAX_TERM_CHARS
        assert all(char.isalnum() for char in term), term
        assert term not in ("or",)
