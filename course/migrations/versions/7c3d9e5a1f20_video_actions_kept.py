"""video actions kept: plays, pauses, seeks and ends per learner and video, counted by
ingestion so the export's video file reads no raw log

Revision ID: 7c3d9e5a1f20
Revises: 5a7c2e9d1b40
Create Date: 2026-12-04 23:00:00

The counts of the events stored before this revision are filled in from the raw log, in
one grouped INSERT ... SELECT.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3d9e5a1f20"
down_revision = "5a7c2e9d1b40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "video_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_revision_id", sa.Integer(), nullable=False),
        sa.Column("video_key", sa.String(length=16), nullable=False),
        sa.Column("plays", sa.Integer(), nullable=False),
        sa.Column("pauses", sa.Integer(), nullable=False),
        sa.Column("seeks", sa.Integer(), nullable=False),
        sa.Column("ends", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "plays >= 0 AND pauses >= 0 AND seeks >= 0 AND ends >= 0",
            name=op.f("ck_video_actions_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["module_revision_id"],
            ["module_revisions.id"],
            name=op.f("fk_video_actions_module_revision_id_module_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_video_actions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_actions")),
        sa.UniqueConstraint(
            "user_id",
            "module_revision_id",
            "video_key",
            name=op.f("uq_video_actions_user_id"),
        ),
    )
    op.execute(
        "INSERT INTO video_actions "
        "(user_id, module_revision_id, video_key, plays, pauses, seeks, ends) "
        "SELECT user_id, module_revision_id, video_key, "
        "SUM(CASE WHEN type = 'play' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN type = 'pause' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN type = 'seek' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN type = 'ended' THEN 1 ELSE 0 END) "
        "FROM progress_events WHERE type IN ('play', 'pause', 'seek', 'ended') "
        "GROUP BY user_id, module_revision_id, video_key"
    )


def downgrade():
    op.drop_table("video_actions")
