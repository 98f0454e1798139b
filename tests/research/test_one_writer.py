"""The arm has one writer: the allocation service. Nothing else can change it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from course.auth.models import ArmWriteRefused, User
from course.extensions import db
from course.research.models import Allocation

COURSE = Path(__file__).resolve().parents[2] / "course"
WRITER = COURSE / "research" / "allocation.py"
CREATOR = COURSE / "auth" / "services.py"  # a new account's first arm, at creation


def _arm_writes(path: Path) -> list[str]:
    """Assignments to ``.arm``, ``arm=`` in UPDATE values, and uses of ``writing_arm``.

    A ``setattr`` with a computed name cannot be read statically; the model's own guard
    (``ArmWriteRefused``) and the database trigger catch those at run time, tested below.
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        leaf = node
        if (
            isinstance(leaf, ast.Attribute)
            and leaf.attr == "arm"
            and isinstance(leaf.ctx, ast.Store)
        ):
            found.append(f"{path.name}:{node.lineno} assigns .arm")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "values" and any(k.arg == "arm" for k in node.keywords):
                found.append(f"{path.name}:{node.lineno} UPDATE ... arm=")
            if name == "writing_arm":
                found.append(f"{path.name}:{node.lineno} opens writing_arm")
            if name == "setattr" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value == "arm":
                    found.append(f"{path.name}:{node.lineno} setattr writes the arm")
    return found


def test_no_code_but_the_allocation_service_writes_the_arm():
    offenders = []
    for path in sorted(COURSE.rglob("*.py")):
        if path == WRITER or "migrations" in path.parts:
            continue
        offenders += _arm_writes(path)
    assert offenders == []
    assert _arm_writes(WRITER), "the allocation service should be the one writer"


def test_the_scan_would_see_a_second_writer(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "def move(user, stmt, rows):\n    user.arm = 'control'\n    stmt.values(arm='open')\n"
        "    setattr(user, 'arm', 'x')\n    rows[user.arm] = 1\n"
    )
    assert len(_arm_writes(sneaky)) == 3  # a read of .arm as an index is not a write


def test_changing_the_arm_through_the_model_is_refused(app, make_user):
    person = make_user("therapist", arm="open")
    with app.app_context():
        user = db.session.get(User, person.id)
        with pytest.raises(ArmWriteRefused):
            user.arm = "workshop"


@pytest.mark.parametrize("arm", ["workshop", "open"])
def test_the_database_refuses_an_arm_that_no_allocation_gave(app, make_user, arm):
    person = make_user("therapist", arm="self_paced")  # holds a self_paced allocation
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="only through an allocation"):
            db.session.execute(
                sa.text("UPDATE users SET arm = :arm WHERE id = :id"),
                {"arm": arm, "id": person.id},
            )
        db.session.rollback()
        assert db.session.get(User, person.id).arm == "self_paced"


def test_the_database_accepts_the_arm_of_the_newest_allocation(app, make_user):
    person = make_user("therapist", arm="self_paced")
    with app.app_context():
        allocation = db.session.scalar(sa.select(Allocation).where(Allocation.user_id == person.id))
        db.session.add(
            Allocation(
                user_id=person.id,
                arm="control",
                stratum=allocation.stratum,
                at=allocation.at,
                override_reason="moved by hand in a test of the trigger",
            )
        )
        db.session.flush()
        db.session.execute(
            sa.text("UPDATE users SET arm = 'control' WHERE id = :id"), {"id": person.id}
        )
        db.session.commit()
        assert db.session.get(User, person.id).arm == "control"
