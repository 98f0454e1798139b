"""Finished text: bracketed placeholders and references without a DOI or URL are refused,
at their file line and field, in modules and in the Markdown fields of the YAML files."""

from __future__ import annotations

import re
import shutil

import pytest

from course.content import ContentErrors, load_dir, parse_drills, parse_quiz, parse_scenario
from course.content.citations import placeholders, reference_problems, yaml_text_errors
from course.content.render import render_markdown

F2 = "modules/02-detecting-withdrawal.md"
QUIZ = "quizzes/foundations.yaml"
SHIPPED_PLACEHOLDER = (
    "- Owen, Tao, Imel, Wampold, & Rodolfa (2014). [Study of racial microaggressions "
    "reported by clients in psychotherapy]. *Professional Psychology: Research and "
    "Practice, 45*(4).\n"
)

#: Markdown syntax that uses brackets, as python-markdown renders it for this project.
SYNTAX = [
    "An [inline link](https://doi.org/10.1037/pst0000466) in a sentence.",
    'A [titled link](https://example.org/a_(b) "Title") and an ![image](media/a.png).',
    "A [reference link][apa] and a [collapsed one][].\n\n[apa]: https://apa.org\n"
    "[collapsed one]: https://example.org",
    "A shortcut [Apa] reference.\n\n[apa]: https://apa.org",
    "A footnote.[^1]\n\n[^1]: The note.",
    "Code `a[0]` and ``[x]`` in spans.",
    "```\nplaceholder = [not text]\n```",
    "~~~python\nitems[1]\n~~~",
    "A link whose text has [nested](https://a.org) brackets.",
]

#: Square brackets that Markdown leaves as literal text in what learners read.
PLACEHOLDERS = [
    ("- Owen et al. (2014). [Study of racial microaggressions].", 0),
    ("First line.\n\nSee [TODO: add the citation] here.", 2),
    ("A span that [runs over\ntwo lines] of one paragraph.", 0),
    ("A [bracket] (with a space before its parenthesis).", 0),
    ("Nested [outer [inner] outer] spans count once.", 0),
    ("Quoted `code` then [a placeholder].", 0),
]


@pytest.mark.parametrize("text", SYNTAX)
def test_markdown_syntax_with_brackets_is_not_a_placeholder(text):
    assert placeholders(text) == []
    rendered = re.sub(r"<(pre|code)>.*?</\1>", "", render_markdown(text), flags=re.DOTALL)
    assert "[" not in re.sub(r"<[^>]+>", "", rendered)  # the renderer agrees: no literal [


@pytest.mark.parametrize(("text", "line"), PLACEHOLDERS)
def test_a_bracketed_span_markdown_leaves_literal_is_a_placeholder(text, line):
    [problem] = placeholders(text)
    assert problem.line == line
    assert problem.message.startswith("bracketed placeholder '[")
    assert "[" in re.sub(r"<[^>]+>", "", render_markdown(text))  # the renderer agrees


def test_escaped_brackets_are_meant_literally():
    text = "An editorial insertion: he \\[the patient\\] left."
    assert placeholders(text) == []
    assert "he [the patient] left" in render_markdown(text)


@pytest.mark.parametrize(
    "text",
    ["- [ ] read the module\n- [x] watch the video", "[TOC]\n\n## A heading"],
)
def test_task_boxes_and_the_toc_marker_are_allowed(text):
    assert placeholders(text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A [link][nowhere].", "reference link [link][nowhere] has no definition"),
        ("A note.[^gone]", "footnote [^gone] has no definition"),
    ],
)
def test_reference_links_and_footnotes_need_their_definitions(text, message):
    assert [p.message.split(":")[0] for p in placeholders(text)] == [message]


REFERENCES = """\
Text before, with an entry-like line that is not a reference:
- Just a list item.

## References

- Tasca, G. A., et al. (2023). Title. *Psychotherapy*. https://doi.org/10.1037/pst0000466
- Safran, J. D., & Muran, J. C. (2000). *Negotiating the therapeutic alliance*.
  Guilford Press. https://www.guilford.com/books/Negotiating-the-Therapeutic-Alliance
- Bordin, E. S. (1979). The generalizability of the psychoanalytic concept of
  the working alliance. *Psychotherapy, 16*(3), 252-260.
1. Numbered, with a bad DOI link: https://doi.org/pst0000466
- A web page without a scheme: www.example.org

## After

- Not a reference, so no link needed.
"""


def test_each_references_entry_needs_a_doi_or_url_including_continuation_lines():
    problems = [(p.line, p.message.split(":")[0]) for p in reference_problems(REFERENCES)]
    assert problems == [
        (8, "reference 'Bordin, E. S. (1979). The generalizability of the psychoana…' "
            "has no DOI or URL"),
        (10, "the DOI link 'https"),
        (11, "reference 'A web page without a scheme"),
    ]  # fmt: skip


def test_a_references_heading_at_any_level_ends_at_the_next_heading_of_its_level():
    text = "### References\n\n#### Books\n\n- No link\n\n### Next\n\n- Free text\n"
    assert [p.line for p in reference_problems(text)] == [4]


def test_content_check_refuses_a_bracketed_reference_at_its_file_line(course_tree, course_files):
    body = course_files[F2] + "\n## References\n\n" + SHIPPED_PLACEHOLDER
    with pytest.raises(ContentErrors) as info:
        load_dir(course_tree({F2: body}))
    line = body.count("\n")  # the entry is the file's last line
    assert [(e.file, e.line, e.path, e.message[:40]) for e in info.value.errors] == [
        (F2, line, "body", "bracketed placeholder '[Study of racial "),
        (F2, line, "body", "reference 'Owen, Tao, Imel, Wampold, & R"),
    ]
    assert "has no DOI or URL" in info.value.errors[1].message
    assert str(info.value.errors[0]).startswith(f"{F2}:{line}: bracketed placeholder")


def test_a_placeholder_inside_the_front_matter_is_not_body_text(course_tree, course_files):
    # YAML's flow lists use brackets (requires: [foundations]); only the body is Markdown.
    assert "requires: [foundations]" in course_files[F2]
    load_dir(course_tree())


def test_the_rules_can_be_left_out_for_the_dose(course_tree, course_files):
    body = course_files[F2] + "\n## References\n\n" + SHIPPED_PLACEHOLDER
    assert load_dir(course_tree({F2: body}), text_rules=False).modules


QUIZ_TEXT = """\
pass_mark: 80
questions:
  - id: q1
    type: single
    prompt: Which finding did Owen et al. report [page number]?
    options:
      - text: "A [quoted] option"
        correct: true
        feedback: |
          Right.

          See [Study of racial microaggressions] for more.
      - text: Another option
        correct: false
    explanation: >-
      Folded text that carries
      a [folded placeholder] on its second line.
"""


def test_quiz_markdown_fields_are_checked_at_their_lines_and_paths():
    errors = yaml_text_errors(parse_quiz(QUIZ_TEXT, QUIZ))
    assert sorted((e.line, e.path) for e in errors) == [
        (5, "questions[0].prompt"),
        (7, "questions[0].options[0].text"),
        (12, "questions[0].options[0].feedback"),
        (17, "questions[0].explanation"),
    ]
    assert {e.file for e in errors} == {QUIZ}


def test_scenario_and_drill_markdown_fields_are_checked(fixture_root):
    practice = fixture_root.parent / "practice"
    scenario_text = (practice / "scenarios" / "small.yaml").read_text()
    drill_text = (practice / "drills" / "withdrawal.yaml").read_text()
    assert yaml_text_errors(parse_scenario(scenario_text, "scenarios/small.yaml")) == []
    assert yaml_text_errors(parse_drills(drill_text, "drills/withdrawal.yaml")) == []
    moment = re.search(r"moment: [|>]?-?\n?\s*(.+)", scenario_text).group(1)
    changed = scenario_text.replace(moment, moment + " [describe the patient here]", 1)
    [error] = yaml_text_errors(parse_scenario(changed, "scenarios/small.yaml"))
    assert error.path == "steps[0].moment"
    assert "[describe the patient here]" in changed.split("\n")[error.line - 1]
    changed = drill_text.replace("Whatever you think.", "Whatever you think. [client line]", 1)
    [error] = yaml_text_errors(parse_drills(changed, "drills/withdrawal.yaml"))
    assert error.path == "items[0].statement"
    assert "[client line]" in changed.split("\n")[error.line - 1]


def test_content_check_and_import_refuse_and_write_nothing(app, runner, fixture_root, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    page = root / "modules" / "02-next.md"
    page.write_text(page.read_text() + "\n## References\n\n- Someone (2020). A title.\n")
    line = page.read_text().count("\n")
    for command in ("check", "import"):
        result = runner.invoke(args=["content", command, str(root)])
        assert result.exit_code != 0
        assert f"modules/02-next.md:{line}: reference 'Someone (2020)" in result.output
        assert "nothing was written" in result.output
    with app.app_context():
        from course.catalog.models import Module
        from course.extensions import db

        assert db.session.scalar(db.select(db.func.count()).select_from(Module)) == 0
