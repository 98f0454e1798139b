"""research kept aggregates: participants, quiz standings, question tallies

Revision ID: 91ce477054c7
Revises: 0358538db4e3
Create Date: 2026-12-04 15:27:43.873598

The tables start empty: on a database that already holds data, run
``flask --app app research rebuild-aggregates`` once after upgrading (receivers keep
them up to date from then on).

"""
from alembic import op
import sqlalchemy as sa
import course.dbtypes


# revision identifiers, used by Alembic.
revision = '91ce477054c7'
down_revision = "0358538db4e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('research_participants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('arm', sa.String(length=20), nullable=False),
    sa.Column('consented_at', course.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consented_on', sa.Date(), nullable=True),
    sa.CheckConstraint("arm IN ('', 'self_paced', 'workshop', 'control', 'open')", name=op.f('ck_research_participants_arm')),
    sa.CheckConstraint("decision IN ('accepted', 'declined', 'withdrawn')", name=op.f('ck_research_participants_decision')),
    sa.CheckConstraint("NOT included OR decision = 'accepted'", name=op.f('ck_research_participants_included')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_research_participants_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_research_participants'))
    )
    with op.batch_alter_table('research_participants', schema=None) as batch_op:
        batch_op.create_index('ix_research_participants_included_arm', ['included', 'arm'], unique=False)

    op.create_table('research_question_tallies',
    sa.Column('arm', sa.String(length=20), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=100), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('fully_right', sa.Integer(), nullable=False),
    sa.CheckConstraint("arm IN ('', 'self_paced', 'workshop', 'control', 'open')", name=op.f('ck_research_question_tallies_arm')),
    sa.CheckConstraint('answered >= 0 AND fully_right >= 0 AND fully_right <= answered', name=op.f('ck_research_question_tallies_counts')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_research_question_tallies_quiz_id_quizzes')),
    sa.PrimaryKeyConstraint('arm', 'quiz_id', 'question', name=op.f('pk_research_question_tallies'))
    )
    op.create_table('research_quiz_standings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passes', sa.Integer(), nullable=False),
    sa.Column('best_score', sa.Float(), nullable=True),
    sa.CheckConstraint('attempts >= 1 AND passes >= 0 AND passes <= attempts', name=op.f('ck_research_quiz_standings_counts')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_research_quiz_standings_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_research_quiz_standings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'quiz_id', name=op.f('pk_research_quiz_standings'))
    )


def downgrade():
    op.drop_table('research_quiz_standings')
    op.drop_table('research_question_tallies')
    with op.batch_alter_table('research_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_research_participants_included_arm')

    op.drop_table('research_participants')
