"""The French catalogue: every interface string translated, up to date, and compiled.

The strings are extracted afresh from the code and templates (as ``make i18n`` does), so
a string marked for translation but missing from the catalogue fails here, as does one
left untranslated or fuzzy, or a compiled catalogue older than its source.
"""

from __future__ import annotations

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


def _forms(string):
    """A translation as one value: the .mo gives a plural's forms as a list, the .po a tuple."""
    return tuple(string) if isinstance(string, list | tuple) else string


def test_the_compiled_catalogue_matches_its_source():
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _forms(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _forms(m.string) for m in _french() if m.id}
    assert compiled == source, "run `make i18n` to compile the French catalogue"
