"""The course's certificate rule measured against one therapist, and their certificate's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import case, select

from course import clock
from course.catalog.models import Module
from course.certificates.models import Certificate
from course.extensions import db
from course.learning.models import ModuleProgress
from course.surveys.schedule import due_surveys, scheduled, submitted_surveys, title_of


@dataclass(frozen=True)
class Missing:
    """One thing still needed; survey and trigger are set when that survey is open now."""

    text: str
    survey: str | None = None
    trigger: str | None = None


@dataclass(frozen=True)
class CertificateStatus:
    """Where a therapist stands: missing, ready (to confirm the name), issued or revoked."""

    state: str
    missing: tuple[Missing, ...] = ()
    code: str | None = None
    holder_name: str | None = None
    course_title: str | None = None
    provider: str | None = None
    ce_hours: float | None = None
    completed_on: date | None = None
    issued_at: datetime | None = None
    revoked_at: datetime | None = None
    replaced: bool = False


def certificate_rule_status(user, course_view) -> list[Missing]:
    """What the therapist must still do for the certificate; empty once the rule is met."""
    if not course_view.modules:
        return [Missing(_("The course has not been published yet."))]
    rule = course_view.spec.certificate
    missing = [
        Missing(_("Complete the module “%(title)s”.", title=title))
        for title in course_view.incomplete(rule.modules)
    ]
    done = submitted_surveys(user.id)  # always: one query, shared with the surveys partial
    required = [name for name in rule.surveys if name not in done]
    if not required:
        return missing
    due = {d.survey: d for d in due_surveys(user, course_view)}
    entries = {e.survey: e for e in reversed(scheduled(course_view.spec))}
    titles = {m.slug: m.title for m in course_view.modules}
    for name in required:
        title = title_of(name)
        if name in due:
            if due[name].status == "draft":
                text = _("Finish the survey “%(title)s”.", title=title)
            else:
                text = _("Answer the survey “%(title)s”.", title=title)
            missing.append(Missing(text, name, due[name].trigger))
        elif name in entries:
            opens = entries[name].opens(titles)
            missing.append(
                Missing(
                    _("Answer the survey “%(title)s”: it opens %(when)s.", title=title, when=opens)
                )
            )
        else:
            missing.append(
                Missing(
                    _(
                        "Answer the survey “%(title)s”. It is not scheduled yet; "
                        "please contact the course team.",
                        title=title,
                    )
                )
            )
    return missing


def completion_date(user, course_view) -> date:
    """The day (in the therapist's zone) the last requirement of the rule was met."""
    rule = course_view.spec.certificate
    wanted = rule.modules
    slugs = [m.slug for m in course_view.modules] if wanted == "all" else list(wanted)
    moments = list(
        db.session.scalars(
            select(ModuleProgress.completed_at)
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(
                ModuleProgress.user_id == user.id,
                Module.slug.in_(slugs),
                ModuleProgress.completed_at.is_not(None),
            )
        )
    )
    submitted = submitted_surveys(user.id)
    moments += [submitted[name] for name in rule.surveys if name in submitted]
    latest = max(moments, default=clock.now_utc())
    return clock.local(latest, user.timezone).date()


def latest_certificate(user_id: int) -> Certificate | None:
    """The therapist's valid certificate, else their most recent revoked one."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user_id)
        .order_by(case((Certificate.revoked_at.is_(None), 0), else_=1), Certificate.id.desc())
        .limit(1)
    )


def certificate_status(user, course_view) -> CertificateStatus:
    """The therapist's certificate state for the home and certificate pages (plain values)."""
    cert = latest_certificate(user.id)
    if cert is None:
        missing = tuple(certificate_rule_status(user, course_view))
        return CertificateStatus("missing" if missing else "ready", missing)
    return CertificateStatus(
        "issued" if cert.valid else "revoked",
        code=cert.code,
        holder_name=cert.holder_name,
        course_title=cert.course_title,
        provider=cert.provider,
        ce_hours=cert.ce_hours,
        completed_on=cert.completed_on,
        issued_at=cert.issued_at,
        revoked_at=cert.revoked_at,
        replaced=cert.replaced_by_id is not None,
    )
