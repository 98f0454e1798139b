"""The languages a course can be translated into; English is the language of the source."""

from __future__ import annotations

#: Translation languages by code, each named in its own language.
LANGUAGES = {"fr": "français"}
