"""Turning edited fields back into file text that the parsers read."""

from __future__ import annotations

from typing import Any

import yaml

from .modules import FRONT_KEYS, ModuleSource
from .quizzes import QuizSource, default_option_id


class _BlockDumper(yaml.SafeDumper):
    """Indented block lists, and multi-line text as literal `|` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _FrontDumper(_BlockDumper):
    """Front matter keeps short lists on one line: requires: [a, b]."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow_list(dumper: yaml.SafeDumper, value: list | tuple) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_BlockDumper.add_representer(str, _text)
_BlockDumper.add_representer(tuple, yaml.SafeDumper.represent_list)
_FrontDumper.add_representer(list, _flow_list)
_FrontDumper.add_representer(tuple, _flow_list)


def _dump(data: dict[str, Any], dumper: type[yaml.SafeDumper]) -> str:
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10**9,
        default_flow_style=False,
    )


def module_front(module: ModuleSource) -> dict[str, Any]:
    """The front matter fields of a module, as compose_module expects them."""
    front: dict[str, Any] = {
        "title": module.title,
        "slug": module.slug,
        "order": module.order,
        "summary": module.summary,
        "estimated_minutes": module.estimated_minutes,
    }
    if module.requires:
        front["requires"] = list(module.requires)
    completion = _completion(
        {
            "min_seconds": module.completion.min_seconds,
            "video_percent": module.completion.video_percent,
            "transcript_percent": module.completion.transcript_percent,
            "quiz": module.completion.quiz,
            "scenario": module.completion.scenario,
            "practice": module.completion.practice,
        }
    )
    if completion:
        front["completion"] = completion
    return front


def _completion(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "quiz" and item is True:
            item = "pass"
        if item not in (None, 0, False, ""):
            result[key] = item
    return result


def compose_module(front: dict[str, Any], body: str) -> str:
    """Module file text: front matter in the canonical key order, then the body verbatim."""
    ordered: dict[str, Any] = {}
    for key in (*FRONT_KEYS, *(k for k in front if k not in FRONT_KEYS)):
        if key not in front:
            continue
        value = _completion(front[key]) if key == "completion" else front[key]
        if key in ("slug", "requires", "completion") and value in (None, "", [], (), {}):
            continue
        ordered[key] = list(value) if isinstance(value, tuple) else value
    return "---\n" + _dump(ordered, _FrontDumper) + "---\n" + body


def quiz_data(quiz: QuizSource) -> dict[str, Any]:
    """The fields of a quiz as plain data, as compose_quiz expects them."""
    return {
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
        "questions": [
            {
                "id": question.id,
                "type": question.type,
                "prompt": question.prompt,
                "options": [
                    {
                        **({} if option.id == default_option_id(i) else {"id": option.id}),
                        "text": option.text,
                        "correct": option.correct,
                        **({} if option.feedback is None else {"feedback": option.feedback}),
                    }
                    for i, option in enumerate(question.options)
                ],
                **({} if question.explanation is None else {"explanation": question.explanation}),
            }
            for question in quiz.questions
        ],
    }


def compose_quiz(data: dict[str, Any]) -> str:
    """Quiz file text from quiz data, keys in the order given."""
    return _dump(data, _BlockDumper)
