"""quiz item scores (partial credit) and attempts given by trainers

Revision ID: a7c3e91b5d20
Revises: 7c0e5a1f3b92
Create Date: 2026-12-03 18:45:00.000000

Attempts graded before this keep their score; their ``points`` stay NULL and read as
1 for a question answered right and 0 otherwise, which is how they were graded.
"""
from alembic import op
import sqlalchemy as sa
import course.dbtypes


# revision identifiers, used by Alembic.
revision = 'a7c3e91b5d20'
down_revision = "7c0e5a1f3b92"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.JSON(), nullable=True))
    op.create_table('quiz_attempt_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', course.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_quiz_attempt_grants_reason')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_quiz_attempt_grants_granted_by_id_users')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_attempt_grants_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempt_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_grants'))
    )
    with op.batch_alter_table('quiz_attempt_grants', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempt_grants_user_quiz', ['user_id', 'quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_attempt_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempt_grants_user_quiz')
    op.drop_table('quiz_attempt_grants')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('points')
