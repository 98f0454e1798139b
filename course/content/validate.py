"""Rules that span files: references between modules, quizzes, course and media."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from .citations import module_text_errors, yaml_text_errors
from .course_file import CourseSpec
from .drills import DrillSetSource
from .errors import ContentError, Sink
from .modules import ModuleSource, locate
from .quizzes import QuizSource
from .scenarios import ScenarioSource
from .videos import VideoBlock
from .yamlsrc import YMap, line_at, load_yaml

ReadMedia = Callable[[str], "bytes | None"]
Located = dict[int, tuple[YMap, list[VideoBlock]]]
_WEBVTT_RE = re.compile(rb"^(\xef\xbb\xbf)?WEBVTT([ \t\r\n]|$)")


def check_bundle(
    course: CourseSpec,
    modules: Sequence[ModuleSource],
    quizzes: Mapping[str, QuizSource] | Iterable[QuizSource],
    *,
    read_media: ReadMedia,
    surveys: Collection[str] | None = None,
    scenarios: Mapping[str, ScenarioSource] | None = None,
    drills: Mapping[str, DrillSetSource] | None = None,
    text_rules: bool = True,
) -> list[ContentError]:
    """Every cross-file problem, each at the file and line to fix.

    ``surveys`` names the survey instruments the platform has; when given, every survey
    the course file schedules or requires must be one of them. ``text_rules``: also refuse
    bracketed placeholders and references without a DOI or URL (course/content/citations).
    """
    quiz_list = list(quizzes.values()) if isinstance(quizzes, Mapping) else list(quizzes)
    fronts = {id(module): locate(module) for module in modules}
    errors: list[ContentError] = []
    known = _check_unique(modules, fronts, errors)
    for module in modules:
        front, blocks = fronts[id(module)]
        sink = Sink(module.filename)
        for index, slug in enumerate(module.requires):
            if slug not in known:
                sink.add(
                    line_at(front, "requires", index),
                    f"'requires' names unknown module {slug!r}",
                    f"requires[{index}]",
                )
        if module.completion.quiz and module.slug not in {quiz.slug for quiz in quiz_list}:
            sink.add(
                line_at(front, "completion", "quiz"),
                f"'quiz: pass' needs a quiz file quizzes/{module.slug}.yaml, which does not exist",
                "completion.quiz",
            )
        _check_captions(blocks, sink, read_media)
        _check_practice(module, front, scenarios or {}, drills or {}, sink)
        errors.extend(sink.errors)
    for source in (*(scenarios or {}).values(), *(drills or {}).values()):
        errors.extend(_check_clips(source, read_media))
    errors.extend(_check_cycles(modules, known, fronts))
    errors.extend(_check_course(course, known, surveys))
    if text_rules:
        errors.extend(_text_errors(modules, quiz_list, scenarios, drills))
    for quiz in quiz_list:
        if quiz.slug not in known:
            errors.append(
                ContentError(
                    quiz.filename, 1, f"no module has the slug {quiz.slug!r} for this quiz"
                )
            )
    return errors


def _text_errors(
    modules: Sequence[ModuleSource],
    quizzes: Sequence[QuizSource],
    scenarios: Mapping[str, ScenarioSource] | None,
    drills: Mapping[str, DrillSetSource] | None,
) -> list[ContentError]:
    errors = [error for module in modules for error in module_text_errors(module)]
    for source in (*quizzes, *(scenarios or {}).values(), *(drills or {}).values()):
        errors.extend(yaml_text_errors(source))
    return errors


def _check_unique(
    modules: Sequence[ModuleSource], fronts: Located, errors: list[ContentError]
) -> dict[str, ModuleSource]:
    by_slug: dict[str, ModuleSource] = {}
    by_order: dict[int, ModuleSource] = {}
    for module in modules:
        front = fronts[id(module)][0]
        first = by_slug.setdefault(module.slug, module)
        if first is not module:
            errors.append(
                ContentError(
                    module.filename,
                    line_at(front, "slug"),
                    f"duplicate slug {module.slug!r} (also used by {first.filename})",
                    "slug",
                )
            )
        first = by_order.setdefault(module.order, module)
        if first is not module:
            errors.append(
                ContentError(
                    module.filename,
                    line_at(front, "order"),
                    f"duplicate order {module.order} (also used by {first.filename})",
                    "order",
                )
            )
    return by_slug


def _check_practice(
    module: ModuleSource,
    front: YMap,
    scenarios: Mapping[str, ScenarioSource],
    drills: Mapping[str, DrillSetSource],
    sink: Sink,
) -> None:
    rule = module.completion
    if rule.scenario and rule.scenario not in scenarios:
        sink.add(
            line_at(front, "completion", "scenario"),
            f"'scenario' names scenarios/{rule.scenario}.yaml, which does not exist",
            "completion.scenario",
        )
    if rule.practice:
        drill_set = drills.get(rule.practice["set"])
        if drill_set is None:
            sink.add(
                line_at(front, "completion", "practice", "set"),
                f"'practice' names drills/{rule.practice['set']}.yaml, which does not exist",
                "completion.practice.set",
            )
        elif rule.practice["items"] > len(drill_set.items):
            sink.add(
                line_at(front, "completion", "practice", "items"),
                f"'practice' asks for {rule.practice['items']} items, but "
                f"{drill_set.filename} has {len(drill_set.items)}",
                "completion.practice.items",
            )


def _check_clips(source: ScenarioSource | DrillSetSource, read_media: ReadMedia) -> list:
    """Each clip's local files exist (and captions are WebVTT)."""
    sink = Sink(source.filename)
    parts = source.steps if isinstance(source, ScenarioSource) else source.items
    listed = "steps" if isinstance(source, ScenarioSource) else "items"
    for index, part in enumerate(parts):
        if part.clip is None:
            continue
        for path in part.clip.media:
            data = read_media(path)
            where = f"{listed}[{index}].clip"
            if data is None:
                sink.add(
                    1, f"{part.id}: clip file {path!r} not found (it belongs in static/)", where
                )
            elif path.endswith(".vtt") and not _WEBVTT_RE.match(data):
                sink.add(1, f"{part.id}: captions {path!r} are not WebVTT", where)
    return sink.errors


def _check_captions(blocks: list[VideoBlock], sink: Sink, read_media: ReadMedia) -> None:
    for block in blocks:
        video = block.video
        if video is None or video.captions is None:
            continue
        line = block.key_lines["captions"]
        data = read_media(video.captions)
        if data is None:
            sink.add(line, f"captions file {video.captions!r} not found (it belongs in static/)")
        elif not _WEBVTT_RE.match(data):
            sink.add(
                line, f"captions file {video.captions!r} is not WebVTT (must start with 'WEBVTT')"
            )


def _check_cycles(
    modules: Sequence[ModuleSource], known: dict[str, ModuleSource], fronts: Located
) -> list[ContentError]:
    graph = {slug: [r for r in module.requires if r in known] for slug, module in known.items()}
    cycles: dict[tuple[str, ...], None] = {}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(slug: str) -> None:
        state[slug] = 1
        path.append(slug)
        for target in graph[slug]:
            if state.get(target) == 1:
                loop = path[path.index(target) :]
                start = loop.index(min(loop))
                cycles[tuple(loop[start:] + loop[:start])] = None
            elif target not in state:
                visit(target)
        path.pop()
        state[slug] = 2

    for slug in sorted(graph):
        if slug not in state:
            visit(slug)
    errors = []
    for loop in cycles:
        module = known[loop[0]]
        target = loop[1] if len(loop) > 1 else loop[0]
        line = line_at(fronts[id(module)][0], "requires", module.requires.index(target))
        names = " -> ".join((*loop, loop[0]))
        index = module.requires.index(target)
        errors.append(
            ContentError(
                module.filename, line, f"'requires' forms a cycle: {names}", f"requires[{index}]"
            )
        )
    return errors


def _check_course(
    course: CourseSpec, known: Mapping[str, ModuleSource], surveys: Collection[str] | None
) -> list[ContentError]:
    sink = Sink(course.filename)
    _, tree = load_yaml(course.source, sink)
    if not isinstance(tree, YMap):
        return []
    for path, names in (
        (("consultation_gate",), course.consultation_gate),
        (("certificate", "modules"), course.certificate.modules),
    ):
        if names == "all":
            continue
        for index, slug in enumerate(names):
            if slug not in known:
                label = ".".join(path)
                sink.add(
                    line_at(tree, *path, index),
                    f"{label!r} names unknown module {slug!r}",
                    f"{label}[{index}]",
                )
    for slug in course.surveys.after_module:
        if slug not in known:
            sink.add(
                line_at(tree, "surveys", "after_module", slug),
                f"'surveys.after_module' names unknown module {slug!r}",
                f"surveys.after_module.{slug}",
            )
    if surveys is not None:
        _check_survey_names(course, tree, set(surveys), sink)
    return sink.errors


def _check_survey_names(course: CourseSpec, tree: YMap, surveys: set[str], sink: Sink) -> None:
    schedule = course.surveys
    named = [
        (name, ("certificate", "surveys", i)) for i, name in enumerate(course.certificate.surveys)
    ]
    if schedule.after_course:
        named.append((schedule.after_course, ("surveys", "after_course")))
    named += [
        (name, ("surveys", "after_module", slug)) for slug, name in schedule.after_module.items()
    ]
    named += [
        (name, ("surveys", "after_consultations", count))
        for count, name in schedule.after_consultations.items()
    ]
    choices = ", ".join(sorted(surveys)) or "none"
    for name, path in named:
        if name not in surveys:
            label = ".".join(str(step) for step in path if isinstance(step, str))
            list_index = path[:2] == ("certificate", "surveys")  # a list; the rest are keys
            where = f"certificate.surveys[{path[2]}]" if list_index else ".".join(map(str, path))
            sink.add(
                line_at(tree, *path),
                f"{label!r} names unknown survey {name!r}; the platform has: {choices}",
                where,
            )
