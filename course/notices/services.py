"""Telling people things: a notice on the platform and an e-mail through the outbox.

Each notice is e-mailed once: at once, or in the daily digest for those who chose it
(``flask --app app notices digest`` from cron). Services flush, never commit.
"""

from __future__ import annotations

from flask_babel import ngettext
from sqlalchemy import func, select, update

from course import clock
from course.auth.models import User
from course.extensions import db
from course.mail import queue_mail
from course.notices.models import MODES, Notice, NoticeSetting
from course.web.i18n import writing_to
from course.web.links import external_url, site_path


def mode_of(user_id: int) -> str:
    """immediate (the default) or digest."""
    setting = db.session.get(NoticeSetting, user_id)
    return setting.mode if setting else "immediate"


def notify(user: User, kind: str, text, endpoint: str, **values) -> Notice:
    """Tell ``user``: a notice now, and an e-mail now or in their next digest.

    Give ``text`` lazily (``lazy_gettext`` with its values): it is written, and stored,
    in ``user``'s language (their account's, else English), not in the language of
    whoever caused it."""
    with writing_to(user):
        text = " ".join(str(text).split())[:300]
    notice = Notice(
        user_id=user.id,
        kind=kind,
        text=text,
        link=site_path(endpoint, **values),
        created_at=clock.now_utc(),
    )
    db.session.add(notice)
    db.session.flush()
    if mode_of(user.id) == "immediate":
        queue_mail(
            user,
            text[:120],
            "notice",
            name=user.name,
            notices=[notice],
            base=_base(),
            settings=external_url("notices.index"),
        )
        notice.emailed_at = clock.now_utc()
        db.session.flush()
    return notice


def _base() -> str:
    return external_url("home.index").removesuffix(site_path("home.index"))


def send_digests() -> int:
    """One e-mail per digest reader with the notices not yet e-mailed; returns how many."""
    waiting = db.session.execute(
        select(Notice, User)
        .join(User, User.id == Notice.user_id)
        .join(NoticeSetting, NoticeSetting.user_id == Notice.user_id)
        .where(NoticeSetting.mode == "digest", Notice.emailed_at.is_(None))
        .order_by(Notice.user_id, Notice.id)
    ).all()
    people: dict[int, User] = {}
    grouped: dict[int, list[Notice]] = {}
    for notice, user in waiting:
        people[user.id] = user
        grouped.setdefault(user.id, []).append(notice)
    now = clock.now_utc()
    for user_id, notices in grouped.items():
        user = people[user_id]
        with writing_to(user):
            subject = ngettext(
                "Your notice from the Alliance Training Platform",
                "Your %(num)d notices from the Alliance Training Platform",
                len(notices),
            )
        queue_mail(
            user,
            subject,
            "notice",
            name=user.name,
            notices=notices,
            base=_base(),
            settings=external_url("notices.index"),
        )
        for notice in notices:
            notice.emailed_at = now
    db.session.flush()
    return len(grouped)


def unread_count(user_id: int) -> int:
    """Notices the person has not opened yet."""
    return db.session.scalar(
        select(func.count(Notice.id)).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    )


def recent(user_id: int, limit: int = 100) -> list[Notice]:
    """The person's latest notices, newest first."""
    return list(
        db.session.scalars(
            select(Notice).where(Notice.user_id == user_id).order_by(Notice.id.desc()).limit(limit)
        )
    )


def mark_all_read(user_id: int) -> None:
    """Mark every notice of the person read; flushes."""
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=clock.now_utc())
        .execution_options(synchronize_session=False)
    )


def set_mode(user_id: int, mode: str) -> None:
    """Choose immediate e-mails or a daily digest; flushes."""
    if mode not in MODES:
        raise ValueError(mode)
    setting = db.session.get(NoticeSetting, user_id) or NoticeSetting(user_id=user_id)
    setting.mode, setting.updated_at = mode, clock.now_utc()
    db.session.add(setting)
    db.session.flush()


def unread_of_kind(user_id: int, kind: str, limit: int = 20) -> list[Notice]:
    """The person's unopened notices of one kind, oldest first."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.user_id == user_id, Notice.kind == kind, Notice.read_at.is_(None))
            .order_by(Notice.id)
            .limit(limit)
        )
    )


def mark_read(notice_ids: list[int]) -> None:
    """Mark these notices read (the person has seen them elsewhere on the site)."""
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(notice_ids), Notice.read_at.is_(None))
        .values(read_at=clock.now_utc())
        .execution_options(synchronize_session=False)
    )
