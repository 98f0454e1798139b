"""language on learner records: the content language (en, fr) each event and response was
made in

Revision ID: 5a7c2e9d1b40
Revises: 5e1f0a7c2b94
Create Date: 2026-12-05 10:00:00

Rows stored before this revision were made in English (the only language served then):
the column's server default fills them with 'en'.

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5a7c2e9d1b40"
down_revision = '5e1f0a7c2b94'
branch_labels = None
depends_on = None

TABLES = (
    "progress_events",
    "quiz_attempts",
    "scenario_runs",
    "scenario_choices",
    "drill_responses",
    "survey_responses",
    "posts",
    "consent_records",
)
# course.web.i18n.LANGUAGE_CHECK when this revision was written.
CHECK = "language IN ('en', 'fr')"


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN language VARCHAR(8) DEFAULT 'en' NOT NULL, "
                f"ADD CONSTRAINT ck_{table}_language CHECK ({CHECK})"
            )
        else:
            # A column constraint, so SQLite adds it without rebuilding the table (a rebuild
            # would drop the append-only triggers of consent_records).
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN language VARCHAR(8) DEFAULT 'en' NOT NULL "
                f"CONSTRAINT ck_{table}_language CHECK ({CHECK})"
            )


def downgrade():
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN language")
