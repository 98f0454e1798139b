"""The interface language: the person's choice, else the browser's, else English.

Strings are marked with Flask-Babel's ``gettext`` (``_`` in templates) and translated in
``course/translations/<locale>/LC_MESSAGES/messages.po``; ``make i18n`` extracts them
and compiles the catalogues. A signed-in person's choice is kept on their account; anyone
else's in a cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel import Locale
from flask import Flask, g, has_request_context, request
from flask_babel import Domain, force_locale, get_locale
from flask_login import current_user

from course.content.languages import LANGUAGES
from course.extensions import babel

#: The interface languages, by Babel locale, each named in its own language.
LOCALES = {"en": "English", "fr_CA": "Français"}
DEFAULT = "en"
#: The cookie that keeps the choice of someone signed out.
COOKIE = "lang"
#: Browser language (primary tag) -> our locale: any French is Canadian French here.
_BROWSER = {"en": "en", "fr": "fr_CA"}

#: The content languages a record may carry: English (the source) and every translation
#: language, as short codes (``en``, ``fr``). Every learner record stores one of them.
CONTENT_LANGUAGES = ("en", *LANGUAGES)
#: The CHECK every ``language`` column carries (a constant: migrations spell it out too).
LANGUAGE_CHECK = "language IN (" + ", ".join(f"'{code}'" for code in CONTENT_LANGUAGES) + ")"
#: Content language -> the RFC 5646 tag of the interface locale that shows it (xAPI).
LANGUAGE_TAGS = {"en": "en", "fr": "fr-CA"}


def content_language(locale: object) -> str:
    """The content language an interface locale shows: ``fr_CA`` -> ``fr``, else ``en``.
    The one mapping from the interface's locale to the language a record stores."""
    primary = str(locale or DEFAULT).replace("-", "_").split("_", 1)[0].lower()
    return primary if primary in CONTENT_LANGUAGES else "en"


def locale_for(language: str) -> str:
    """The interface locale that shows a content language (``fr`` -> ``fr_CA``), for
    words written in a record's language outside its page (``force_locale``)."""
    return LANGUAGE_TAGS.get(language, DEFAULT).replace("-", "_")


def page_language() -> str:
    """The content language of this request's page (``en`` outside a request): what a
    record made by a form post stores, and the column default of every ``language``.
    A language forced for writing to someone else (``writing_to``) does not change it."""
    if not has_request_context():
        return "en"
    return content_language(choose_locale())


def choose_locale() -> str:
    """The locale of this request: account, cookie, ``Accept-Language``, then English.
    Outside a request (a command, a mail sent after the response) it is English unless
    the caller forces another with ``flask_babel.force_locale``."""
    if not has_request_context():
        return DEFAULT
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen in LOCALES:
        return chosen
    cookie = request.cookies.get(COOKIE)
    if cookie in LOCALES:
        return cookie
    # By the browser's order of preference, on the primary tag: en-US before fr means
    # English (Werkzeug's best_match would prefer the exact "fr" over a prefix of "en").
    for value, quality in request.accept_languages:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if quality > 0 and primary in _BROWSER:
            return _BROWSER[primary]
    return DEFAULT


def shown_language() -> str:
    """The content language text is written in now: the page's, or the one forced for a
    recipient (``writing_to``); ``en`` outside both. Course content is shown in it."""
    return content_language(get_locale())


def locale_of(person) -> str:
    """The language to write to ``person`` in (an e-mail, an invitation file, a PDF): the
    one kept on their account, else English. Never the language of whoever is acting: a
    French-speaking trainer's change is announced in English to an English-speaking
    therapist. ``person`` may be None or an address (someone without an account)."""
    chosen = getattr(person, "locale", None)
    return chosen if chosen in LOCALES else DEFAULT


@contextmanager
def writing_to(person_or_locale) -> Iterator[str]:
    """Within the block, ``gettext``, lazy strings, templates and ``course.web.dates``
    write in the language of a person (see ``locale_of``) or in the locale given."""
    if isinstance(person_or_locale, str) and person_or_locale in LOCALES:
        locale = person_or_locale
    else:
        locale = locale_of(person_or_locale)
    with force_locale(locale):
        yield locale


def language_name(language: str) -> str:
    """A content language's name in the page's language (``fr`` -> French, français)."""
    name = Locale.parse(locale_for(language)).get_language_name(str(get_locale() or DEFAULT))
    return name[:1].upper() + name[1:]


def html_lang() -> str:
    """The ``lang`` attribute of the page: ``en`` or ``fr-CA``."""
    return str(get_locale() or DEFAULT).replace("_", "-")


def other_locales() -> list[tuple[str, str]]:
    """The languages the page can switch to: (locale, name in that language)."""
    current = str(get_locale() or DEFAULT)
    return [(code, name) for code, name in LOCALES.items() if code != current]


class KeptDomain(Domain):
    """The message domain, with the catalogue found once per request and locale.

    Flask-Babel looks the locale and the catalogue up again on every string (a dozen
    context lookups), and a page holds dozens of strings. The catalogue is kept beside
    Flask-Babel's own state with the locale it is for, so ``force_locale`` (an e-mail in
    the recipient's language, rendered during someone else's request) is still obeyed:
    another locale object means another lookup, and nothing has to be invalidated."""

    def get_translations(self):
        try:
            state = g._get_current_object()._flask_babel
            locale = state.babel_locale
        except (AttributeError, RuntimeError):
            return super().get_translations()
        kept = state.__dict__.get("course_translations")
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        state.course_translations = (locale, translations)
        return translations


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our selector and catalogues; give templates the switch."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=choose_locale)
    domain = babel.domain_instance = KeptDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
    )
    app.context_processor(
        lambda: {
            "html_lang": html_lang,
            "other_locales": other_locales,
            "shown_language": shown_language,
            "page_language": page_language,
        }
    )
