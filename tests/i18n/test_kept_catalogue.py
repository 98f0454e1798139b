"""The catalogue kept per request and locale still follows ``force_locale``."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext


def test_a_forced_locale_inside_a_request_gets_its_own_catalogue(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr-CA"}):
        assert gettext("Complete") == "Terminé"
        assert render_template_string("{{ _('Complete') }}") == "Terminé"
        with force_locale("en"):
            assert gettext("Complete") == "Complete"
            assert render_template_string("{{ _('Complete') }}") == "Complete"
        assert gettext("Complete") == "Terminé"
        assert render_template_string("{{ _('Complete') }}") == "Terminé"


def test_outside_a_request_english_and_forced_french(app):
    with app.app_context():
        assert gettext("Complete") == "Complete"
        with force_locale("fr_CA"):
            assert gettext("Complete") == "Terminé"
            assert render_template_string("{{ _('Complete') }}") == "Terminé"
        assert gettext("Complete") == "Complete"


def test_templates_have_every_gettext_form(app):
    template = (
        "{{ _('Complete') }}|{{ ngettext('%(num)d session', '%(num)d sessions', 2) }}|"
        "{{ pgettext('column of attendance counts', 'Attended') }}|"
        "{{ npgettext('ctx', '%(num)d item', '%(num)d items', 1) }}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "Complete|2 sessions|Attended|1 item"
