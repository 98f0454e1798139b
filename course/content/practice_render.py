"""Scenarios and drill sets rendered once, as stored with their revisions (no Flask)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .clips import Clip, clip_html
from .drills import DrillSetSource
from .players import static_url
from .render import render_inline, render_markdown
from .scenarios import ScenarioSource

UrlOf = Callable[[str], str]


def _clip(clip: Clip | None, media_url: UrlOf, transcript_url: UrlOf) -> str | None:
    if clip is None:
        return None
    return clip_html(clip, media_url=media_url, transcript_url=transcript_url)


def _ending(step) -> dict[str, str] | None:
    if step.ending is None:
        return None
    return {"title": step.ending.title, "debrief_html": render_markdown(step.ending.debrief)}


def render_scenario(
    scenario: ScenarioSource,
    *,
    media_url: UrlOf = static_url,
    transcript_url: UrlOf = static_url,
) -> dict[str, Any]:
    """Every step with its Markdown rendered and sanitized (feedback included: server only)."""
    return {
        "slug": scenario.slug,
        "start": scenario.start,
        "steps": [
            {
                "id": step.id,
                "moment_html": render_markdown(step.moment) if step.moment else "",
                "clip_html": _clip(step.clip, media_url, transcript_url),
                "choices": [
                    {
                        "id": c.id,
                        "text_html": render_inline(c.text),
                        "goto": c.goto,
                        "feedback_html": render_markdown(c.feedback),
                        "tags": list(c.tags),
                        "points": c.points,
                    }
                    for c in step.choices
                ],
                "branch": [{"at_least": r.at_least, "goto": r.goto} for r in step.branch],
                "ending": (
                    {
                        "title": step.ending.title,
                        "debrief_html": render_markdown(step.ending.debrief),
                    }
                    if step.ending
                    else None
                ),
            }
            for step in scenario.steps
        ],
    }


def render_drills(
    drills: DrillSetSource,
    *,
    media_url: UrlOf = static_url,
    transcript_url: UrlOf = static_url,
) -> dict[str, Any]:
    """Every item with its statement rendered (criteria and models included: server only)."""
    return {
        "slug": drills.slug,
        "min_response_chars": drills.min_response_chars,
        "second_rater": drills.second_rater,
        "items": [
            {
                "id": item.id,
                "level": item.level,
                "kind": item.kind,
                "marker": item.marker,
                "context": item.context,
                "statement_html": render_markdown(item.statement),
                "clip_html": _clip(item.clip, media_url, transcript_url),
                "criteria": [{"id": c.id, "text": c.text} for c in item.criteria],
                "models": list(item.models),
            }
            for item in drills.items
        ],
    }
