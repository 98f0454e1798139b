"""One handler answers every refusal: rolled back, the message, the status, page or JSON."""

from __future__ import annotations

import pytest

from course import create_app
from course.audit.models import AuditEntry
from course.audit.services import record
from course.errors import DomainError
from course.extensions import db
from course.web.access import public


class Refused(DomainError):
    status = 409


@pytest.fixture
def refusing_app(settings):
    app = create_app(settings)

    @public
    def refuse():
        record("test.half_done")  # flushed before the rule says no
        db.session.flush()
        raise Refused("Not now: the group is full. Join its waiting list instead.")

    app.add_url_rule("/refuse", "refuse", refuse, methods=["GET", "POST"])
    yield app
    with app.app_context():
        db.engine.dispose()


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEntry.id)))


def test_a_refusal_is_a_page_with_the_message_and_nothing_is_kept(refusing_app):
    response = refusing_app.test_client().get("/refuse")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Not now: the group is full. Join its waiting list instead." in page
    assert "Nothing was changed." in page
    assert _entries(refusing_app) == 0


def test_a_json_client_gets_the_refusal_as_json(refusing_app):
    response = refusing_app.test_client().get("/refuse", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json == {
        "error": "Conflict",
        "message": "Not now: the group is full. Join its waiting list instead.",
    }
    assert _entries(refusing_app) == 0


def test_every_feature_error_is_a_domain_error():
    from course.assessments.services import QuizError
    from course.auth.services import AuthError
    from course.certificates.services import CertificateError
    from course.consultations.errors import ConsultationError
    from course.learning.events import BatchError
    from course.learning.services import ModuleUnavailable
    from course.mail import MailError
    from course.media.services import MediaError
    from course.research.allocation import AllocationError
    from course.research.consent import ConsentError
    from course.research.filters import FilterError
    from course.research.tokens import TokenError
    from course.surveys.services import SurveyError

    for error in (
        QuizError, AuthError, CertificateError, ConsultationError, BatchError,
        ModuleUnavailable, MailError, MediaError, AllocationError, ConsentError,
        FilterError, TokenError, SurveyError,
    ):  # fmt: skip
        assert issubclass(error, DomainError), error
