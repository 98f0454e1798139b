"""the interface language each account chose (en or fr_CA; NULL follows the browser)

Revision ID: b2d4f6a8c0e1
Revises: a7c3e91b5d20
Create Date: 2026-12-04 16:00:00.000000

Added with a plain ALTER TABLE on both databases, so SQLite keeps the users table (and
its arm trigger) instead of rebuilding it.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e1'
down_revision = "a7c3e91b5d20"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "ALTER TABLE users ADD COLUMN locale VARCHAR(10) "
        "CONSTRAINT ck_users_locale CHECK (locale IN ('en', 'fr_CA'))"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_locale'), type_='check')
        batch_op.drop_column('locale')
