"""Reading and writing a course directory: modules/ (and course.yaml), quizzes/, scenarios/,
drills/."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .course_file import COURSE_FILE, CourseSpec, parse_course
from .drills import DrillSetSource, parse_drills
from .errors import ContentError, ContentErrors
from .fields import SLUG_RE
from .languages import LANGUAGES
from .modules import FILENAME_RE, ModuleSource, parse_module
from .quizzes import QuizSource, parse_quiz
from .scenarios import ScenarioSource, parse_scenario
from .translations import YAML_FOLDERS, check_translations
from .validate import ReadMedia, check_bundle

T = TypeVar("T")


@dataclass(frozen=True)
class TranslatedFiles:
    """The files of one translation that exist, parsed, by their English file's slug.

    Each was checked against its English file (same ids, same structure), so it can stand
    in for it wherever a reader sees text."""

    language: str
    course: CourseSpec | None = None
    modules: dict[str, ModuleSource] = field(default_factory=dict)
    quizzes: dict[str, QuizSource] = field(default_factory=dict)
    scenarios: dict[str, ScenarioSource] = field(default_factory=dict)
    drills: dict[str, DrillSetSource] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.course or self.modules or self.quizzes or self.scenarios or self.drills)


@dataclass(frozen=True)
class CourseBundle:
    """A whole checked course: the course file, modules by order, quizzes by slug."""

    course: CourseSpec
    modules: tuple[ModuleSource, ...]
    quizzes: dict[str, QuizSource]
    scenarios: dict[str, ScenarioSource] = field(default_factory=dict)
    drills: dict[str, DrillSetSource] = field(default_factory=dict)
    #: Translations by language code (only languages with at least one file).
    translations: dict[str, TranslatedFiles] = field(default_factory=dict)


def static_media_reader(root: Path) -> ReadMedia:
    """A read_media that serves media/... paths from root/static/, never outside it."""
    static = (root / "static").resolve()

    def read_media(path: str) -> bytes | None:
        target = (static / path).resolve()
        if not target.is_relative_to(static) or not target.is_file():
            return None
        return target.read_bytes()

    return read_media


def _read(path: Path, name: str, errors: list[ContentError]) -> str | None:
    data = path.read_bytes()
    try:
        # Bytes, not read_text: newline translation would break byte-exact round trips.
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(ContentError(name, line, "file is not valid UTF-8 text"))
        return None


def _parse(
    path: Path, name: str, parser: Callable[[str, str], T], errors: list[ContentError]
) -> T | None:
    text = _read(path, name, errors)
    if text is None:
        return None
    try:
        return parser(text, name)
    except ContentErrors as exc:
        errors.extend(exc.errors)
        return None


def load_dir(
    root: Path,
    *,
    read_media: ReadMedia | None = None,
    surveys: Collection[str] | None = None,
    text_rules: bool = True,
) -> CourseBundle:
    """Parse and check a course directory; raises ContentErrors with every problem found.

    ``surveys``: the survey names the platform knows, checked against the course file.
    ``text_rules=False`` leaves out the placeholder and reference rules (for `content
    dose`, which needs the course's shape, not its finished references).
    """
    root = Path(root)
    errors: list[ContentError] = []
    modules_dir = root / "modules"
    course: CourseSpec | None = None
    modules: list[ModuleSource] = []
    if not modules_dir.is_dir():
        errors.append(ContentError("modules", 1, f"directory {modules_dir} not found"))
    elif not (root / COURSE_FILE).is_file():
        errors.append(ContentError(COURSE_FILE, 1, "course file not found"))
    else:
        course = _parse(root / COURSE_FILE, COURSE_FILE, parse_course, errors)
    if modules_dir.is_dir():
        for path in sorted(modules_dir.glob("*.md")):
            module = _parse(path, f"modules/{path.name}", parse_module, errors)
            modules += [module] if module is not None else []
        if not any(modules_dir.glob("*.md")):
            errors.append(ContentError("modules", 1, "no module files (NN-slug.md) found"))
    quizzes = _yaml_dir(root / "quizzes", "quiz", parse_quiz, errors)
    scenarios = _yaml_dir(root / "scenarios", "scenario", parse_scenario, errors)
    drills = _yaml_dir(root / "drills", "drill", parse_drills, errors)
    # Cross-file checks run once every file parses, so a broken file cannot
    # show up again as a string of "unknown module" errors elsewhere.
    if not errors and course is not None:
        reader = read_media or static_media_reader(root)
        errors.extend(
            check_bundle(
                course,
                modules,
                quizzes,
                read_media=reader,
                surveys=surveys,
                scenarios=scenarios,
                drills=drills,
                text_rules=text_rules,
            )
        )
        errors.extend(check_translations(root, course.languages))
    translations: dict[str, TranslatedFiles] = {}
    if not errors:
        for code in sorted(LANGUAGES):
            files = _translated(root, code, errors)
            if files:
                translations[code] = files
    if errors or course is None:
        raise ContentErrors(errors)
    ordered = tuple(sorted(modules, key=lambda module: (module.order, module.filename)))
    return CourseBundle(course, ordered, quizzes, scenarios, drills, translations)


def _translated(root: Path, code: str, errors: list[ContentError]) -> TranslatedFiles:
    """A language's files, parsed like English ones (their structure is already checked)."""
    course_file = root / "modules" / code / "course.yaml"
    course = None
    if course_file.is_file():
        course = _parse(course_file, f"modules/{code}/course.yaml", parse_course, errors)
    modules: dict[str, ModuleSource] = {}
    folder = root / "modules" / code
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        module = _parse(path, f"modules/{code}/{path.name}", parse_module, errors)
        if module is not None:
            modules[module.slug] = module
    parsers = {"quizzes": parse_quiz, "scenarios": parse_scenario, "drills": parse_drills}
    found = {
        folder: _yaml_dir(
            root / folder / code, f"{what} translation", parsers[folder], errors, f"{folder}/{code}"
        )
        for folder, what in YAML_FOLDERS.items()
    }
    return TranslatedFiles(
        code, course, modules, found["quizzes"], found["scenarios"], found["drills"]
    )


def _yaml_dir(
    folder: Path,
    what: str,
    parser: Callable[[str, str], T],
    errors: list[ContentError],
    prefix: str | None = None,
) -> dict[str, T]:
    """Every ``<slug>.yaml`` file of a folder, parsed, by slug (an absent folder is empty)."""
    found: dict[str, T] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        name = f"{prefix or folder.name}/{path.name}"
        if path.suffix == ".yml":
            errors.append(ContentError(name, 1, f"{what} files must end in .yaml, not .yml"))
        elif path.suffix == ".yaml":
            parsed = _parse(path, name, parser, errors)
            if parsed is not None:
                found[parsed.slug] = parsed  # type: ignore[attr-defined]
    return dict(sorted(found.items()))


def write_dir(bundle: CourseBundle, root: Path) -> None:
    """Write every file's source verbatim, so load_dir reads back identical sources."""
    root = Path(root)
    _write_files(bundle, root)
    for code, files in bundle.translations.items():
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}")
        _write_translation(files, root, code)


def _write_translation(files: TranslatedFiles, root: Path, code: str) -> None:
    modules = root / "modules" / code
    modules.mkdir(parents=True, exist_ok=True)
    if files.course is not None:
        (modules / "course.yaml").write_bytes(files.course.source.encode("utf-8"))
    for module in files.modules.values():
        name = Path(module.filename).name
        if not FILENAME_RE.match(name):
            raise ValueError(f"unsafe module file name {module.filename!r}")
        (modules / name).write_bytes(module.source.encode("utf-8"))
    for folder, sources in (
        ("quizzes", files.quizzes),
        ("scenarios", files.scenarios),
        ("drills", files.drills),
    ):
        if sources:
            (root / folder / code).mkdir(parents=True, exist_ok=True)
        for slug, source in sources.items():
            if slug != source.slug or not SLUG_RE.match(slug):
                raise ValueError(f"unsafe {folder} slug {slug!r}")
            (root / folder / code / f"{slug}.yaml").write_bytes(source.source.encode("utf-8"))


def _write_files(bundle: CourseBundle, root: Path) -> None:
    (root / "modules").mkdir(parents=True, exist_ok=True)
    (root / COURSE_FILE).write_bytes(bundle.course.source.encode("utf-8"))
    for module in bundle.modules:
        name = Path(module.filename).name
        # Parsed modules have safe names; the check guards hand-built bundles.
        if not FILENAME_RE.match(name):
            raise ValueError(f"unsafe module file name {module.filename!r}")
        (root / "modules" / name).write_bytes(module.source.encode("utf-8"))
    for folder, sources in (
        ("quizzes", bundle.quizzes),
        ("scenarios", bundle.scenarios),
        ("drills", bundle.drills),
    ):
        if sources:
            (root / folder).mkdir(parents=True, exist_ok=True)
        for slug, source in sources.items():
            if slug != source.slug or not SLUG_RE.match(slug):
                raise ValueError(f"unsafe {folder} slug {slug!r}")
            (root / folder / f"{slug}.yaml").write_bytes(source.source.encode("utf-8"))
