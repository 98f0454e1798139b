"""Removing the demo trial: every row it made, across tables, in one transaction.

The demo's rows are found from its accounts (addresses at ``demo.example.org``): every row
that refers to one of them, then every row that refers to those, following the foreign
keys down; plus its invitations and e-mails (by address), the audit entries about its
accounts and invitations, the allocation blocks only its recruits were drawn from, and
the discussions only its posts are in.

Consent records, consent copies, allocations, allocation blocks and the audit log are
append-only: their triggers refuse DELETE. Removal is the one documented exception. It
runs only from the operator's command line (``flask --app app demo remove``), deletes
only demo rows, and lifts each DELETE guard inside the same transaction that puts it
back (PostgreSQL: ``ALTER TABLE ... DISABLE/ENABLE TRIGGER``, transactional; SQLite:
``DROP TRIGGER`` then the same ``CREATE TRIGGER`` from ``sqlite_master``), so no other
session ever sees the guard lifted and a failure leaves the guard and the data as they
were. The removal itself is written to the audit log with what it deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, delete, false, or_, select, text

from course.audit.models import AuditEntry
from course.audit.services import record
from course.auth.models import Invitation, User
from course.demo.marker import demo_like, demo_user_ids
from course.discussion.models import Discussion, Post
from course.extensions import db
from course.mail.models import OutboxMessage
from course.research import aggregates
from course.research.models import Allocation, AllocationBlock

#: Tables whose triggers refuse DELETE (course.research.models, course.audit.models).
GUARDED = ("consent_records", "consent_copies", "allocation_blocks", "allocations", "audit_log")


def _extra(table: Table, ids: list[int], found: dict[str, set]):
    """Demo rows a foreign key does not reach."""
    name = table.name
    if name == Invitation.__tablename__:
        return Invitation.email.like(demo_like())
    if name == OutboxMessage.__tablename__:
        return OutboxMessage.to_address.like(demo_like())
    if name == AuditEntry.__tablename__:
        targets = [f"user:{i}" for i in ids]
        targets += [f"invitation:{i}" for i in found.get("invitations", ())]
        return AuditEntry.target.in_(targets) if targets else false()
    return None


def _emptied(ids: list[int], found: dict[str, set]) -> list[tuple[Table, object]]:
    """Parents only the demo used, read now (their children go first): the allocation
    blocks only demo recruits were drawn from, and discussions only demo posts are in."""
    demo = select(Allocation.block_id).where(Allocation.user_id.in_(ids))
    other = select(Allocation.block_id).where(
        Allocation.user_id.not_in(ids), Allocation.block_id.is_not(None)
    )
    blocks = set(
        db.session.scalars(
            select(AllocationBlock.id).where(
                AllocationBlock.id.in_(demo), AllocationBlock.id.not_in(other)
            )
        )
    )
    posts = found.get(Post.__tablename__, set())
    used = select(Post.discussion_id).where(Post.id.in_(posts))
    kept = select(Post.discussion_id).where(Post.id.not_in(posts))
    threads = set(
        db.session.scalars(
            select(Discussion.id).where(
                Discussion.id.in_(used),
                Discussion.id.not_in(kept),
                Discussion.post_first.is_(False),
            )
        )
    )
    return [
        (AllocationBlock.__table__, AllocationBlock.id.in_(blocks)),
        (Discussion.__table__, Discussion.id.in_(threads)),
    ]


def _conditions(ids: list[int]) -> list[tuple[Table, object]]:
    """Each table's condition for its demo rows, parents before children."""
    found: dict[str, set] = {User.__tablename__: set(ids)}
    plan = []
    for table in db.metadata.sorted_tables:
        if table.name == User.__tablename__:
            plan.append((table, table.c.id.in_(ids)))
            continue
        pk = list(table.primary_key.columns)
        while True:  # a table may refer to itself (a reply to a post)
            clauses = [
                fk.parent.in_(found[fk.column.table.name])
                for fk in table.foreign_keys
                if found.get(fk.column.table.name)
            ]
            if (extra := _extra(table, ids, found)) is not None:
                clauses.append(extra)
            condition = or_(*clauses) if clauses else None
            if condition is None or len(pk) != 1:
                break
            rows = set(db.session.scalars(select(pk[0]).where(condition)))
            if rows <= found.get(table.name, set()):
                break
            found[table.name] = found.get(table.name, set()) | rows
        if condition is not None:
            plan.append((table, condition))
    return _emptied(ids, found) + plan


@contextmanager
def _deletes_allowed(tables: list[str]) -> Iterator[None]:
    """Lift the append-only DELETE guards on ``tables`` inside the current transaction."""
    engine = db.session.get_bind()
    if engine.dialect.name == "postgresql":
        for name in tables:
            db.session.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER {name}_append_only"))
        yield
        for name in tables:
            db.session.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER {name}_append_only"))
        return
    guards = [
        db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
            {"n": f"{name}_no_delete"},
        ).one()
        for name in tables
    ]
    for name, _sql in guards:
        db.session.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _name, sql in guards:
        db.session.execute(text(sql))


def remove_demo_trial(actor=None) -> dict[str, int]:
    """Delete every demo row; returns rows deleted per table. Flushes; the caller commits."""
    ids = demo_user_ids()
    if not ids:
        return {}
    db.session.flush()
    aggregates.forget(ids)  # the research tallies count their answers without naming them
    plan = _conditions(ids)
    counts: dict[str, int] = {}
    # The demo's e-mails go first: an ordinary data statement opens the transaction
    # before any guard is lifted (SQLite's driver begins one only at such a statement).
    mail = delete(OutboxMessage).where(OutboxMessage.to_address.like(demo_like()))
    if deleted := db.session.execute(mail).rowcount:
        counts[OutboxMessage.__tablename__] = deleted
    with _deletes_allowed([t.name for t, _c in plan if t.name in GUARDED]):
        for table, condition in reversed(plan):
            deleted = db.session.execute(delete(table).where(condition)).rowcount
            if deleted:
                counts[table.name] = deleted
    db.session.expire_all()
    record("demo.removed", actor=actor, target="demo", deleted=counts)
    db.session.flush()
    return counts
