"""content translations: translated files rendered once, for the English text they translate;
search sections carry their language (PostgreSQL stems French sections as French)

Revision ID: 5e1f0a7c2b94
Revises: 91ce477054c7
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import course.dbtypes


# revision identifiers, used by Alembic.
revision = '5e1f0a7c2b94'
down_revision = '91ce477054c7'
branch_labels = None
depends_on = None


OLD_SEARCH = (
    "ALTER TABLE module_sections ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', heading), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX ix_module_sections_search ON module_sections USING gin (search)",
)
CONFIG = "CASE language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END"
NEW_SEARCH = (
    "ALTER TABLE module_sections ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, heading), 'A') || "
    f"setweight(to_tsvector({CONFIG}, body), 'B')) STORED",
    "CREATE INDEX ix_module_sections_search ON module_sections USING gin (search)",
)
DROP_SEARCH = (
    "DROP INDEX IF EXISTS ix_module_sections_search",
    "ALTER TABLE module_sections DROP COLUMN IF EXISTS search",
)


def upgrade():
    # A plain ADD COLUMN: rebuilding the table would drop SQLite's full-text triggers.
    op.add_column('module_sections', sa.Column('language', sa.String(length=5), server_default='en', nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROP_SEARCH + NEW_SEARCH:
            op.execute(statement)

    op.create_table('content_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('english_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('created_at', course.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('course', 'module', 'quiz', 'scenario', 'drills')", name=op.f('ck_content_translations_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translations')),
    sa.UniqueConstraint('kind', 'slug', 'language', 'english_hash', 'content_hash', name=op.f('uq_content_translations_kind'))
    )
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.create_index('ix_content_translations_lookup', ['kind', 'slug', 'language', 'english_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.drop_index('ix_content_translations_lookup')

    op.drop_table('content_translations')
    op.execute("DELETE FROM module_sections WHERE language <> 'en'")
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROP_SEARCH:
            op.execute(statement)
    op.execute("ALTER TABLE module_sections DROP COLUMN language")
    if op.get_bind().dialect.name == "postgresql":
        for statement in OLD_SEARCH:
            op.execute(statement)
