"""consent copies: the participant's PDF copy of each acceptance (append-only)

Revision ID: 7c0e5a1f3b92
Revises: 7a3c5e9d2f41
Create Date: 2026-12-03 19:00:00.000000

"""

from alembic import op
import sqlalchemy as sa
import course.dbtypes


# revision identifiers, used by Alembic.
revision = "7c0e5a1f3b92"
down_revision = "7a3c5e9d2f41"
branch_labels = None
depends_on = None

TABLE = "consent_copies"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", course.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(text_sha256) = 64", name=op.f("ck_consent_copies_text_sha256")),
        sa.CheckConstraint("length(pdf_sha256) = 64", name=op.f("ck_consent_copies_pdf_sha256")),
        sa.ForeignKeyConstraint(
            ["consent_record_id"],
            ["consent_records.id"],
            name=op.f("fk_consent_copies_consent_record_id_consent_records"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consent_copies_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_copies")),
        sa.UniqueConstraint("consent_record_id", name=op.f("uq_consent_copies_consent_record_id")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_copies_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consent_copies_pdf_sha256"), ["pdf_sha256"], unique=False
        )
    # A copy is part of the trial's record, like the acceptance it belongs to: the
    # database refuses UPDATE and DELETE (the statements the model attaches for create_all).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_copies_pdf_sha256"))
        batch_op.drop_index(batch_op.f("ix_consent_copies_user_id"))
    op.drop_table(TABLE)
