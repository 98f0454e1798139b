"""Demo data for `make run`: one group series and two individual slots."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from course import clock
from course.auth.models import User
from course.consultations.models import ConsultationSeries
from course.consultations.scheduling import Plan, create_series, create_slot
from course.consultations.times import wall_clock
from course.extensions import db

DEMO_LINK = "https://meet.example.org/alliance-demo"


def seed_demo_sessions(trainer: User | None = None) -> ConsultationSeries | None:
    """Schedule a demo group series and two slots for the (first) trainer; flushes only."""
    trainer = trainer or db.session.scalar(
        select(User).where(User.role == "trainer").order_by(User.id).limit(1)
    )
    if trainer is None:
        return None
    today = wall_clock(clock.now_utc(), trainer.timezone).date()

    def plan(title: str, days: int, start: int, capacity: int) -> Plan:
        return Plan(
            title=title,
            day=today + timedelta(days=days),
            start=time(start),
            end=time(start + 1),
            timezone=trainer.timezone,
            capacity=capacity,
            meeting_url=DEMO_LINK,
            notes="Bring one moment of tension from your sessions to discuss.",
        )

    series = create_series(trainer, plan("Consultation group A", 7, 12, 6), trainer, None, 14, 10)
    create_slot(trainer, plan("Individual consultation", 3, 10, 1), trainer)
    create_slot(trainer, plan("Individual consultation", 5, 15, 1), trainer)
    return series
