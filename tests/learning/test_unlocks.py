"""A notice when completing a module opens another: told once, shown on the home page."""

from __future__ import annotations

from types import SimpleNamespace

from course import clock, signals
from course.auth.models import User
from course.catalog import published_course
from course.extensions import db
from course.learning.models import ModuleUnlock
from course.learning.unlocks import KIND, opened_by
from course.notices.models import Notice


def _complete_intro(app, complete_modules, user, times: int = 1) -> None:
    """Record intro complete, then signal it ``times`` times, as evaluate() does."""
    complete_modules(user, "intro")
    with app.app_context():
        learner = db.session.get(User, user.id)
        revision = published_course().module("intro")
        for _ in range(times):
            signals.module_completed.send(
                learner, module="intro", revision_id=revision.id, at=clock.now_utc()
            )
        db.session.commit()


def test_completing_a_module_tells_the_learner_the_next_is_open(
    app, client, make_user, login, course, complete_modules
):
    user = make_user("therapist", arm="self_paced")
    _complete_intro(app, complete_modules, user)
    with app.app_context():
        notices = db.session.scalars(db.select(Notice).where(Notice.user_id == user.id)).all()
    assert [(n.kind, n.text, n.link) for n in notices] == [
        (KIND, "Module 2 is now open: The next step", "/learning/modules/next")
    ]
    login(user)
    home = client.get("/learning/").get_data(as_text=True)
    assert "New for you" in home
    assert '<a href="/learning/modules/next">Module 2 is now open: The next step</a>' in home
    # Seen once on the home page: it is read, and the next visit does not repeat it.
    assert "New for you" not in client.get("/learning/").get_data(as_text=True)
    assert "Module 2 is now open" in client.get("/notices/").get_data(as_text=True)


def test_a_completion_signalled_twice_tells_once(app, make_user, course, complete_modules):
    user = make_user("therapist", arm="self_paced")
    _complete_intro(app, complete_modules, user, times=2)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notice.id))) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleUnlock)) == 1


def test_an_unlock_rolled_back_is_not_told(app, make_user, course, complete_modules):
    user = make_user("therapist", arm="self_paced")
    complete_modules(user, "intro")
    with app.app_context():
        learner = db.session.get(User, user.id)
        signals.module_completed.send(learner, module="intro", revision_id=1, at=clock.now_utc())
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Notice.id))) == 0


def _module(slug, requires=()):
    return SimpleNamespace(slug=slug, requires=tuple(requires))


def test_a_module_opens_only_when_all_its_requirements_are_complete():
    published = SimpleNamespace(
        modules=(
            _module("a"),
            _module("b"),
            _module("c", ["a", "b"]),
            _module("d", ["a"]),
            _module("e"),
        )
    )
    assert [m.slug for m in opened_by(published, {"a"}, "a")] == ["d"]
    assert [m.slug for m in opened_by(published, {"a", "b"}, "b")] == ["c"]
    # Already complete itself, or not requiring the module just completed: not "opened".
    assert opened_by(published, {"a", "b", "c"}, "b") == []
    assert opened_by(published, {"e"}, "e") == []
