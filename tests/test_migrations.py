"""Migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from course import create_app
from course.extensions import db


def _empty_database(settings, tmp_path, pg_url):
    if not pg_url:
        return {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.db'}"}, None
    schema = f"mig_{tmp_path.name[-20:].lower().replace('-', '_')}"
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    return {**settings, "SQLALCHEMY_ENGINE_OPTIONS": options}, (engine, schema)


def test_upgrade_matches_the_models_and_downgrades_cleanly(settings, tmp_path, pg_url):
    overrides, pg = _empty_database(settings, tmp_path, pg_url)
    app = create_app(overrides)
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()


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
        overrides, pg = _empty_database(settings, folder, pg_url)
        app = create_app(overrides)
        try:
            with app.app_context():
                upgrade() if build == "migrations" else db.create_all()
                with db.engine.connect() as conn:
                    found.append(_triggers(conn))
                db.engine.dispose()
        finally:
            if pg:
                engine, schema = pg
                with engine.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                engine.dispose()
    migrated, modelled = found
    assert "users_arm_follows_allocation" in modelled
    assert migrated == modelled
