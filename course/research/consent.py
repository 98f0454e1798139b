"""Consent: the versioned text, each therapist's standing, decisions and withdrawal.

A therapist is *in the trial* when their arm is not ``open``. While the published course
names a ``consent_version``, a trial therapist answers that version's text before using
anything else. The latest decision is in force: accepted includes them in research data;
declined or withdrawn leaves them out of every export made from then on.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from course import clock, signals
from course.audit.services import record
from course.catalog import published_course
from course.config import enrolment_closed
from course.content import render_markdown
from course.errors import DomainError
from course.extensions import db
from course.learning.access import register_not_taking_part
from course.research import consent_copies, consent_text
from course.research.models import Allocation, ConsentRecord
from course.web.i18n import CONTENT_LANGUAGES

CONSENT_DIR = Path(__file__).with_name("consent")


class ConsentError(DomainError):
    """A consent action is not possible; the message says why."""


@dataclass(frozen=True)
class Standing:
    """A therapist's research standing, from their latest decision."""

    in_trial: bool
    current_version: str | None
    decision: str | None  # accepted, declined, withdrawn or None
    version: str | None  # the version that decision was about
    at: datetime | None
    allocated: bool

    @property
    def needs_decision(self) -> bool:
        """The gate asks: no answer yet, or the text changed since (unless withdrawn)."""
        if not self.in_trial or self.current_version is None or self.decision == "withdrawn":
            return False
        return self.decision is None or self.version != self.current_version

    @property
    def awaiting_allocation(self) -> bool:
        """Consented to the current text but not yet randomized: no training opens yet."""
        return (
            self.in_trial
            and not self.needs_decision
            and self.decision == "accepted"
            and not self.allocated
        )

    @property
    def included(self) -> bool:
        """Counted in research data (the latest decision is an acceptance)."""
        return self.decision == "accepted"


def in_trial(user) -> bool:
    """Therapists outside the trial have arm ``open`` and are never asked."""
    return user.role == "therapist" and user.arm not in (None, "open")


def current_version() -> str | None:
    """The consent version named by the published course file, if any."""
    return published_course().spec.consent_version


def consent_dir() -> Path:
    """Where consent texts live (tests may point RESEARCH_CONSENT_DIR elsewhere)."""
    return Path(current_app.config.get("RESEARCH_CONSENT_DIR") or CONSENT_DIR)


def consent_text_of(version: str, language: str = "en") -> str | None:
    """``consent-<version>.md`` with the study settings filled in, as shown; None if absent.
    A translation is ``<language>/consent-<version>.md`` beside it (the same version id)."""
    if language not in CONTENT_LANGUAGES:
        return None
    folder = consent_dir() if language == "en" else consent_dir() / language
    path = folder / f"consent-{version}.md"
    if "/" in version or "\\" in version or not path.is_file():
        return None
    return consent_text.fill(path.read_text(encoding="utf-8"), current_app.config)


def consent_text_in(version: str, language: str) -> tuple[str, str] | None:
    """The text of ``version`` to show on a page in ``language``, with the language it is
    in: its translation when there is one, else the English text; None if neither exists."""
    if language != "en" and (translated := consent_text_of(version, language)) is not None:
        return translated, language
    english = consent_text_of(version)
    return None if english is None else (english, "en")


@functools.lru_cache(maxsize=16)
def consent_html(text: str) -> str:
    """The sanitized HTML of a filled consent text, kept by the text itself (a new version
    or a changed setting is a new key, so there is nothing to invalidate)."""
    return render_markdown(text)


def enrolment_open() -> bool:
    """False in production until every study setting the consent text shows is set."""
    return enrolment_closed(current_app.config) is None


#: The typed confirmations accepted, casefolded: the English consent text asks for
#: "I agree", the French one for « J'accepte ».
AGREEMENTS = frozenset({"i agree", "j'accepte"})
#: Any apostrophe a keyboard or phone may give, with any spaces around it.
_APOSTROPHE = re.compile(r"\s*['\u2019\u02bc\u2018`\u00b4]\s*")
#: Quotation marks (and the spaces French puts inside « ») someone may type around it.
_QUOTES = ' "«»“”'


def confirmed(typed: str | None) -> bool:
    """Whether the typed confirmation says "I agree" or « J'accepte » (any case, spacing,
    apostrophe or final stop; quotes around it are forgiven too)."""
    words = " ".join((typed or "").split()).strip(_QUOTES).rstrip(".!").strip(_QUOTES)
    return _APOSTROPHE.sub("'", words).casefold() in AGREEMENTS


def _latest(column, user_id: int):
    return (
        select(column)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def standing(user) -> Standing:
    """The user's standing: two small queries, none for people outside the trial."""
    if not in_trial(user):
        return Standing(False, None, None, None, None, False)
    version = current_version()
    row = db.session.execute(
        select(
            _latest(ConsentRecord.decision, user.id),
            _latest(ConsentRecord.version, user.id),
            _latest(ConsentRecord.at, user.id),
            exists().where(Allocation.user_id == user.id),
        )
    ).one()
    decision, decided_version, at, allocated = row
    return Standing(True, version, decision, decided_version, at, bool(allocated))


def _changed() -> str:
    return _(
        "The consent text changed while you were reading it. Please read the new version "
        "below and answer again."
    )


def decide(
    user,
    *,
    accept: bool,
    version: str,
    text_sha256: str | None = None,
    read: bool = False,
    typed: str | None = None,
    language: str = "en",
) -> ConsentRecord:
    """Record acceptance or refusal of the version the page showed, in the language the
    page showed it in (``language``: its translation if there is one, else English).

    Accepting needs the SHA-256 of the text the page showed (so the text cannot have
    changed under the reader), the "I have read" box and the typed "I agree"; it stores
    the participant's PDF copy with the record. The record keeps the language of the text
    decided on, and the copy is in that language.
    """
    current = current_version()
    if not in_trial(user):
        raise ConsentError(_("Your account is not part of the research study; nothing to answer."))
    if current is None or version != current:
        raise ConsentError(_changed())
    shown = consent_text_in(current, language)
    if shown is None:
        raise ConsentError(_("The consent text is not available; please contact the study team."))
    text, text_language = shown
    if accept:
        _check_acceptance(text, text_sha256, read, typed)
    if standing(user).decision == "withdrawn":
        raise ConsentError(
            _("You withdrew from the research. To take part again, please contact the study team.")
        )
    decision = "accepted" if accept else "declined"
    entry = ConsentRecord(
        user_id=user.id,
        version=current,
        decision=decision,
        at=clock.now_utc(),
        language=text_language,
    )
    db.session.add(entry)
    db.session.flush()
    signals.consent_changed.send(user, decision=decision, version=current)
    details = {"version": current, "language": text_language}
    if accept:
        copy = consent_copies.store_copy(user, entry, text)
        details["text_sha256"] = copy.text_sha256
    record(f"research.consent_{decision}", actor=user, target=f"user:{user.id}", **details)
    return entry


def _check_acceptance(text: str, text_sha256: str | None, read: bool, typed: str | None) -> None:
    """Refuse an acceptance while enrolment is closed, of another text, or unconfirmed."""
    if not enrolment_open():
        raise ConsentError(
            _(
                "The study is not open for enrolment yet. Nothing has been recorded; please "
                "come back later or contact the study team."
            ),
            503,
        )
    if consent_text.UNKNOWN_MARK in text:
        current_app.logger.error("consent text names a setting that does not exist")
        raise ConsentError(
            _(
                "The consent form has an error the study team must correct first. Nothing "
                "has been recorded; please come back later or contact the study team."
            ),
            503,
        )
    if text_sha256 != consent_text.sha256_text(text):
        raise ConsentError(_changed())
    if not read:
        raise ConsentError(
            _("Tick the box to confirm that you have read the consent form."), field="read"
        )
    if not confirmed(typed):
        raise ConsentError(_('Type "I agree" in the box to confirm.'), field="typed")


def withdraw(user) -> ConsentRecord:
    """Withdraw from the research from now on; earlier exports are not recalled."""
    now = standing(user)
    if now.decision != "accepted":
        raise ConsentError(
            _("You are not taking part in the research, so there is nothing to withdraw.")
        )
    entry = ConsentRecord(
        user_id=user.id, version=now.version, decision="withdrawn", at=clock.now_utc()
    )
    db.session.add(entry)
    db.session.flush()
    signals.consent_changed.send(user, decision="withdrawn", version=now.version)
    record("research.consent_withdrawn", actor=user, target=f"user:{user.id}")
    return entry


def seed_participant(user, *, version: str | None = None, actor=None) -> None:
    """Record that ``user`` accepted consent and holds their arm as an allocation.

    For fixtures and data loaded from elsewhere: the arm was not drawn from a block, so
    the allocation is stored as a manual one with that reason.
    """
    from course.research.randomization import stratum_key

    now = clock.now_utc()
    chosen = version or current_version() or "unversioned"
    db.session.add(ConsentRecord(user_id=user.id, version=chosen, decision="accepted", at=now))
    if user.arm in ("self_paced", "workshop", "control"):
        fields = current_app.config["STRATIFY_BY"]
        db.session.add(
            Allocation(
                user_id=user.id,
                arm=user.arm,
                stratum=stratum_key({f: getattr(user, f, None) for f in fields}, fields),
                by_id=getattr(actor, "id", None),
                at=now,
                override_reason="recorded as given, not drawn from a block (seeded data)",
            )
        )
    db.session.flush()
    signals.consent_changed.send(user, decision="accepted", version=chosen)


@register_not_taking_part
def declined_before_allocation(user_ids) -> set[int]:
    """Among ``user_ids``, those whose latest decision is a refusal or a withdrawal and who
    were never randomized: recruits holding an arm only from their invitation (one query)."""
    latest = (
        select(func.max(ConsentRecord.id))
        .where(ConsentRecord.user_id.in_(list(user_ids)))
        .group_by(ConsentRecord.user_id)
    )
    query = select(ConsentRecord.user_id).where(
        ConsentRecord.id.in_(latest),
        ConsentRecord.decision.in_(("declined", "withdrawn")),
        ~exists().where(Allocation.user_id == ConsentRecord.user_id),
    )
    return set(db.session.scalars(query))
