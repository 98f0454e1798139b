"""The HTML allow-list: everything authored passes through here before it is stored."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import bleach
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i",
        "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
        "tbody", "tr", "th", "td", "sup", "sub", "div", "span", "aside", "figure",
        "figcaption", "details", "summary", "mark", "abbr", "img",
    }
)  # fmt: skip
# These reach our filter only so it can drop them together with their content;
# plain stripping would leave script and style text visible on the page.
DROP_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "title", "textarea", "xmp", "noembed",
     "noframes", "plaintext"}
)  # fmt: skip
ALLOWED_CLASSES = frozenset(
    {
        "admonition", "try", "key-points", "exchange", "note", "admonition-title",
        "footnote", "footnote-ref", "footnote-backref", "toc",
    }
)  # fmt: skip
PROTOCOLS = frozenset({"http", "https", "mailto"})
PLACEHOLDER_RE = re.compile(r"vidph[0-9a-f]{32}n[0-9]+z")

MediaUrl = Callable[[str], str]

# Ids are confined to prefixes Markdown generates, so authored ids cannot
# clobber DOM globals such as `document.forms` or our script's lookups.
_ID_RE = re.compile(r"^(sec-[A-Za-z0-9_-]*|fn:[A-Za-z0-9_-]+|fnref[0-9]*:[A-Za-z0-9_-]+)$")
_ID_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "li", "sup"})
_IMG_SRC_RE = re.compile(r"^(media/|/static/)[A-Za-z0-9._/-]+$")
_NUMBER_RE = re.compile(r"^[0-9]{1,3}$")
_ALIGN = frozenset({"left", "right", "center"})
_TAG_TOKENS = ("StartTag", "EndTag", "EmptyTag")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name == "id":
        return tag in _ID_TAGS and bool(_ID_RE.match(value))
    if name == "class":
        return tag in ("div", "p", "a")
    if name == "title":
        return tag in ("a", "abbr", "img")
    if tag == "a":
        return name in ("href", "rel")
    if tag in ("th", "td"):
        if name == "align":
            return value in _ALIGN
        return name in ("colspan", "rowspan") and bool(_NUMBER_RE.match(value))
    if tag == "img":
        if name == "src":
            return bool(_IMG_SRC_RE.match(value)) and ".." not in value and "//" not in value
        return name == "alt"
    if tag == "ol":
        return name == "start" and bool(_NUMBER_RE.match(value))
    return False


class _DropContent(Filter):
    """Removes DROP_WITH_CONTENT elements and everything inside them."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in Filter.__iter__(self):
            if token["type"] in _TAG_TOKENS and token["name"] in DROP_WITH_CONTENT:
                if token["type"] == "StartTag":
                    depth += 1
                elif token["type"] == "EndTag":
                    depth = max(0, depth - 1)
                continue
            if depth == 0:
                yield token


def _plain_url(value: str) -> str:
    # Unescape twice: bleach leaves some entities (&colon;, &#0000106) as text
    # that a later double-unescaping consumer could turn into a scheme.
    value = html.unescape(html.unescape(value))
    return re.sub(r"[\x00-\x20\x7f-\x9f]+", "", value).lower()


def is_external(href: str) -> bool:
    """True when a link leaves the site (http, https or protocol-relative)."""
    return _plain_url(href).startswith(("http:", "https:", "//"))


def has_unsafe_scheme(url: str) -> bool:
    """True when a URL names a scheme other than http, https or mailto."""
    scheme = _SCHEME_RE.match(_plain_url(url))
    return scheme is not None and scheme.group(1) not in PROTOCOLS


def _finish_attributes(tag: str, attrs: dict[tuple[Any, str], str], media_url: MediaUrl) -> dict:
    result: dict[tuple[Any, str], str] = {}
    for key, value in attrs.items():
        name = key[1]
        # A placeholder in an attribute would be swapped for markup inside a quoted value.
        if PLACEHOLDER_RE.search(value) or (tag == "a" and name == "rel"):
            continue
        if name in ("href", "src") and has_unsafe_scheme(value):
            continue
        if name == "class":
            value = " ".join(c for c in value.split() if c in ALLOWED_CLASSES)
            if not value:
                continue
        if tag == "img" and name == "src" and value.startswith("media/"):
            value = media_url(value)
        result[key] = value
    if tag == "a" and (None, "href") in result:
        external = is_external(result[(None, "href")])
        result[(None, "rel")] = "noopener noreferrer" if external else "noopener"
    return result


def _finishing_filter(media_url: MediaUrl) -> type[Filter]:
    class _Finish(Filter):
        """Narrows classes, sets rel on links, resolves media image paths."""

        def __iter__(self) -> Iterator[dict[str, Any]]:
            for token in Filter.__iter__(self):
                if token["type"] in ("StartTag", "EmptyTag"):
                    token["data"] = _finish_attributes(token["name"], token["data"], media_url)
                yield token

    return _Finish


def sanitize_html(fragment: str, *, media_url: MediaUrl) -> str:
    """Clean an HTML fragment down to the allow-list; never trusts its input."""
    # bleach.Cleaner keeps parser state, so one per call keeps this thread-safe.
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS | DROP_WITH_CONTENT,
        attributes=_allow_attribute,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropContent, _finishing_filter(media_url)],
    )
    return cleaner.clean(fragment)
