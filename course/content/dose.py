"""The course's dose: how long each module takes, worked out from its content at stated
rates, and how that compares with the CE hours the course file claims.

The rates are estimates, stated so that a reader (or an accreditor) can redo the sums:
- reading: the words of the rendered module body at READING_WORDS_PER_MINUTE;
- video: each video's length (the block's ``duration``, or what ``video_seconds`` reads
  from the file), rounded up to whole minutes per module; a video of unknown length is
  reported as unknown and counts as 0;
- practice: a scenario the module requires counts its decisions on the shortest route
  from its start to an ending at MINUTES_PER_SCENARIO_DECISION each; a drill set counts
  the items the module requires at MINUTES_PER_DRILL_ITEM each;
- quiz: one attempt, MINUTES_PER_QUIZ_QUESTION per question.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .course_file import CourseSpec
from .drills import DrillSetSource
from .modules import ModuleSource
from .quizzes import QuizSource
from .render import render_module
from .scenarios import ScenarioSource
from .videos import Video

#: Adults read non-fiction silently at about 240 words a minute (Brysbaert, 2019, a
#: meta-analysis: https://doi.org/10.1016/j.jml.2019.104047); 200 is slower on purpose,
#: for dense clinical text read to learn it.
READING_WORDS_PER_MINUTE = 200
#: One scenario decision: read the moment (about 100-200 words), weigh three replies,
#: choose, and read the feedback on the choice.
MINUTES_PER_SCENARIO_DECISION = 3
#: One drill item: read the statement, type a response (at least a few sentences),
#: rate it against two to four criteria, and read the model responses.
MINUTES_PER_DRILL_ITEM = 5
#: One vignette question, its options, and the feedback after submitting.
MINUTES_PER_QUIZ_QUESTION = 1.5
#: How far ``ce_hours`` may stray from the computed total before `content check` warns.
CE_TOLERANCE = 0.15

VideoSeconds = Callable[[Video], "float | None"]


def _block_duration(video: Video) -> float | None:
    return video.duration


def _minutes(value: float) -> int:
    """Whole minutes, halves rounded up (so the table's columns add up as printed)."""
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class ModuleDose:
    """One module's parts, in whole minutes."""

    order: int
    slug: str
    title: str
    words: int
    reading: int
    video: int
    videos_unknown: int
    practice: int
    practice_parts: tuple[str, ...]
    quiz_questions: int
    quiz: int

    @property
    def total(self) -> int:
        """Reading, video, practice and quiz minutes together."""
        return self.reading + self.video + self.practice + self.quiz


@dataclass(frozen=True)
class CourseDose:
    """Every module's dose and the CE hours the course file claims."""

    modules: tuple[ModuleDose, ...]
    ce_hours: float

    @property
    def total(self) -> int:
        """The course's minutes."""
        return sum(module.total for module in self.modules)

    @property
    def videos_unknown(self) -> int:
        """How many videos have no known length (counted as 0)."""
        return sum(module.videos_unknown for module in self.modules)

    def ce_warning(self) -> str | None:
        """Why ``ce_hours`` disagrees with the total by more than CE_TOLERANCE, or None."""
        claimed = self.ce_hours * 60
        if self.total == 0 or abs(claimed - self.total) <= CE_TOLERANCE * self.total:
            return None
        share = (claimed - self.total) / self.total
        unknown = (
            f"; {self.videos_unknown} video(s) of unknown length are not counted"
            if self.videos_unknown
            else ""
        )
        return (
            f"ce_hours in modules/course.yaml is {self.ce_hours:g} ({claimed:g} min), but the "
            f"content adds up to {self.total} min ({self.total / 60:.1f} h), {share:+.0%}"
            f"{unknown}: see `flask --app app content dose`"
        )


def course_dose(
    course: CourseSpec,
    modules: tuple[ModuleSource, ...],
    quizzes: Mapping[str, QuizSource],
    scenarios: Mapping[str, ScenarioSource],
    drills: Mapping[str, DrillSetSource],
    *,
    video_seconds: VideoSeconds = _block_duration,
) -> CourseDose:
    """The dose of every module, in course order."""
    doses = []
    for module in sorted(modules, key=lambda m: (m.order, m.filename)):
        words = render_module(module).word_count
        lengths = [video_seconds(video) for video in module.videos]
        practice, parts = _practice(module, scenarios, drills)
        quiz = quizzes.get(module.slug) if module.completion.quiz else None
        questions = len(quiz.questions) if quiz else 0
        doses.append(
            ModuleDose(
                order=module.order,
                slug=module.slug,
                title=module.title,
                words=words,
                reading=_minutes(words / READING_WORDS_PER_MINUTE),
                # Rounded up: a short video still takes a minute out of the learner's time.
                video=math.ceil(sum(s for s in lengths if s is not None) / 60),
                videos_unknown=sum(s is None for s in lengths),
                practice=_minutes(practice),
                practice_parts=parts,
                quiz_questions=questions,
                quiz=_minutes(questions * MINUTES_PER_QUIZ_QUESTION),
            )
        )
    return CourseDose(tuple(doses), course.ce_hours)


def _practice(
    module: ModuleSource,
    scenarios: Mapping[str, ScenarioSource],
    drills: Mapping[str, DrillSetSource],
) -> tuple[float, tuple[str, ...]]:
    minutes = 0.0
    parts = []
    rule = module.completion
    scenario = scenarios.get(rule.scenario) if rule.scenario else None
    if scenario is not None:
        decisions = shortest_decisions(scenario)
        minutes += decisions * MINUTES_PER_SCENARIO_DECISION
        parts.append(f"scenario, {decisions} decisions")
    if rule.practice and rule.practice["set"] in drills:
        minutes += rule.practice["items"] * MINUTES_PER_DRILL_ITEM
        parts.append(f"{rule.practice['items']} drill items")
    return minutes, tuple(parts)


def shortest_decisions(scenario: ScenarioSource) -> int:
    """The fewest choices a learner makes from the start to any ending (branch steps,
    which route on points, cost nothing)."""
    steps = {step.id: step for step in scenario.steps}
    best = {scenario.start: 0}
    queue = deque([scenario.start])
    found: list[int] = []
    while queue:
        step = steps.get(queue.popleft())
        if step is None:
            continue
        cost = best[step.id]
        if step.ending is not None:
            found.append(cost)
            continue
        weight = 1 if step.choices else 0
        for target in step.targets:
            if target not in best or cost + weight < best[target]:
                best[target] = cost + weight
                # 0-1 breadth-first search: a free move goes to the front of the queue.
                (queue.appendleft if weight == 0 else queue.append)(target)
    return min(found, default=0)


def dose_table(dose: CourseDose) -> str:
    """The dose as a Markdown table, with the CE hours compared below it."""
    rows = [
        "| # | Module | Words | Reading (min) | Video (min) | Practice (min) | Quiz "
        "| Total (min) |",
        "|---|---|---:|---:|---:|---|---|---:|",
    ]
    for module in dose.modules:
        video = f"{module.video}" + (
            f" + {module.videos_unknown} unknown" if module.videos_unknown else ""
        )
        practice = f"{module.practice}" + (
            f" ({'; '.join(module.practice_parts)})" if module.practice_parts else ""
        )
        quiz = (
            f"{module.quiz_questions} questions, {module.quiz} min"
            if module.quiz_questions
            else "none"
        )
        rows.append(
            f"| {module.order} | {module.title} | {module.words:,} | {module.reading} | {video} "
            f"| {practice} | {quiz} | {module.total} |"
        )
    parts = dose.modules
    rows.append(
        f"| | **Course** | {sum(m.words for m in parts):,} | {sum(m.reading for m in parts)} "
        f"| {sum(m.video for m in parts)} | {sum(m.practice for m in parts)} "
        f"| {sum(m.quiz_questions for m in parts)} questions, {sum(m.quiz for m in parts)} min "
        f"| **{dose.total}** ({dose.total / 60:.1f} h) |"
    )
    claimed = dose.ce_hours * 60
    share = (claimed - dose.total) / dose.total if dose.total else 0.0
    verdict = "more than" if dose.ce_warning() else "within"
    rows += [
        "",
        f"`ce_hours` in `modules/course.yaml`: {dose.ce_hours:g} ({claimed:g} min), "
        f"{share:+.0%} against the total: {verdict} the {CE_TOLERANCE:.0%} that "
        "`content check` allows.",
    ]
    if dose.videos_unknown:
        rows.append(f"{dose.videos_unknown} video(s) of unknown length are counted as 0 minutes.")
    return "\n".join(rows) + "\n"
