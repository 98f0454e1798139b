"""The long files' fast paths write the same bytes as the plain ones: rows read as the
driver's tuples on PostgreSQL (``stream_plain``), and watched video built up one segment
at a time (``add_interval``), against SQLAlchemy rows and a full merge per segment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.catalog.models import Module
from course.extensions import db
from course.learning.intervals import merge
from course.learning.models import ProgressEvent
from course.research.export import DirSink, run_export, xapi_families
from course.research.export import context as export_context
from course.research.export import learning as export_learning
from course.research.filters import Filters


def _segments(app, user, start) -> None:
    """Played segments out of order and overlapping, and pauses between them, with
    numbers that need rounding and text that needs no neutralising."""
    with app.app_context():
        revision = db.session.scalar(db.select(Module).where(Module.slug == "intro")).published
        key = revision.videos[0]["key"]
        moves = [(3.333, 6.2), (0.0, 1.125), (1.4, 3.0), (9.0, 9.6), (5.9, 9.05), (0.2, 0.4)]
        for n, (a, b) in enumerate(moves):
            for kind, end in (("played", b), ("pause", None)):
                db.session.add(
                    ProgressEvent(
                        user_id=user.id,
                        client_id=f"s{user.id}-{n}-{kind}",
                        module_revision_id=revision.id,
                        type=kind,
                        video_key=key,
                        position_from=a if kind == "played" else b,
                        position_to=end,
                        credited_to=end,
                        duration=10.0,
                        occurred_at=start + timedelta(seconds=30 + n),
                        received_at=start + timedelta(seconds=30 + n),
                    )
                )
        db.session.commit()


def _export(app, folder, filters: Filters) -> dict[str, bytes]:
    with app.app_context():
        run_export(filters, DirSink(folder), via="cli")
        db.session.rollback()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _merging_again(merged, start, end) -> None:
    merged[:] = merge([*map(tuple, merged), (start, end)])


@pytest.mark.parametrize("filters", [Filters(), Filters(arm="self_paced")], ids=["all", "arm"])
def test_the_fast_paths_write_the_same_bytes(
    app, make_user, seed_activity, course, tmp_path, filters, monkeypatch
):
    start = clock.now_utc() - timedelta(days=1)
    for n, arm in enumerate(("self_paced", "control", "self_paced")):
        user = make_user("therapist", arm=arm, email=f"t{n}@example.org")
        seed_activity(user, days_ago=2 + n)
        _segments(app, user, start - timedelta(hours=n))
    with clock.frozen(clock.now_utc()):
        fast = _export(app, tmp_path / "fast", filters)
        monkeypatch.setattr(export_learning, "stream_plain", export_context.stream)
        monkeypatch.setattr(xapi_families, "stream_plain", export_context.stream)
        monkeypatch.setattr(xapi_families, "add_interval", _merging_again)
        plain = _export(app, tmp_path / "plain", filters)
    assert fast.keys() == plain.keys()
    assert fast["events.csv"].count(b"\n") > 20
    assert b"played-segments" in fast["xapi.jsonl"]
    for name in fast:
        assert fast[name] == plain[name], name
