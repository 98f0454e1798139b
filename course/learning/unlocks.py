"""Telling a learner when completing a module opens another one to them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course import clock
from course.catalog import PublishedCourse
from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db
from course.learning.models import ModuleProgress, ModuleUnlock
from course.notices.services import notify

#: The kind of notice sent when a module opens.
KIND = "learning.unlocked"


def opened_by(published: PublishedCourse, completed: set[str], slug: str) -> list:
    """The published modules that require ``slug`` and now have every requirement met."""
    return [
        m
        for m in published.modules
        if slug in m.requires and m.slug not in completed and set(m.requires) <= completed
    ]


def completed_slugs(user_id: int, published: PublishedCourse) -> set[str]:
    """Slugs of the published modules the learner has completed."""
    done = set(
        db.session.scalars(
            select(ModuleProgress.module_id).where(
                ModuleProgress.user_id == user_id, ModuleProgress.completed_at.is_not(None)
            )
        )
    )
    return {m.slug for m in published.modules if m.module_id in done}


def announce_unlocks(user, published: PublishedCourse, slug: str) -> list[str]:
    """Record and announce each module that completing ``slug`` opened; flushes.

    Each opening is recorded once (the primary key of ``module_unlocks``), and only a new
    record is announced, so a completion signalled twice tells the learner once.
    Returns the slugs announced.
    """
    opened = opened_by(published, completed_slugs(user.id, published), slug)
    announced = []
    for module in opened:
        inserted = db.session.execute(
            insert_ignoring_conflicts(
                ModuleUnlock,
                conflict=["user_id", "module_id"],
                values={
                    "user_id": user.id,
                    "module_id": module.module_id,
                    "unlocked_at": clock.now_utc(),
                },
            ).returning(ModuleUnlock.module_id)
        ).first()
        if inserted is None:
            continue
        notify(
            user,
            KIND,
            _l("Module %(number)s is now open: %(title)s", number=module.order, title=module.title),
            "learning.module",
            slug=module.slug,
        )
        announced.append(module.slug)
    return announced
