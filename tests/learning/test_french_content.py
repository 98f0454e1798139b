"""Course content in French: the translated files served, sharing their English file's ids."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.authoring.services import publish_module
from course.catalog import Translation, published_course
from course.catalog.models import Module, Quiz
from course.extensions import db

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}
EN = {"Accept-Language": "en"}

#: The first test module in French (tests/fixtures/translations).
INTRO_FR = (
    Path(__file__).parents[1] / "fixtures" / "translations" / "modules" / "fr" / "01-intro.md"
).read_text(encoding="utf-8")


@pytest.fixture
def french_course(tmp_path: Path, fixture_root: Path, import_course) -> Path:
    """The test course with a French version of its first module, imported."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "fr").mkdir()
    (root / "modules" / "fr" / "01-intro.md").write_text(INTRO_FR, encoding="utf-8")
    import_course(root)
    return root


def test_a_french_reader_gets_the_french_module_with_the_english_ids(
    client, make_user, login, french_course
):
    login(make_user("therapist", arm="self_paced"))
    english = client.get("/learning/modules/intro", headers=EN).get_data(as_text=True)
    french = client.get("/learning/modules/intro", headers=FR).get_data(as_text=True)
    assert "Introduction aux tensions" in french and "l'alliance thérapeutique" in french
    assert "Un court extrait" in french and "Introduction to tensions" not in french
    assert "Introduction to tensions" in english and "Introduction aux tensions" not in english
    # The same revision, and the same section anchors: progress and reading positions
    # are the same whichever language they were made in.
    revision = english.split('data-revision="')[1].split('"')[0]
    assert f'data-revision="{revision}"' in french
    assert 'data-language="fr"' in french and 'data-language="en"' in english
    for anchor in ('id="sec-what-a-tension-is"', 'id="sec-why-it-matters"'):
        assert anchor in english and anchor in french
    assert 'href="#sec-what-a-tension-is">Ce qu&#39;est une tension' in french
    assert "not translated" not in english


def test_the_course_list_is_in_french_where_translated(client, make_user, login, french_course):
    login(make_user("therapist", arm="self_paced"))
    home = client.get("/learning/", headers=FR).get_data(as_text=True)
    assert "Introduction aux tensions" in home
    assert "The next step" in home  # the second module has no French version: its own title


def test_an_untranslated_module_is_shown_in_english_and_marked(
    client, make_user, login, complete_modules, french_course
):
    user = make_user("therapist", arm="self_paced")
    complete_modules(user, "intro")
    login(user)
    page = client.get("/learning/modules/next", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA"' in page
    assert '<header class="module-head" lang="en">' in page
    assert "pas encore traduit" in page


def test_progress_is_the_same_in_either_language(
    client, make_user, login, complete_modules, french_course
):
    user = make_user("therapist", arm="self_paced")
    complete_modules(user, "intro")
    login(user)
    for headers, word in ((FR, "Terminé"), (EN, "Complete")):
        page = client.get("/learning/modules/intro", headers=headers).get_data(as_text=True)
        assert f'<p id="module-status" role="status" aria-live="polite">{word}</p>' in page


def test_a_changed_english_text_hides_its_old_translation(
    app, client, make_user, login, french_course, import_course
):
    english = french_course / "modules" / "01-intro.md"
    english.write_text(
        english.read_text().replace("better outcomes.", "better outcomes, on average."),
        encoding="utf-8",
    )
    (french_course / "modules" / "fr" / "01-intro.md").unlink()
    import_course(french_course)
    login(make_user("therapist", arm="self_paced"))
    page = client.get("/learning/modules/intro", headers=FR).get_data(as_text=True)
    assert "Introduction to tensions" in page and "Introduction aux tensions" not in page
    assert "pas encore traduit" in page
    with app.app_context():
        assert db.session.query(Translation).count() == 1  # kept, for the old English text


def test_importing_again_stores_nothing_new_and_export_writes_the_translation_back(
    app, french_course, import_course, tmp_path
):
    from course.authoring.services import export_dir

    report = import_course(french_course)
    assert report.published == [] and "modules/fr/01-intro.md" in report.unchanged
    with app.app_context():
        export_dir(tmp_path / "out")
        french = published_course("fr")
        module = french.module("intro")
        english = db.session.scalar(db.select(Module).where(Module.slug == "intro"))
        assert module.id == english.published_revision_id and module.language == "fr"
        assert published_course().module("intro").title == "Introduction to tensions"
    written = (tmp_path / "out" / "modules" / "fr" / "01-intro.md").read_text(encoding="utf-8")
    assert written == INTRO_FR


def test_a_french_reader_searches_the_french_text(client, make_user, login, french_course):
    login(make_user("therapist", arm="self_paced"))
    client.set_cookie("lang", "fr_CA")
    page = client.get("/search/?q=tensions+réparées").get_data(as_text=True)
    assert 'href="/learning/modules/intro#sec-why-it-matters"' in page
    assert "Pourquoi c&#39;est important" in page or "Pourquoi c'est important" in page
    assert "<mark>" in page
    assert "Why it matters" not in page
    client.set_cookie("lang", "en")
    english = client.get("/search/?q=tensions+repaired").get_data(as_text=True)
    assert "Why it matters" in english and "Pourquoi" not in english


def test_the_module_editor_says_whether_the_french_text_is_shown(
    app, client, make_user, login, french_course
):
    """A trainer publishing an English change is told it hides the French version."""
    trainer = make_user("trainer")
    login(trainer)
    page = client.get("/authoring/modules/intro/edit", headers=EN).get_data(as_text=True)
    assert "French: readers in this language see a translation of the published text" in page
    assert "written for an earlier text" not in page
    second = client.get("/authoring/modules/next/edit", headers=EN).get_data(as_text=True)
    assert "French:" not in second  # never translated: nothing to say
    english = (french_course / "modules" / "01-intro.md").read_text(encoding="utf-8")
    with app.app_context():
        publish_module(
            english + "\nA new closing line.\n",
            actor=db.session.get(type(trainer), trainer.id),
            slug="intro",
        )
        db.session.commit()
    page = client.get("/authoring/modules/intro/edit", headers=FR).get_data(as_text=True)
    assert "Français : la traduction enregistrée a été écrite pour un texte antérieur" in page


def test_the_quiz_editor_says_whether_the_french_text_is_shown(
    app, client, make_user, login, course
):
    login(make_user("trainer"))
    url = "/authoring/modules/intro/quiz"
    assert "French:" not in client.get(url, headers=EN).get_data(as_text=True)
    with app.app_context():
        published = db.session.scalar(db.select(Quiz).where(Quiz.slug == "intro")).published
        for english_hash in ("0" * 64, published.content_hash):
            db.session.add(
                Translation(
                    kind="quiz",
                    slug="intro",
                    language="fr",
                    english_hash=english_hash,
                    source="",
                    content_hash=english_hash,
                    parts={},
                )
            )
            db.session.commit()
            page = client.get(url, headers=EN).get_data(as_text=True)
            old = "French: the stored translation was written for an earlier text" in page
            assert old == (english_hash == "0" * 64)
            assert ("French: readers in this language see a translation" in page) != old
