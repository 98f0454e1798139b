"""Whole course directories: cross-file rules, loading, writing and composing."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from course.content import (
    ContentErrors,
    check_bundle,
    compose_module,
    compose_quiz,
    content_hash,
    load_dir,
    module_front,
    parse_course,
    parse_module,
    parse_quiz,
    quiz_data,
    write_dir,
)

F1 = "modules/01-foundations.md"
F2 = "modules/02-detecting-withdrawal.md"
COURSE = "modules/course.yaml"
QUIZ = "quizzes/foundations.yaml"
NOT_VTT = "captions file 'media/withdrawal.en.vtt' is not WebVTT (must start with 'WEBVTT')"


def load_errors(root) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentErrors) as info:
        load_dir(root)
    return [(error.file, error.line, error.message) for error in info.value.errors]


def test_valid_course_directory_loads(course_tree):
    bundle = load_dir(course_tree())
    assert bundle.course.title == "Working with Alliance Tensions"
    assert [module.slug for module in bundle.modules] == ["foundations", "detecting-withdrawal"]
    assert [module.filename for module in bundle.modules] == [F1, F2]
    assert list(bundle.quizzes) == ["foundations"]
    assert bundle.quizzes["foundations"].filename == QUIZ
    assert bundle.modules[1].videos[0].captions == "media/withdrawal.en.vtt"


def test_modules_are_sorted_by_order_not_file_name(course_tree, course_files):
    first = course_files[F1].replace("order: 1", "order: 3")
    bundle = load_dir(course_tree({F1: first}))
    assert [module.order for module in bundle.modules] == [2, 3]


def _edit(course_files, name, old, new):
    assert old in course_files[name], old
    return {name: course_files[name].replace(old, new)}


CROSS_FILE = {
    "duplicate slug": (
        lambda f: {"modules/03-again.md": f[F1].replace("order: 1", "order: 3\nslug: foundations")},
        [("modules/03-again.md", 4, "duplicate slug 'foundations' (also used by " + F1 + ")")],
    ),
    "duplicate order": (
        lambda f: _edit(f, F2, "order: 2", "order: 1"),
        [(F2, 3, f"duplicate order 1 (also used by {F1})")],
    ),
    "requires unknown module": (
        lambda f: _edit(f, F2, "requires: [foundations]", "requires:\n  - foundations\n  - repair"),
        [(F2, 8, "'requires' names unknown module 'repair'")],
    ),
    "requires cycle": (
        lambda f: _edit(
            f,
            F1,
            "estimated_minutes: 20\n",
            "estimated_minutes: 20\nrequires: [detecting-withdrawal]\n",
        ),
        [
            (
                F2,
                6,
                "'requires' forms a cycle: "
                "detecting-withdrawal -> foundations -> detecting-withdrawal",
            )
        ],
    ),
    "requires itself": (
        lambda f: _edit(
            f, F1, "estimated_minutes: 20\n", "estimated_minutes: 20\nrequires: [foundations]\n"
        ),
        [(F1, 6, "'requires' forms a cycle: foundations -> foundations")],
    ),
    "gate names unknown module": (
        lambda f: _edit(f, COURSE, "[foundations, detecting-withdrawal]", "[foundations, repair]"),
        [(COURSE, 5, "'consultation_gate' names unknown module 'repair'")],
    ),
    "certificate names unknown module": (
        lambda f: _edit(f, COURSE, "  modules: all", "  modules:\n    - foundations\n    - repair"),
        [(COURSE, 9, "'certificate.modules' names unknown module 'repair'")],
    ),
    "after_module names unknown module": (
        lambda f: _edit(f, COURSE, "    foundations: aim", "    foundations: aim\n    repair: aim"),
        [(COURSE, 13, "'surveys.after_module' names unknown module 'repair'")],
    ),
    "quiz without module": (
        lambda f: {"quizzes/repair.yaml": f[QUIZ]},
        [("quizzes/repair.yaml", 1, "no module has the slug 'repair' for this quiz")],
    ),
    "quiz pass without quiz file": (
        lambda f: {QUIZ: None},
        [(F1, 8, "'quiz: pass' needs a quiz file quizzes/foundations.yaml, which does not exist")],
    ),
    "captions missing": (
        lambda f: {"static/media/withdrawal.en.vtt": None},
        [(F2, 15, "captions file 'media/withdrawal.en.vtt' not found (it belongs in static/)")],
    ),
    "captions not webvtt": (
        lambda f: {"static/media/withdrawal.en.vtt": b"1\n00:00:00,000 --> 00:00:02,000\nHi\n"},
        [(F2, 15, NOT_VTT)],
    ),
    "captions start with WEBVTT but no separator": (
        lambda f: {"static/media/withdrawal.en.vtt": b"WEBVTTX\n"},
        [(F2, 15, NOT_VTT)],
    ),
}


@pytest.mark.parametrize(("change", "expected"), CROSS_FILE.values(), ids=CROSS_FILE.keys())
def test_cross_file_rule_reports_file_and_line(course_tree, course_files, change, expected):
    assert load_errors(course_tree(change(course_files))) == expected


@pytest.mark.parametrize(
    "vtt",
    [b"WEBVTT\n", b"\xef\xbb\xbfWEBVTT\n\n", b"WEBVTT - subtitles\r\n", b"WEBVTT\tx\n", b"WEBVTT"],
)
def test_valid_webvtt_headers_pass(course_tree, vtt):
    load_dir(course_tree({"static/media/withdrawal.en.vtt": vtt}))


def test_check_bundle_uses_the_given_media_reader(course_files):
    course = parse_course(course_files[COURSE])
    modules = [parse_module(course_files[F1], F1), parse_module(course_files[F2], F2)]
    quizzes = {"foundations": parse_quiz(course_files[QUIZ], QUIZ)}
    asked: list[str] = []

    def read_media(path: str) -> bytes | None:
        asked.append(path)
        return b"WEBVTT\n"

    assert check_bundle(course, modules, quizzes, read_media=read_media) == []
    assert asked == ["media/withdrawal.en.vtt"]
    errors = check_bundle(course, modules, quizzes, read_media=lambda path: None)
    assert [(error.file, error.line) for error in errors] == [(F2, 15)]


def test_load_dir_collects_errors_from_several_files(course_tree, course_files):
    root = course_tree(
        {
            F1: course_files[F1].replace("order: 1", "order: one"),
            F2: course_files[F2].replace("summary:", "sumary:"),
            QUIZ: course_files[QUIZ].replace("pass_mark: 80", "pass_mark: 800"),
            COURSE: course_files[COURSE].replace("ce_hours: 6", "ce_hours: lots"),
        }
    )
    errors = load_errors(root)
    assert [(file, line) for file, line, _ in errors] == [
        (F1, 3),
        (F2, 2),
        (F2, 4),
        (COURSE, 3),
        (QUIZ, 1),
    ]


def test_missing_modules_directory_is_an_error(tmp_path):
    (tmp_path / "quizzes").mkdir()
    assert load_errors(tmp_path) == [
        ("modules", 1, f"directory {tmp_path / 'modules'} not found"),
    ]


def test_missing_course_file_is_an_error(course_tree):
    assert load_errors(course_tree({COURSE: None})) == [(COURSE, 1, "course file not found")]


def test_non_utf8_file_is_an_error_with_its_line(course_tree, course_files):
    broken = course_files[F1].replace("A *rupture*", "A \udcff").encode("utf-8", "surrogateescape")
    assert load_errors(course_tree({F1: broken})) == [(F1, 12, "file is not valid UTF-8 text")]


def test_yml_quiz_file_is_flagged(course_tree, course_files):
    errors = load_errors(course_tree({"quizzes/extra.yml": course_files[QUIZ]}))
    assert errors == [("quizzes/extra.yml", 1, "quiz files must end in .yaml, not .yml")]


def test_write_dir_then_load_dir_is_byte_for_byte(course_tree, course_files, tmp_path):
    crlf = course_files[F2].replace("\n", "\r\n") + "\u00e9t\u00e9 \U0001f600\n"
    original = load_dir(course_tree({F2: crlf}))
    target = tmp_path / "exported"
    write_dir(original, target)
    (target / "static").symlink_to(tmp_path / "course" / "static")
    again = load_dir(target)
    assert again == original
    assert (target / F2).read_bytes() == crlf.encode("utf-8")
    assert again.modules[1].content_hash == content_hash(crlf)


def test_compose_module_round_trips(course_files):
    for name in (F1, F2):
        module = parse_module(course_files[name], name)
        text = compose_module(module_front(module), module.body)
        again = parse_module(text, name)
        assert again == dataclasses.replace(module, source=text, content_hash=content_hash(text))
        # Composing what compose wrote changes nothing.
        assert compose_module(module_front(again), again.body) == text


def test_compose_module_orders_keys_and_omits_empty_ones():
    front = {
        "completion": {"quiz": True, "min_seconds": 0, "video_percent": 0},
        "requires": [],
        "summary": "Tricky: colons, 'quotes' and yes",
        "title": "yes",
        "order": 4,
        "estimated_minutes": 15,
        "slug": "",
    }
    text = compose_module(front, "Body\n")
    assert text == (
        "---\ntitle: 'yes'\norder: 4\nsummary: 'Tricky: colons, ''quotes'' and yes'\n"
        "estimated_minutes: 15\ncompletion:\n  quiz: pass\n---\nBody\n"
    )
    module = parse_module(text, "modules/04-tricky.md")
    assert (module.title, module.summary, module.slug) == ("yes", front["summary"], "tricky")
    assert module.completion.quiz is True


def test_compose_quiz_round_trips(course_files):
    quiz = parse_quiz(course_files[QUIZ], QUIZ)
    edited = quiz_data(quiz)
    edited["questions"][0]["prompt"] = "Line one\n\nLine **two**: with colon\n"
    edited["questions"][0]["options"][1] = {"id": "no", **edited["questions"][0]["options"][1]}
    edited["questions"].append(
        {
            "id": "7",
            "type": "true_false",
            "prompt": "True or false?",
            "options": [{"text": "True", "correct": True}, {"text": "False", "correct": False}],
        }
    )
    text = compose_quiz(edited)
    again = parse_quiz(text, QUIZ)
    assert quiz_data(again) == edited
    assert again.questions[0].options[1].id == "no"
    assert [option.text for option in again.questions[1].options] == ["True", "False"]
    assert compose_quiz(quiz_data(again)) == text


def test_content_hash_is_sha256_of_utf8():
    assert content_hash("r\u00e9paration\n") == hashlib.sha256("réparation\n".encode()).hexdigest()


def test_every_survey_the_course_file_names_must_exist(course_tree, course_files):
    known = {"acceptability", "aim"}  # "iam" is missing
    changed = _edit(
        course_files, COURSE, "after_course: acceptability", "after_course: acceptabilty"
    )
    with pytest.raises(ContentErrors) as info:
        load_dir(course_tree(changed), surveys=known)
    found = [(error.file, error.line, error.message) for error in info.value.errors]
    assert found == [
        (
            COURSE,
            10,
            "'surveys.after_course' names unknown survey 'acceptabilty'; "
            "the platform has: acceptability, aim",
        ),
        (
            COURSE,
            14,
            "'surveys.after_consultations' names unknown survey 'iam'; "
            "the platform has: acceptability, aim",
        ),
    ]
    load_dir(course_tree(), surveys={"acceptability", "aim", "iam"})  # all known: fine
    load_dir(course_tree(changed))  # nothing to check against: names are not checked


def test_content_check_knows_the_shipped_surveys(runner, tmp_path, fixture_root, app):
    import shutil

    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    course_file = root / "modules" / "course.yaml"
    course_file.write_text(course_file.read_text() + "surveys:\n  after_course: acceptabilty\n")
    result = runner.invoke(args=["content", "check", str(root)])
    assert result.exit_code != 0
    assert "modules/course.yaml:10: 'surveys.after_course' names unknown survey" in result.output
    assert "nothing was written" in result.output
