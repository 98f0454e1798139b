"""one writer of the arm: allocations may be to open; users.arm follows the newest allocation

Revision ID: c41d7e2a9b10
Revises: 76a640d8f959
Create Date: 2026-12-03 16:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c41d7e2a9b10"
down_revision = "76a640d8f959"
branch_labels = None
depends_on = None

NEW_CHECK = "arm IN ('self_paced', 'workshop', 'control', 'open')"
OLD_CHECK = "arm IN ('self_paced', 'workshop', 'control')"

# The same statements course/research/models.py attaches for create_all.
SQLITE_TRIGGER = (
    "CREATE TRIGGER users_arm_follows_allocation BEFORE UPDATE OF arm ON users "
    "WHEN NEW.arm IS NOT NULL AND NEW.arm IS NOT OLD.arm AND NEW.arm IS NOT "
    "(SELECT arm FROM allocations WHERE user_id = NEW.id ORDER BY id DESC LIMIT 1) "
    "BEGIN SELECT RAISE(ABORT, 'users.arm changes only through an allocation'); END"
)
POSTGRESQL_TRIGGER = (
    "CREATE OR REPLACE FUNCTION users_arm_follows_allocation() RETURNS trigger AS $$ "
    "BEGIN IF NEW.arm IS NOT NULL AND NEW.arm IS DISTINCT FROM OLD.arm AND NEW.arm IS "
    "DISTINCT FROM (SELECT arm FROM allocations WHERE user_id = NEW.id ORDER BY id DESC "
    "LIMIT 1) THEN RAISE EXCEPTION 'users.arm changes only through an allocation'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER users_arm_follows_allocation BEFORE UPDATE OF arm ON users "
    "FOR EACH ROW EXECUTE FUNCTION users_arm_follows_allocation()",
)


def _sqlite_append_only():
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER allocations_no_{verb.lower()} BEFORE {verb} ON allocations "
            "BEGIN SELECT RAISE(ABORT, 'allocations is append-only'); END"
        )


def _set_check(check):
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_allocations_arm"), "allocations", type_="check")
        op.create_check_constraint("arm", "allocations", check)
        return
    # SQLite rebuilds the table to change a CHECK; its append-only triggers go with the old
    # table and are made again.
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS allocations_no_{verb}")
    with op.batch_alter_table("allocations", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_allocations_arm"), type_="check")
        batch.create_check_constraint("arm", check)
    _sqlite_append_only()


def upgrade():
    _set_check(NEW_CHECK)
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_TRIGGER:
            op.execute(statement)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS users_arm_follows_allocation ON users")
        op.execute("DROP FUNCTION IF EXISTS users_arm_follows_allocation()")
    else:
        op.execute("DROP TRIGGER IF EXISTS users_arm_follows_allocation")
    _set_check(OLD_CHECK)
