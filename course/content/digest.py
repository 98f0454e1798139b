"""Stable hashes of content text."""

from __future__ import annotations

import hashlib


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 text; identifies a revision's exact source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
