"""Migrations build exactly the schema the models describe."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from course import create_app
from course.catalog.search_index import include_name
from course.extensions import db


@contextmanager
def _empty_database(settings, tmp_path, pg_url):
    """An app on an empty database of its own (a SQLite file, or a PostgreSQL schema)."""
    if not pg_url:
        overrides, pg = {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.db'}"}, None
    else:
        schema = f"mig_{tmp_path.name[-20:].lower().replace('-', '_')}"
        pg = sa.create_engine(pg_url)
        with pg.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        overrides = {**settings, "SQLALCHEMY_ENGINE_OPTIONS": options}
    app = create_app(overrides)
    try:
        with app.app_context():
            yield app
            db.engine.dispose()
    finally:
        if pg is not None:
            with pg.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            pg.dispose()


def test_upgrade_matches_the_models_and_downgrades_cleanly(settings, tmp_path, pg_url):
    with _empty_database(settings, tmp_path, pg_url):
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": include_name})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}


def _triggers(conn) -> set[str]:
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema()"
            )
        )
    else:
        rows = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return {row[0] for row in rows}


def test_upgrade_makes_every_trigger_the_models_make(settings, tmp_path, pg_url):
    """A table rebuilt by a migration loses its triggers unless the migration remakes them."""
    found = []
    for build in ("migrations", "models"):
        folder = tmp_path / build
        folder.mkdir()
        with _empty_database(settings, folder, pg_url):
            upgrade() if build == "migrations" else db.create_all()
            with db.engine.connect() as conn:
                found.append(_triggers(conn))
    migrated, modelled = found
    assert "users_arm_follows_allocation" in modelled
    assert migrated == modelled
