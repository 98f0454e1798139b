"""The course as one therapist sees it, built with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from course.catalog import PublishedCourse, published_course
from course.content import CourseSpec
from course.dbtypes import read_rows
from course.learning.completion import Checklist, checklist
from course.learning.criteria import needed, standings_for
from course.learning.models import ModuleProgress, VideoProgress
from course.web.i18n import shown_language


@dataclass(frozen=True)
class ModuleCard:
    """One module on the home page (plain values, no ORM objects)."""

    slug: str
    title: str
    order: int
    summary: str
    estimated_minutes: int
    status: str  # locked, available, in_progress, complete
    missing: tuple[str, ...]  # titles of required modules not yet complete
    checklist: Checklist
    revision_id: int
    last_activity_at: datetime | None

    @property
    def minutes_left(self) -> int:
        """Estimated minutes still needed."""
        return round(self.estimated_minutes * (100 - self.checklist.percent) / 100)


@dataclass(frozen=True)
class CourseView:
    """The whole course for one therapist."""

    title: str
    provider: str
    ce_hours: float
    spec: CourseSpec
    modules: tuple[ModuleCard, ...]

    @property
    def completed(self) -> int:
        """Modules complete."""
        return sum(1 for m in self.modules if m.status == "complete")

    @property
    def percent(self) -> int:
        """Course progress, 0-100, weighted by estimated minutes."""
        total = sum(m.estimated_minutes for m in self.modules) or 1
        done = sum(m.estimated_minutes * m.checklist.percent / 100 for m in self.modules)
        return int(100 * done / total)

    @property
    def minutes_left(self) -> int:
        """Estimated minutes left in the course."""
        return sum(m.minutes_left for m in self.modules)

    def card(self, slug: str) -> ModuleCard | None:
        """The card of one module."""
        return next((m for m in self.modules if m.slug == slug), None)

    @property
    def resume(self) -> ModuleCard | None:
        """Where to continue: the latest module touched and not complete, else the next open."""
        started = [m for m in self.modules if m.status == "in_progress" and m.last_activity_at]
        if started:
            return max(started, key=lambda m: m.last_activity_at)
        return next((m for m in self.modules if m.status == "available"), None)

    def incomplete(self, slugs) -> list[str]:
        """Titles of the named modules (or all, for "all") that are not complete."""
        wanted = [m.slug for m in self.modules] if slugs == "all" else list(slugs)
        by_slug = {m.slug: m for m in self.modules}
        return [
            by_slug[s].title for s in wanted if s in by_slug and by_slug[s].status != "complete"
        ]


# Statements are built once: building them per request cost more than running them.
# Plain rows rather than ORM objects: pages only read them.
_PROGRESS = select(
    ModuleProgress.module_id,
    ModuleProgress.active_seconds,
    ModuleProgress.completed_at,
    ModuleProgress.last_activity_at,
).where(ModuleProgress.user_id == bindparam("user_id"))
_VIDEOS = select(
    VideoProgress.module_revision_id,
    VideoProgress.video_key,
    VideoProgress.watched_seconds,
    VideoProgress.duration,
    VideoProgress.transcript_seconds,
).where(VideoProgress.user_id == bindparam("user_id"))
_VIDEOS_OF = _VIDEOS.where(VideoProgress.module_revision_id == bindparam("revision_id"))
_COMPLETED = select(ModuleProgress.module_id).where(
    ModuleProgress.user_id == bindparam("user_id"), ModuleProgress.completed_at.is_not(None)
)


def locked_by(user, published: PublishedCourse, slug: str) -> tuple[str, ...]:
    """The titles a module's card lists as missing while it is locked, or () when it is
    not locked: the rule of ``course_view`` (a complete module is never locked; a module
    waits for each required module not complete, published or not), from one query, and
    none for a module that requires nothing."""
    module = published.module(slug)
    if module is None or not module.requires:
        return ()
    done = {row.module_id for row in read_rows(_COMPLETED, {"user_id": user.id})}
    if module.module_id in done:
        return ()
    modules = {m.slug: m for m in published.modules}
    return tuple(
        modules[r].title if r in modules else r
        for r in module.requires
        if r not in modules or modules[r].module_id not in done
    )


def course_view(
    user, published: PublishedCourse | None = None, *, focus: str | None = None
) -> CourseView:
    """Every module's status, checklist and lock for ``user``: four queries in all.

    With ``focus`` (a module page), only that module's checklist is measured; the others
    carry their status and locks, which is all a module page shows of them.
    """
    # In the reader's language: a page's, or the one forced for a recipient's e-mail.
    published = published or published_course(shown_language())
    spec, revisions = published.spec, published.modules
    mine = {"user_id": user.id}
    progress = {p.module_id: p for p in read_rows(_PROGRESS, mine)}
    measured = [r for r in revisions if r.slug == focus] if focus else revisions
    if focus and measured:
        rows = read_rows(_VIDEOS_OF, {**mine, "revision_id": measured[0].id})
    else:
        rows = read_rows(_VIDEOS, mine)
    videos = {(v.module_revision_id, v.video_key): v for v in rows}
    standings = standings_for(user.id, measured)
    criteria = needed(measured)
    states = {}
    for rev in revisions:
        rev_videos = {key: v for (rid, key), v in videos.items() if rid == rev.id}
        if rev in measured:
            states[rev.slug] = checklist(rev, progress.get(rev.module_id), rev_videos, standings)
        else:
            done = progress.get(rev.module_id)
            states[rev.slug] = Checklist((), bool(done and done.completed_at))
    titles = {rev.slug: rev.title for rev in revisions}
    cards = []
    for rev in revisions:
        slug, mine = rev.slug, progress.get(rev.module_id)
        missing = tuple(
            titles.get(r, r) for r in rev.requires if not states.get(r, Checklist()).complete
        )
        if states[slug].complete:
            status = "complete"
        elif missing:
            status = "locked"
        elif mine is not None or (
            rev in measured and any(c.started(rev, standings[c.key]) for c in criteria)
        ):
            status = "in_progress"
        else:
            status = "available"
        cards.append(
            ModuleCard(
                slug,
                rev.title,
                rev.order,
                rev.summary,
                rev.estimated_minutes,
                status,
                missing,
                states[slug],
                rev.id,
                mine.last_activity_at if mine else None,
            )
        )
    return CourseView(
        spec.title or _("Your course"),
        spec.provider,
        spec.ce_hours,
        spec,
        tuple(cards),
    )
