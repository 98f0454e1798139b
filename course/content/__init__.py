"""Course content: parse, validate and render modules/ and quizzes/ (no Flask here)."""

from .compose import compose_module, compose_quiz, module_front, quiz_data
from .course_file import CertificateRule, CourseSpec, SurveySchedule, parse_course
from .digest import content_hash
from .errors import ContentError, ContentErrors
from .loader import CourseBundle, load_dir, write_dir
from .modules import Completion, ModuleSource, parse_module
from .players import static_url
from .quizzes import Option, Question, QuizSource, parse_quiz
from .render import (
    RenderedModule,
    TocEntry,
    render_inline,
    render_markdown,
    render_module,
    render_quiz,
)
from .validate import check_bundle
from .videos import Video

__all__ = [
    "CertificateRule",
    "Completion",
    "ContentError",
    "ContentErrors",
    "CourseBundle",
    "CourseSpec",
    "ModuleSource",
    "Option",
    "Question",
    "QuizSource",
    "RenderedModule",
    "SurveySchedule",
    "TocEntry",
    "Video",
    "check_bundle",
    "compose_module",
    "compose_quiz",
    "content_hash",
    "load_dir",
    "module_front",
    "parse_course",
    "parse_module",
    "parse_quiz",
    "quiz_data",
    "render_inline",
    "render_markdown",
    "render_module",
    "render_quiz",
    "static_url",
    "write_dir",
]
