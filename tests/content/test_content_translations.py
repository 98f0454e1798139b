"""Translations beside the English files: same ids and shape, only the text differs."""

from __future__ import annotations

import pytest

from course.content import ContentErrors, load_dir
from course.content.translations import headings
from tests.content.conftest import COURSE_YAML, FOUNDATIONS_MD, WITHDRAWAL_MD

FR_QUIZ = """\
pass_mark: 80
max_attempts: 0
shuffle: true
questions:
  - id: q1
    type: single
    prompt: Lequel est un marqueur de *retrait* ?
    options:
      - text: Des réponses minimales
        correct: true
        feedback: Oui, la personne s'éloigne.
      - text: Des plaintes au sujet du ou de la thérapeute
        correct: false
    explanation: Le retrait s'éloigne du travail.
"""

FR_FOUNDATIONS = FOUNDATIONS_MD.replace(
    "title: Foundations of the alliance", "title: Les fondements de l'alliance"
).replace("# What is a rupture?", "# Qu'est-ce qu'une rupture ?")

FR_WITHDRAWAL = WITHDRAWAL_MD.replace("## Markers", "## Marqueurs").replace(
    '"Role-play: a withdrawal marker"', '"Jeu de rôle : un marqueur de retrait"'
)

FR_COURSE = COURSE_YAML.replace(
    "title: Working with Alliance Tensions", "title: Travailler avec les tensions d'alliance"
)

FRENCH = {
    "modules/fr/course.yaml": FR_COURSE,
    "modules/fr/01-foundations.md": FR_FOUNDATIONS,
    "modules/fr/02-detecting-withdrawal.md": FR_WITHDRAWAL,
    "quizzes/fr/foundations.yaml": FR_QUIZ,
}


def _errors(tree) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_dir(tree)
    return [str(error) for error in caught.value.errors]


def test_a_faithful_translation_passes(course_tree):
    bundle = load_dir(course_tree(FRENCH))
    assert bundle.course.languages == ("en",)


def test_a_french_quiz_whose_option_count_differs_fails_at_its_line(course_tree):
    quiz = FR_QUIZ.replace(
        "      - text: Des plaintes au sujet du ou de la thérapeute\n        correct: false\n", ""
    )
    errors = _errors(course_tree({**FRENCH, "quizzes/fr/foundations.yaml": quiz}))
    assert errors == [
        "quizzes/fr/foundations.yaml:9: 'questions[0].options' has 1 item(s); the English "
        "file has 2 (line 9): a translation keeps every item"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "correct: true",
            "correct: false",
            "quizzes/fr/foundations.yaml:10: 'questions[0].options[0].correct' is False here "
            "but True in the English file",
        ),
        ("id: q1", "id: q2", "quizzes/fr/foundations.yaml:5: 'questions[0].id' is 'q2' here"),
        ("pass_mark: 80", "pass_mark: 70", "quizzes/fr/foundations.yaml:1: 'pass_mark' is 70"),
        (
            "    explanation: Le retrait",
            "    explication: Le retrait",
            "quizzes/fr/foundations.yaml:14: 'questions[0].explication' is not in the English",
        ),
        (
            "feedback: Oui, la personne s'éloigne.",
            'feedback: ""',
            "quizzes/fr/foundations.yaml:11: 'questions[0].options[0].feedback' must be "
            "translated text, not empty",
        ),
    ],
)
def test_anything_but_text_must_equal_the_english(course_tree, old, new, expected):
    quiz = FR_QUIZ.replace(old, new, 1)
    errors = _errors(course_tree({**FRENCH, "quizzes/fr/foundations.yaml": quiz}))
    assert [error for error in errors if error.startswith(expected)], errors


def test_a_module_keeps_its_headings_videos_and_front_matter(course_tree):
    extra_heading = FR_FOUNDATIONS + "\n## Une section de plus\n"
    other_level = FR_WITHDRAWAL.replace("## Marqueurs", "### Marqueurs")
    other_video = FR_WITHDRAWAL.replace("v=abcdefghijk", "v=zzzzzzzzzzz")
    other_order = FR_FOUNDATIONS.replace("order: 1", "order: 3")
    errors = _errors(
        course_tree(
            {
                **FRENCH,
                "modules/fr/01-foundations.md": extra_heading.replace("order: 1", "order: 1"),
            }
        )
    )
    assert errors == [
        "modules/fr/01-foundations.md:14: the module has 2 heading(s); the English file has "
        "1: sections are matched by position, so a translation keeps every heading"
    ]
    [level] = _errors(course_tree({**FRENCH, "modules/fr/02-detecting-withdrawal.md": other_level}))
    assert level.startswith("modules/fr/02-detecting-withdrawal.md:10: heading 1 is level 3")
    [video] = _errors(course_tree({**FRENCH, "modules/fr/02-detecting-withdrawal.md": other_video}))
    assert video.startswith("modules/fr/02-detecting-withdrawal.md:13: video 1: url is")
    [order] = _errors(course_tree({**FRENCH, "modules/fr/01-foundations.md": other_order}))
    assert order.startswith("modules/fr/01-foundations.md:3: 'order' is 3 here but 1")


def test_listing_french_makes_every_missing_translation_an_error(course_tree):
    listed = COURSE_YAML + "languages: [en, fr]\n"
    french = {**FRENCH, "modules/fr/course.yaml": FR_COURSE + "languages: [en, fr]\n"}
    files = {**french, "modules/course.yaml": listed, "quizzes/fr/foundations.yaml": None}
    errors = _errors(course_tree(files))
    assert errors == [
        "quizzes/fr/foundations.yaml:1: missing: the course file lists français (fr) in "
        "'languages', so quizzes/foundations.yaml needs a translation here"
    ]
    bundle = load_dir(course_tree({**french, "modules/course.yaml": listed}))
    assert bundle.course.languages == ("en", "fr")


def test_a_translation_without_an_english_file_and_unknown_languages_are_refused(course_tree):
    stray = {**FRENCH, "quizzes/fr/other.yaml": FR_QUIZ}
    assert _errors(course_tree(stray)) == [
        "quizzes/fr/other.yaml:1: no English file quizzes/other.yaml for this translation "
        "(a translation keeps its English file's name)"
    ]
    [unknown] = _errors(course_tree({"modules/course.yaml": COURSE_YAML + "languages: [en, de]\n"}))
    assert (
        unknown.startswith("modules/course.yaml:") and "de, which the platform does not" in unknown
    )
    [first] = _errors(course_tree({"modules/course.yaml": COURSE_YAML + "languages: [fr, en]\n"}))
    assert "must start with en" in first


def test_headings_inside_fenced_blocks_do_not_count():
    body = "# One\n\n```\n# not a heading\n```\n\n~~~~\n## nor this\n~~~~\n### Two\n"
    assert headings(body, 10) == [(1, 10), (3, 19)]
