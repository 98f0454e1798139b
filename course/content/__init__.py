"""Course content: parse, validate and render modules/, quizzes/, scenarios/ and drills/
(no Flask here)."""

from .compose import compose_module, compose_quiz, module_front, quiz_data
from .course_file import (
    DEFAULT_QUIZ_ATTEMPTS,
    CertificateRule,
    CourseSpec,
    SurveySchedule,
    parse_course,
)
from .digest import content_hash
from .drills import LEVELS, DrillItem, DrillSetSource, parse_drills
from .errors import ContentError, ContentErrors
from .loader import CourseBundle, TranslatedFiles, load_dir, write_dir
from .modules import Completion, ModuleSource, parse_module
from .players import static_url
from .practice_render import render_drills, render_scenario
from .quizzes import Option, Question, QuizSource, parse_quiz
from .render import (
    RenderedModule,
    TocEntry,
    render_inline,
    render_markdown,
    render_module,
    render_quiz,
)
from .scenario_map import ScenarioGraph, scenario_graph
from .scenario_svg import map_svg
from .scenarios import ScenarioSource, Step, parse_scenario
from .validate import check_bundle
from .videos import Video

__all__ = [
    "DEFAULT_QUIZ_ATTEMPTS",
    "LEVELS",
    "CertificateRule",
    "Completion",
    "ContentError",
    "ContentErrors",
    "CourseBundle",
    "CourseSpec",
    "DrillItem",
    "DrillSetSource",
    "ModuleSource",
    "Option",
    "Question",
    "QuizSource",
    "RenderedModule",
    "ScenarioGraph",
    "ScenarioSource",
    "Step",
    "SurveySchedule",
    "TocEntry",
    "TranslatedFiles",
    "Video",
    "check_bundle",
    "compose_module",
    "compose_quiz",
    "content_hash",
    "load_dir",
    "map_svg",
    "module_front",
    "parse_course",
    "parse_drills",
    "parse_module",
    "parse_quiz",
    "parse_scenario",
    "quiz_data",
    "render_drills",
    "render_inline",
    "render_markdown",
    "render_module",
    "render_quiz",
    "render_scenario",
    "scenario_graph",
    "static_url",
    "write_dir",
]
