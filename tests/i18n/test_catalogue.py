"""The French catalogue: every interface string translated, up to date, and compiled.

The strings are extracted afresh from the code and templates (as ``make i18n`` does), so
a string marked for translation but missing from the catalogue fails here, as does one
left untranslated or fuzzy, or a compiled catalogue older than its source.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "course" / "translations"
PO = CATALOGUES / "fr_CA" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _extracted(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {_key(message.id) for message in read_po(handle) if message.id}


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _french():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr_CA")


def test_every_interface_string_is_in_the_french_catalogue(tmp_path):
    catalogue = {_key(message.id) for message in _french() if message.id}
    missing = sorted(_extracted(tmp_path) - catalogue)
    assert not missing, f"run `make i18n` and translate: {missing[:20]}"


def test_every_french_string_is_translated_and_none_is_fuzzy():
    untranslated = [
        _key(message.id)
        for message in _french()
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert not untranslated, f"untranslated or fuzzy in {PO.name}: {untranslated[:20]}"


def _entry(message) -> tuple:
    """A message's context, id and translation(s), comparable between .po and .mo (the
    .mo reader gives a plural's forms as a list, the .po reader as a tuple)."""
    string = message.string
    return message.context, _key(message.id), tuple(string) if isinstance(string, list) else string


def test_the_compiled_catalogue_matches_its_source():
    with MO.open("rb") as handle:
        compiled = {_entry(m) for m in read_mo(handle) if m.id}
    source = {_entry(m) for m in _french() if m.id}
    assert compiled == source, "run `make i18n` to compile the French catalogue"


def test_every_plural_has_all_its_french_forms():
    catalogue = _french()
    short = [
        _key(m.id)
        for m in catalogue
        if m.pluralizable and (len(m.string) != catalogue.num_plurals or not all(m.string))
    ]
    assert not short, f"plural entries without all {catalogue.num_plurals} forms: {short[:10]}"


def test_no_translation_names_a_value_its_english_does_not_give():
    """A placeholder the English lacks would raise at render time (a 500 in French only)."""
    name = re.compile(r"%\((\w+)\)[sdif]")
    wrong = []
    for m in _french():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        given = {found for text in ids for found in name.findall(text)}
        given |= {"num"} if m.pluralizable else set()  # ngettext gives num
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        extra = {found for text in strings for found in name.findall(text or "")} - given
        if extra:
            wrong.append((_key(m.id), sorted(extra)))
    assert not wrong, wrong[:10]
