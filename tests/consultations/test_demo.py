"""`flask users demo` also schedules a demo group series and two individual slots."""

from __future__ import annotations

from course.consultations.models import ConsultationSeries, ConsultationSession


def test_demo_accounts_come_with_consultation_slots(runner, db_count):
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    assert db_count(ConsultationSeries) == 1
    assert db_count(ConsultationSession, kind="group") == 10
    assert db_count(ConsultationSession, kind="individual") == 2
    runner.invoke(args=["users", "demo"])
    assert db_count(ConsultationSeries) == 1
