"""`content check|import|export`: atomic, idempotent, byte-exact round trips."""

from __future__ import annotations

import shutil

import pytest

from course.audit.models import AuditEntry
from course.catalog import published_course
from course.catalog.models import CourseRevision, Module, ModuleRevision, QuizRevision
from course.extensions import db


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(db.select(db.func.count()).select_from(m))
            for m in (ModuleRevision, QuizRevision, CourseRevision)
        )


def test_check_passes_on_the_fixture_course_and_writes_nothing(app, runner, fixture_root):
    result = runner.invoke(args=["content", "check", str(fixture_root)])
    assert result.exit_code == 0, result.output
    assert "OK: 2 modules, 1 quizzes, 0 scenarios, 0 drill sets." in result.output
    assert _counts(app) == (0, 0, 0)


def test_import_publishes_once_and_then_leaves_unchanged_files_alone(app, runner, fixture_root):
    first = runner.invoke(args=["content", "import", str(fixture_root)])
    assert first.exit_code == 0, first.output
    assert "Published 4 changed file(s), 0 unchanged." in first.output
    assert _counts(app) == (2, 1, 1)
    second = runner.invoke(args=["content", "import", str(fixture_root)])
    assert "Published 0 changed file(s), 4 unchanged." in second.output
    assert _counts(app) == (2, 1, 1)
    with app.app_context():
        published = db.session.scalars(
            db.select(AuditEntry.target).where(AuditEntry.action == "content.published")
        ).all()
    assert sorted(published) == ["course", "module:intro", "module:next", "quiz:intro"]


def test_changed_module_becomes_a_new_published_revision(app, runner, fixture_root, tmp_path):
    runner.invoke(args=["content", "import", str(fixture_root)])
    copy = tmp_path / "course"
    shutil.copytree(fixture_root, copy)
    page = copy / "modules" / "02-next.md"
    page.write_text(page.read_text().replace("More reading.", "More reading, revised."))
    result = runner.invoke(args=["content", "import", str(copy)])
    assert "Published 1 changed file(s), 3 unchanged." in result.output
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "next"))
        assert module.published.number == 2
        assert "revised" in module.published.html


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("modules/02-next.md", "order: 2", "order: two", "modules/02-next.md:3:"),
        ("quizzes/intro.yaml", "pass_mark: 100", "pass_mark: 140", "quizzes/intro.yaml:1:"),
        ("modules/02-next.md", "requires: [intro]", "requires: [nowhere]", "modules/02-next.md:6:"),
        (
            "modules/01-intro.md",
            "url: media/short.mp4",
            "url: https://evil.example/v.mp4",
            "modules/01-intro.md:16:",
        ),
    ],
)
def test_a_broken_file_writes_nothing_and_names_file_and_line(
    app, runner, fixture_root, tmp_path, file, old, new, expected
):
    runner.invoke(args=["content", "import", str(fixture_root)])
    before = _counts(app)
    copy = tmp_path / "course"
    shutil.copytree(fixture_root, copy)
    (copy / "modules" / "02-next.md").write_text(
        (copy / "modules" / "02-next.md").read_text().replace("More reading.", "Changed too.")
    )
    target = copy / file
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new))
    result = runner.invoke(args=["content", "import", str(copy)])
    assert result.exit_code != 0
    assert expected in result.output
    assert "nothing was written" in result.output
    assert _counts(app) == before


def _files(root) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parts[len(root.parts)] in ("modules", "quizzes")
    }


def test_export_then_import_on_a_fresh_database_is_byte_identical(
    app, runner, fixture_root, tmp_path, database, settings
):
    from course import create_app

    runner.invoke(args=["content", "import", str(fixture_root)])
    first = tmp_path / "first"
    result = runner.invoke(args=["content", "export", str(first)])
    assert result.exit_code == 0, result.output
    assert _files(first) == _files(fixture_root)
    (tmp_path / "fresh").mkdir()
    database.fresh(tmp_path / "fresh")
    url, options = database.location(tmp_path / "fresh")
    fresh = create_app({**settings, "DATABASE_URL": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    fresh_runner = fresh.test_cli_runner()
    assert fresh_runner.invoke(args=["content", "import", str(first)]).exit_code == 0
    second = tmp_path / "second"
    assert fresh_runner.invoke(args=["content", "export", str(second)]).exit_code == 0
    assert _files(second) == _files(first)
    with fresh.app_context():
        db.engine.dispose()


def test_shipped_course_imports_and_every_module_renders(app, import_course, project_root):
    report = import_course(project_root)
    # The course file, 6 modules, 6 quizzes, 6 practice files, and each one's French version.
    french = [name for name in report.published if "/fr/" in name]
    assert len(report.published) == 38 and len(french) == 19
    assert sum(name.startswith(("scenarios/", "drills/")) for name in report.published) == 12
    with app.app_context():
        revisions = db.session.scalars(db.select(ModuleRevision)).all()
        assert len(revisions) == 6
        for revision in revisions:
            assert revision.html and revision.toc and revision.videos
            assert "<video" in revision.html and 'kind="captions"' in revision.html
            assert 1200 <= revision.word_count <= 3400, (revision.title, revision.word_count)
        french = published_course("fr")
        assert french.spec.title != published_course().spec.title
        for module in french.modules:
            english = published_course().module(module.slug)
            assert module.language == "fr" and module.id == english.id
            assert [e["anchor"] for e in module.toc] == [e["anchor"] for e in english.toc]
            assert "<video" in module.html and module.title != english.title
