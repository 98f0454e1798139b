"""Survey rules: open a due survey, save a draft, submit once (scored), e-mail when due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from course import clock
from course.dbtypes import insert_ignoring_conflicts
from course.errors import DomainError
from course.extensions import db
from course.learning.overview import course_view
from course.mail import queue_mail
from course.surveys.instruments import Instrument, load_builtin
from course.surveys.models import SurveyAnswer, SurveyNotice, SurveyResponse, SurveyScore
from course.surveys.schedule import (
    DueSurvey,
    due_surveys,
    forget_responses,
    intervention,
    title_of,
)
from course.surveys.scoring import Answer, Score, score, score_survey
from course.web.i18n import page_language, writing_to
from course.web.links import external_url

__all__ = [
    "DueSurvey",
    "SurveyError",
    "SurveyPage",
    "due_surveys",
    "notify_due",
    "open_survey",
    "save_draft",
    "submit",
    "survey_link",
]


class SurveyError(DomainError):
    """The survey cannot be opened or changed; the message says why."""


@dataclass(frozen=True)
class SurveyPage:
    """What the survey page shows: the instruments, [X] filled in, and saved answers."""

    survey: str
    trigger: str
    title: str
    instructions: str | None
    reason: str
    intervention: str
    instruments: tuple[Instrument, ...]
    status: str  # new, draft or submitted
    answers: dict[str, Answer] = field(default_factory=dict)
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    #: The content language of the page (en, fr): the instruments are in it where a
    #: translation exists, and a save or submission records it.
    language: str = "en"


def open_survey(user, survey: str, trigger: str, view=None) -> SurveyPage:
    """The survey for this therapist if it is due or already started; else SurveyError 404."""
    view = view or course_view(user)
    # Due first, then the response: a submission committed between the two reads (another
    # tab) is then seen by the second, instead of being missed by both (a false 404).
    due = next(
        (d for d in due_surveys(user, view) if (d.survey, d.trigger) == (survey, trigger)), None
    )
    response = _response(user.id, survey, trigger)
    if response is None and due is None:
        raise SurveyError(_("There is no survey for you at this address."), 404)
    language = page_language()
    catalog = load_builtin(language)
    try:
        instruments = catalog.bundle(survey)
    except KeyError:
        raise SurveyError(_("This survey is no longer available."), 404) from None
    return SurveyPage(
        survey=survey,
        trigger=trigger,
        title=title_of(survey, catalog),
        instructions=catalog.surveys[survey].instructions if survey in catalog.surveys else None,
        reason=due.reason if due else "",
        intervention=intervention(view.spec, language),
        instruments=instruments,
        status=response.status if response else "new",
        answers={a.item: a.value for a in response.answers} if response else {},
        updated_at=response.updated_at if response else None,
        submitted_at=response.submitted_at if response else None,
        language=language,
    )


def save_draft(user, page: SurveyPage, answers: Mapping[str, Answer]) -> SurveyResponse:
    """Keep the answers so far; the survey stays open to change and finish later."""
    response = _locked(user, page)
    _store(response, page, answers)
    return response


def submit(user, page: SurveyPage, answers: Mapping[str, Answer]) -> SurveyResponse:
    """Store the final answers and their scores; after this nothing can change."""
    response = _locked(user, page)
    if not any(value is not None for value in answers.values()):
        raise SurveyError(_("Answer at least one question before you submit the survey."))
    _store(response, page, answers)
    for result in _scores(page, answers).values():
        db.session.add(
            SurveyScore(
                response_id=response.id,
                instrument=result.instrument,
                value=result.value,
                answered=result.answered,
                missing=len(result.missing),
                rule=result.rule,
            )
        )
    now = clock.now_utc()
    response.status, response.submitted_at, response.updated_at = "submitted", now, now
    db.session.flush()
    return response


def _response(user_id: int, survey: str, trigger: str) -> SurveyResponse | None:
    return db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.user_id == user_id,
            SurveyResponse.survey == survey,
            SurveyResponse.trigger == trigger,
        )
    )


def _locked(user, page: SurveyPage) -> SurveyResponse:
    """The response row, created if new and locked, so two tabs cannot both submit."""
    now = clock.now_utc()
    db.session.execute(
        insert_ignoring_conflicts(
            SurveyResponse,
            conflict=["user_id", "survey", "trigger"],
            values={
                "user_id": user.id,
                "survey": page.survey,
                "trigger": page.trigger,
                "status": "draft",
                "started_at": now,
                "updated_at": now,
            },
        )
    )
    response = db.session.scalar(
        select(SurveyResponse)
        .where(
            SurveyResponse.user_id == user.id,
            SurveyResponse.survey == page.survey,
            SurveyResponse.trigger == page.trigger,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    forget_responses(user.id)
    if response.submitted_at is not None:
        when = response.submitted_at.date().isoformat()
        raise SurveyError(
            _(
                "You submitted this survey on %(date)s. Submitted answers cannot be changed.",
                date=when,
            ),
            409,
        )
    return response


def _store(response: SurveyResponse, page: SurveyPage, answers: Mapping[str, Answer]) -> None:
    """Replace the response's answers with these (checked first; blank items get no row);
    the response is now in the language of this page."""
    instruments = page.instruments
    owner = {item.id: i.name for i in instruments for item in i.items}
    if unknown := sorted(set(answers) - set(owner)):
        raise SurveyError(_("This survey has no question %(ids)s.", ids=", ".join(unknown)))
    for instrument in instruments:
        try:
            score(instrument, {k: v for k, v in answers.items() if owner[k] == instrument.name})
        except ValueError as exc:
            raise SurveyError(_("An answer could not be read: %(error)s.", error=exc)) from exc
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
    for item, value in answers.items():
        if value is None:
            continue
        number = value if isinstance(value, int) else None
        text = value if isinstance(value, str) else None
        db.session.add(
            SurveyAnswer(
                response_id=response.id, instrument=owner[item], item=item, choice=number, text=text
            )
        )
    response.updated_at = clock.now_utc()
    response.language = page.language
    db.session.flush()
    db.session.expire(response, ["answers"])


def _scores(page: SurveyPage, answers: Mapping[str, Answer]) -> dict[str, Score]:
    catalog = load_builtin()  # English: a translation has the same items and scoring
    if page.survey in catalog.surveys:
        return score_survey(catalog.surveys[page.survey], catalog, answers)
    instrument = catalog.instruments[page.survey]
    return {instrument.name: score(instrument, answers)}


# --- due e-mails ----------------------------------------------------------------------


def notify_due(user, view=None) -> int:
    """E-mail the therapist about each survey newly due; each one is e-mailed at most once.
    The e-mail is in the therapist's language (their account's, else English), whatever
    the language of the page whose fact made the survey due."""
    if user.role != "therapist" or not user.active:
        return 0
    with writing_to(user):
        return _notify_due(user, view)


def _notify_due(user, view) -> int:
    sent = 0
    for due in due_surveys(user, view or course_view(user)):
        statement = insert_ignoring_conflicts(
            SurveyNotice,
            conflict=["user_id", "survey", "trigger"],
            values={
                "user_id": user.id,
                "survey": due.survey,
                "trigger": due.trigger,
                "due_at": clock.now_utc(),
            },
        ).returning(SurveyNotice.id)
        notice_id = db.session.execute(statement).scalar()
        if notice_id is None:
            continue  # noticed before: never e-mail twice
        queue_mail(
            user,
            _("A short survey is waiting for you: %(title)s", title=due.title),
            "survey_due",
            name=user.name,
            due=due,
            link=survey_link(due.survey, due.trigger),
        )
        notice = db.session.get(SurveyNotice, notice_id)
        notice.emailed_at = clock.now_utc()
        sent += 1
    db.session.flush()
    return sent


def survey_link(survey: str, trigger: str) -> str:
    """The survey's address for e-mails (built from BASE_URL: no request is needed)."""
    return external_url("surveys.respond", survey=survey, trigger=trigger)
