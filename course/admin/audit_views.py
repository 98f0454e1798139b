"""The audit log pages: entries in words, filters, pages, and the CSV download."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from flask import Response, flash, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_

from course import clock
from course.admin.forms import AuditFilterForm
from course.admin.views import PER_PAGE, bp
from course.audit import describe
from course.audit import services as audit
from course.audit.models import AuditEntry
from course.auth import services as accounts
from course.auth.models import User
from course.extensions import db
from course.research.export.context import write_csv
from course.web.access import roles
from course.web.dates import datetime_text

#: Rows fetched per round trip while the CSV streams.
CSV_CHUNK = 1000
CSV_HEADER = (
    "id",
    "at_utc",
    "action",
    "description",
    "actor_email",
    "actor_name",
    "target",
    "ip",
    "details",
)
#: What an action's name looks like (``auth.login``).
ACTION_NAME = re.compile(r"[a-z_]{1,30}\.[a-z_]{0,33}\Z")
#: Pages beyond this are refused as the last page (an offset a database integer holds).
MAX_PAGE = 100_000


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    id: int
    at: datetime
    when: str
    action: str
    label: str
    actor: str
    actor_id: int | None
    target: str
    target_text: str
    ip: str
    details: list


def _zone() -> str:
    return current_user.timezone


def _when(value: datetime) -> str:
    return datetime_text(value, "seconds", zone=_zone())


def _filters(form: AuditFilterForm) -> dict:
    """The search's keyword arguments from a valid form; ``actor_id`` -1 matches nobody."""
    form.action.choices = _action_choices(request.args.get("action"))
    filters: dict = {}
    if not form.validate():
        return filters
    filters["action"] = form.action.data or None
    filters["target"] = (form.target.data or "").strip() or None
    if form.actor.data:
        actor = db.session.scalar(
            db.select(User.id).where(
                or_(
                    User.email == accounts.normalize_email(form.actor.data),
                    User.study_id == form.actor.data.strip().upper(),
                )
            )
        )
        if actor is None:
            flash(_("No account matches that actor."), "error")
        filters["actor_id"] = actor if actor is not None else -1
    if form.since.data:
        filters["since"] = _local_midnight(form.since.data)
    if form.until.data:
        filters["until"] = _local_midnight(form.until.data + timedelta(days=1))
    return filters


def _local_midnight(day: date) -> datetime:
    """When ``day`` begins in the viewer's zone, as a UTC instant (zoneinfo applies the
    offset in force then, so a day across a clock change is still a whole day)."""
    start = datetime.combine(day, datetime.min.time(), ZoneInfo(_zone()))
    return start.astimezone(ZoneInfo("UTC"))


def _action_choices(asked: str | None) -> list[tuple[str, str]]:
    """Any action, each family, and each known action; an action the page does not know
    (a newer feature's) stays filterable by typing it into the address."""
    actions = dict(describe.ACTIONS)
    if asked and ACTION_NAME.match(asked) and not asked.endswith("."):
        actions.setdefault(asked, asked)
    choices = [("", _("Any action"))]
    choices += [(f"{k}.", _("All: %(kind)s", kind=describe.kind_label(k))) for k in describe.KINDS]
    choices += sorted(((name, describe.action_label(name)) for name in actions), key=lambda c: c[1])
    return choices


def _rows(entries: list[AuditEntry]) -> list[AuditRow]:
    ids = {e.actor_id for e in entries if e.actor_id}
    people = {}
    if ids:
        people = {
            u.id: f"{u.name} ({u.email})" if u.name else u.email
            for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))
        }
    return [
        AuditRow(
            id=e.id,
            at=e.at,
            when=_when(e.at),
            action=e.action,
            label=describe.action_label(e.action),
            actor=people.get(e.actor_id, "") if e.actor_id else "",
            actor_id=e.actor_id,
            target=e.target or "",
            target_text=describe.target_label(e.target),
            ip=e.ip or "",
            details=describe.details(e.details, _when),
        )
        for e in entries
    ]


@bp.route("/audit")
@roles("admin")
def audit_log():
    """Read the audit log: each entry in words, filtered, a page at a time."""
    form = AuditFilterForm(request.args)
    filters = _filters(form)
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    page = db.paginate(
        audit.search(**filters),
        page=number,
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    status = 400 if form.errors else 200
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        entries=_rows(page.items),
        zone=_zone(),
    ), status


@bp.route("/audit.csv")
@roles("admin")
def audit_csv():
    """Download the filtered log as CSV, streamed; the download is itself logged."""
    form = AuditFilterForm(request.args)
    filters = _filters(form)
    if form.errors:
        return audit_log()
    audit.record(
        "admin.audit_exported",
        actor=current_user,
        target="audit_log",
        filters={k: _plain(v) for k, v in filters.items() if v is not None},
    )
    db.session.commit()
    query = (
        audit.search(**filters)
        .add_columns(User.email, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .execution_options(yield_per=CSV_CHUNK)
    )
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%SZ")
    response = Response(stream_with_context(_csv(query)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _plain(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value


def _csv(query) -> Iterator[str]:
    """The CSV a block of rows at a time, each cell neutralised against formulas."""
    rows = (
        (
            e.id,
            e.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            e.action,
            describe.action_words_en(e.action),
            email or "",
            name or "",
            e.target or "",
            e.ip or "",
            json.dumps(e.details or {}, sort_keys=True, default=str),
        )
        for e, email, name in db.session.execute(query)
    )
    header: tuple = CSV_HEADER
    while block := list(islice(rows, CSV_CHUNK)):
        out = io.StringIO()
        if header:
            write_csv(out, header, block)
        else:  # write_csv writes its first row as given: later blocks start with a data row
            write_csv(out, block[0], block[1:])
        header = ()
        yield out.getvalue()
    if header:  # no entries: the header alone
        out = io.StringIO()
        write_csv(out, header, [])
        yield out.getvalue()
