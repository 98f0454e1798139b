"""survey_responses.csv: every item answer and every instrument score, one per row.

Long format keeps one file for every survey and instrument: ``kind`` says whether a row
is an item (``variable`` is the item's REDCap name) or a score (``<form>_score``, with
the scoring rule applied). Free-text answers are left out unless a researcher asks for
them, because people write names and places into them.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from course.research.export.context import ExportContext, iso, number, stream, write_csv
from course.research.export.tables import REGISTRY
from course.surveys import models as surveys_models

SURVEY_RESPONSES = REGISTRY.header("survey_responses.csv")


def score_variable(instrument: str) -> str:
    """The REDCap name of an instrument's score, e.g. ``open_ended_score``."""
    return f"{instrument.replace('-', '_')}_score"


def _responses(ctx: ExportContext, SurveyResponse):
    f = ctx.filters
    query = select(SurveyResponse.id).where(
        *ctx.only_people(SurveyResponse.user_id),
        SurveyResponse.status == "submitted",
        *f.in_range(SurveyResponse.submitted_at),
    )
    if f.since is not None:
        query = query.where(SurveyResponse.submitted_at >= f.since)
    return query


def survey_responses(ctx: ExportContext, out: TextIO) -> int:
    """Submitted responses only: a draft may still change."""
    SurveyAnswer, SurveyResponse, SurveyScore = (
        surveys_models.SurveyAnswer,
        surveys_models.SurveyResponse,
        surveys_models.SurveyScore,
    )
    chosen = _responses(ctx, SurveyResponse)
    head = (
        SurveyResponse.id,
        SurveyResponse.user_id,
        SurveyResponse.survey,
        SurveyResponse.trigger,
        SurveyResponse.submitted_at,
        SurveyResponse.language,
    )
    answers = (
        select(
            *head,
            SurveyAnswer.instrument,
            SurveyAnswer.item,
            SurveyAnswer.choice,
            SurveyAnswer.text,
        )
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.id.in_(chosen))
        .order_by(SurveyResponse.id, SurveyAnswer.id)
    )
    if not ctx.filters.include_free_text:
        answers = answers.where(SurveyAnswer.text.is_(None))
    scores = (
        select(*head, SurveyScore.instrument, SurveyScore.value, SurveyScore.rule)
        .join(SurveyScore, SurveyScore.response_id == SurveyResponse.id)
        .where(SurveyResponse.id.in_(chosen))
        .order_by(SurveyResponse.id, SurveyScore.id)
    )

    def rows():
        for rid, user_id, survey, trigger, at, lang, instrument, item, choice, text in stream(
            answers
        ):
            if (person := ctx.people.get(user_id)) is not None:
                value = choice if choice is not None else text
                yield (rid, person.study_id, person.arm, survey, trigger, iso(at), instrument,
                       "item", item, value, "", lang)  # fmt: skip
        for rid, user_id, survey, trigger, at, lang, instrument, value, rule in stream(scores):
            if (person := ctx.people.get(user_id)) is not None:
                yield (rid, person.study_id, person.arm, survey, trigger, iso(at), instrument,
                       "score", score_variable(instrument), number(value, 2), rule,
                       lang)  # fmt: skip

    return write_csv(out, SURVEY_RESPONSES, rows())
