"""transcript reading can count in place of watching a video

Revision ID: 7a3c5e9d2f41
Revises: d115564f07a0
Create Date: 2026-12-03 18:50:00.000000

progress_events may be of type 'transcript' (active seconds with a video's transcript
open), credited against a third learner clock (learner_clocks.transcript_until) and
flagged as integrity_events of kind 'transcript'; video_progress keeps the credited
transcript seconds, and module_progress how the video criterion was met.
"""
from alembic import op
import sqlalchemy as sa
import course.dbtypes


# revision identifiers, used by Alembic.
revision = '7a3c5e9d2f41'
down_revision = 'd115564f07a0'
branch_labels = None
depends_on = None

TYPES_OLD = "type IN ('active', 'play', 'pause', 'seek', 'played', 'ended')"
TYPES_NEW = "type IN ('active', 'play', 'pause', 'seek', 'played', 'ended', 'transcript')"
KINDS_OLD = "kind IN ('active', 'video')"
KINDS_NEW = "kind IN ('active', 'video', 'transcript')"
MET_BY = "video_met_by IN ('video', 'transcript', 'mixed')"


def _set_check(table, name, check):
    # SQLite changes a CHECK by rebuilding the table (these tables have no triggers).
    with op.batch_alter_table(table, recreate="auto") as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch.create_check_constraint(name, check)


def upgrade():
    _set_check("progress_events", "type", TYPES_NEW)
    _set_check("integrity_events", "kind", KINDS_NEW)
    with op.batch_alter_table("video_progress") as batch:
        batch.add_column(
            sa.Column("transcript_seconds", sa.Float(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("module_progress") as batch:
        batch.add_column(sa.Column("video_met_by", sa.String(length=10), nullable=True))
        batch.create_check_constraint("video_met_by", MET_BY)
    with op.batch_alter_table("learner_clocks") as batch:
        batch.add_column(
            sa.Column("transcript_until", course.dbtypes.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE learner_clocks SET transcript_until = video_until")
    with op.batch_alter_table("learner_clocks") as batch:
        batch.alter_column(
            "transcript_until",
            existing_type=course.dbtypes.UTCDateTime(timezone=True),
            nullable=False,
        )
    with op.batch_alter_table("video_progress") as batch:
        batch.alter_column("transcript_seconds", existing_type=sa.Float(), server_default=None)


def downgrade():
    # Transcript events and flags have no place in the older schema: they are dropped.
    op.execute("DELETE FROM progress_events WHERE type = 'transcript'")
    op.execute("DELETE FROM integrity_events WHERE kind = 'transcript'")
    with op.batch_alter_table("learner_clocks") as batch:
        batch.drop_column("transcript_until")
    with op.batch_alter_table("module_progress") as batch:
        batch.drop_constraint(op.f("ck_module_progress_video_met_by"), type_="check")
        batch.drop_column("video_met_by")
    with op.batch_alter_table("video_progress") as batch:
        batch.drop_column("transcript_seconds")
    _set_check("integrity_events", "kind", KINDS_OLD)
    _set_check("progress_events", "type", TYPES_OLD)
