"""Reminder e-mails after a spell without course activity (``flask --app app learning nudge``).

A learner who can take the course now, has a module left to complete, has not turned
reminders off, and has had no course activity for ``COURSE_NUDGE_AFTER_DAYS`` days gets one
e-mail through the outbox. The spell is named by the time of their last activity, and
``nudges`` holds one row per learner and spell (a unique constraint), so a run repeated,
or two runs at once, never send a second reminder for the same spell. Activity after the
reminder starts a new spell. Services flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from course import clock
from course.auth.models import User
from course.catalog import published_course
from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db
from course.learning.access import course_access
from course.learning.models import ModuleProgress, Nudge, NudgeSetting
from course.mail import queue_mail
from course.web.links import external_url

_SALT = "course-nudge-opt-out"


def nudges_on(user_id: int) -> bool:
    """True unless the learner turned reminders off (they are on by default)."""
    setting = db.session.get(NudgeSetting, user_id)
    return True if setting is None else setting.enabled


def set_nudges(user_id: int, enabled: bool) -> None:
    """Turn reminder e-mails on or off for the learner; flushes."""
    setting = db.session.get(NudgeSetting, user_id) or NudgeSetting(user_id=user_id)
    setting.enabled, setting.updated_at = bool(enabled), clock.now_utc()
    db.session.add(setting)
    db.session.flush()


def opt_out_token(user_id: int) -> str:
    """A signed token for the one-click "stop these reminders" link of an e-mail."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).dumps(user_id)


def user_of_token(token: str) -> User | None:
    """The learner a stop-reminders token names, or None for a token we did not sign."""
    try:
        user_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def _candidates(cutoff: datetime) -> list[tuple[User, datetime]]:
    """(learner, last activity) for therapists idle since before ``cutoff`` who have not
    turned reminders off and were not reminded for this spell yet."""
    activity = (
        select(
            ModuleProgress.user_id.label("user_id"),
            func.max(ModuleProgress.last_activity_at).label("last"),
        )
        .group_by(ModuleProgress.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, activity.c.last)
        .join(activity, activity.c.user_id == User.id)
        .outerjoin(NudgeSetting, NudgeSetting.user_id == User.id)
        .outerjoin(Nudge, (Nudge.user_id == User.id) & (Nudge.inactive_since == activity.c.last))
        .where(User.role == "therapist", User.active.is_(True))
        .where(activity.c.last <= cutoff)
        .where((NudgeSetting.enabled.is_(None)) | (NudgeSetting.enabled.is_(True)))
        .where(Nudge.id.is_(None))
        .order_by(User.id)
    ).all()
    return [(user, last) for user, last in rows]


def send_nudges(now: datetime | None = None) -> int:
    """Queue one reminder per idle learner and spell; returns how many were queued."""
    days = current_app.config["NUDGE_AFTER_DAYS"]
    if not days:
        return 0
    now = now or clock.now_utc()
    published = published_course()
    if not published.modules:
        return 0
    total = len(published.modules)
    candidates = _candidates(now - timedelta(days=days))
    done_by_user = _completed(published, [user.id for user, _ in candidates])
    sent = 0
    for user, last in candidates:
        if not course_access(user).has_course:
            continue  # control arm in the trial, workshop arm, no consent or allocation
        left = total - len(done_by_user.get(user.id, set()))
        if left <= 0:
            continue
        recorded = db.session.execute(
            insert_ignoring_conflicts(
                Nudge,
                conflict=["user_id", "inactive_since"],
                values={"user_id": user.id, "inactive_since": last, "sent_at": now},
            ).returning(Nudge.id)
        ).first()
        if recorded is None:
            continue  # another run reminded them for this spell a moment ago
        queue_mail(
            user,
            _l("Your course is waiting where you left off"),
            "course_nudge",
            name=user.name,
            course=published.spec.title or _l("the course"),
            days=(now - last).days,
            left=left,
            resume=external_url("learning.home"),
            settings=external_url("auth.account"),
            stop=external_url("learning.stop_nudges", token=opt_out_token(user.id)),
        )
        sent += 1
    db.session.flush()
    return sent


def _completed(published, user_ids: list[int]) -> dict[int, set[int]]:
    """Per learner named, the published modules they completed (module ids)."""
    ids = {m.module_id for m in published.modules}
    rows = db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.module_id)
        .where(ModuleProgress.completed_at.is_not(None))
        .where(ModuleProgress.user_id.in_(user_ids))
    )
    done: dict[int, set[int]] = {}
    for user_id, module_id in rows:
        if module_id in ids:
            done.setdefault(user_id, set()).add(module_id)
    return done
