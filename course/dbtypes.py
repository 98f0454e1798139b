"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from course.extensions import db


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use clock.now_utc()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_ignoring_conflicts(
    model, *, conflict: list[str], values: list[dict] | dict | None = None
):
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike. Without
    ``values``, the rows go as execute() parameters: one multi-row INSERT, compiled once
    whatever the number of rows."""
    statement = dialect_insert(model)
    statement = statement if values is None else statement.values(values)
    return statement.on_conflict_do_nothing(index_elements=conflict)


def dialect_insert(model):
    """The session's own dialect's INSERT for ``model``: SQLite's and PostgreSQL's both
    offer ``on_conflict_do_nothing`` and ``on_conflict_do_update`` (an upsert)."""
    dialect = db.session.get_bind(mapper=inspect(model)).dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def read_rows(statement, params: dict | None = None):
    """Run a plain read (a Core select of columns) on the session's connection.

    Same transaction as ``db.session.execute``, without the ORM's per-statement work:
    for the reads every page makes (progress, the catalog version), where that work cost
    as much as the query itself.
    """
    return db.session.connection().execute(statement, params or {})
