"""The staff pages in French: the research dashboard, the module editor and the audit log
render in French for an account that chose it, with no English left in their own words,
and their dates and numbers written the French way."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.extensions import db


def _french(page: str) -> str:
    assert '<html lang="fr-CA"' in page
    return page


def _visible(page: str) -> str:
    """The page's text without tags, scripts and attribute values (what a reader sees)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.fixture
def french(app, make_user, login):
    """Sign in a staff member of ``role`` who chose French (kept on the account)."""

    def sign_in(role: str, **fields):
        person = make_user(role, timezone="America/Toronto", **fields)
        with app.app_context():
            db.session.get(User, person.id).locale = "fr_CA"
            db.session.commit()
        login(person)
        return person

    return sign_in


def test_the_research_dashboard_is_in_french(app, client, french, import_course):
    import_course()
    french("researcher")
    page = _french(client.get("/research/").get_data(as_text=True))
    text = _visible(page)
    for words in (
        "Tableau de bord de recherche",
        "Diagramme de flux CONSORT",
        "Entonnoir d'achèvement des modules",
        "Appliquer les filtres",
        "Formation autonome",
        "Groupe de comparaison",
        "avant la répartition",
    ):
        assert words in text, words
    for english in (
        "Research dashboard",
        "CONSORT flow",
        "Completion funnel",
        "Apply filters",
        "Self-paced",
        "before allocation",
        "No published modules yet",
        "consented participant",
    ):
        assert english not in text, english
    # A chart's accessible description is French too (the SVG's <desc>).
    assert "Le tableau voisin présente les mêmes nombres." in page


def test_a_chart_download_keeps_english_headers(app, client, french, import_course):
    """Like the exports, a chart's CSV is a data file: its headers stay English."""
    import_course()
    french("researcher")
    csv = client.get("/research/charts/funnel.csv")
    assert csv.status_code == 200
    assert csv.get_data(as_text=True).splitlines()[0].startswith("Module,Started,Completed")


def test_the_module_editor_is_in_french(app, client, french, import_course):
    import_course()
    french("trainer")
    page = _french(client.get("/authoring/modules/new").get_data(as_text=True))
    text = _visible(page)
    for words in (
        "Créer un module",
        "À propos du module",
        "Enregistrer le brouillon",
        "Publier",
        "Temps actif minimal (secondes)",
        "Comment ajouter une vidéo",
    ):
        assert words in text, words
    for english in ("Create a module", "About the module", "Save draft", "Minimum active"):
        assert english not in text, english
    # The scripts' words are written by the template, in French.
    assert 'data-text-updated="Aperçu mis à jour."' in page
    assert 'data-text-bold="Gras"' in page


def test_the_course_content_list_writes_dates_the_french_way(app, client, french, import_course):
    with clock.frozen(datetime(2026, 3, 12, 18, 5, tzinfo=UTC)):
        import_course()
    french("trainer")
    text = _visible(client.get("/authoring/").get_data(as_text=True))
    assert "Contenu de la formation" in text and "Modules dans l'ordre de la formation" in text
    assert "2026-03-12 14 h 05 HAE" in text  # 18:05 UTC in Toronto, 24-hour French time
    assert "by a file import" not in text and "par une importation de fichiers" in text


def test_the_audit_log_says_each_action_in_french(app, client, french):
    admin = french("admin")
    with app.app_context(), clock.frozen(datetime(2026, 7, 1, 16, 0, tzinfo=UTC)):
        record(
            "research.exported",
            target="export",
            via="web",
            filters={"include_free_text": True},
            rows=3,
        )
        record("admin.role_changed", actor=admin, target=f"user:{admin.id}", old="a", new="b")
        db.session.commit()
    page = _french(client.get("/admin/audit").get_data(as_text=True))
    entries = page.split('<ol class="audit-list"', 1)[1].split("</ol>", 1)[0]
    assert "Données de recherche exportées" in entries and "Rôle modifié" in entries
    assert "<dt>Filtres</dt><dd>Texte libre inclus : oui</dd>" in entries
    assert "L&#39;exportation de recherche" in entries
    assert "1 juill. 2026, 12 h 00 min 00 s HAE" in entries  # 16:00 UTC in Toronto
    for english in ("Research data exported", "Role changed", "Free text included", "yes"):
        assert english not in _visible(entries), english
    # The filter's choices too; the action names themselves stay as recorded.
    assert ">Tout\u00a0: Recherche</option>" in page
    assert "<code>research.exported</code>" in entries


def test_the_audit_csv_keeps_english_descriptions(app, client, french):
    french("admin")
    with app.app_context():
        record("research.token_created", target="token:1", name="nightly")
        db.session.commit()
    body = client.get("/admin/audit.csv").get_data(as_text=True)
    assert body.splitlines()[0].startswith("id,at_utc,action,description")
    assert "API token created" in body and "Jeton d'API créé" not in body
