"""A demo therapist working through modules, as their pages would report it.

Everything goes through the services the pages call: event batches are validated by
``parse_batch`` and credited by ``record_events`` (so the plausibility rules hold: one
batch a minute, each claiming what a minute allows), quizzes are started and graded by
the assessments service, drills and scenarios by the practice services.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from werkzeug.datastructures import MultiDict

from course import clock
from course.assessments.services import quiz_context, start_attempt, submit_attempt
from course.learning.events import parse_batch
from course.learning.progress import published_videos
from course.learning.services import open_module, record_events
from course.practice.drills import next_item, open_set, rate, respond
from course.practice.scenarios import choose, open_run

#: A page reports at least every 15 s; one batch a minute of active time is plausible.
MINUTE = timedelta(seconds=60)
#: Video seconds one minute of wall-clock time can credit at 2x playback.
VIDEO_PER_MINUTE = 110.0
#: A placeholder video's length when the revision does not state one.
DEFAULT_VIDEO_SECONDS = 90.0
#: Own-words responses for the drills (at least 40 characters each).
DRILL_RESPONSES = (
    "I notice you answered quite quickly. I'm wondering what that was like for you, "
    "and whether something about my asking didn't sit right.",
    "I may have rushed us there. Could you tell me a little more about how that landed, "
    "including anything that felt off?",
    "It sounds like part of you is frustrated with how we've been working. I'd like to "
    "understand that better; what have I been missing?",
    "You're right that I cancelled at short notice, and I can see why that would matter. "
    "How has it been for you since?",
)


class Session:
    """One demo therapist's sitting: a clock that moves a minute per batch."""

    def __init__(self, user, start: datetime, rng: Random) -> None:
        self.user = user
        self.now = start
        self.rng = rng
        self._event = 0

    def tick(self, seconds: float = 60.0) -> datetime:
        """Let ``seconds`` of wall-clock time pass."""
        self.now += timedelta(seconds=seconds)
        return self.now

    def _id(self) -> str:
        self._event += 1
        return f"demo-{self.user.id}-{self._event:06d}"

    def _batch(self, slug: str, revision_id: int, events: list[dict]) -> None:
        with clock.frozen(self.tick()):
            payload = {"module": slug, "revision": revision_id, "events": events}
            batch = parse_batch(payload, videos_of=published_videos, now=self.now)
            record_events(self.user, batch)

    def read(self, slug: str, minutes: int, *, watch: bool = True) -> None:
        """Read a module for ``minutes`` (one batch a minute), playing its videos."""
        with clock.frozen(self.now):
            revision = open_module(self.user, slug).revision
        videos = [
            (v["key"], float(v.get("duration") or DEFAULT_VIDEO_SECONDS))
            for v in revision.videos
            if watch
        ]
        positions = {key: 0.0 for key, _ in videos}
        for _ in range(minutes):
            at = self.now + MINUTE
            stamp = at.isoformat().replace("+00:00", "Z")
            events = [{"id": self._id(), "type": "active", "at": stamp, "seconds": 60}]
            for key, duration in videos:
                start = positions[key]
                if start >= duration:
                    continue
                end = min(duration, start + VIDEO_PER_MINUTE)
                events.append(
                    {
                        "id": self._id(),
                        "type": "played",
                        "at": stamp,
                        "video": key,
                        "from": start,
                        "to": end,
                        "duration": duration,
                    }
                )
                positions[key] = end
            self._batch(slug, revision.id, events)

    def quiz(self, slug: str, knows: float) -> bool:
        """One graded attempt: each question right with probability ``knows``."""
        with clock.frozen(self.tick(30)):
            ctx = quiz_context(self.user, slug)
            attempt = start_attempt(self.user, ctx)
        form = MultiDict()
        # In the revision's order, not the attempt's shuffled one: the same seed then
        # gives the same answers on every seeding.
        for question in ctx.revision.questions:
            right = [o["id"] for o in question["options"] if o.get("correct")]
            wrong = [o["id"] for o in question["options"] if not o.get("correct")]
            knew = self.rng.random() < knows or not wrong
            for option in right if knew else [self.rng.choice(wrong)]:
                form.add(f"q-{question['id']}", option)
        with clock.frozen(self.tick(60 * self.rng.randint(4, 9))):
            return bool(submit_attempt(self.user, ctx, attempt.id, form).passed)

    def pass_quiz(self, slug: str) -> int:
        """Attempts until a pass (the last one knows everything); returns the attempts."""
        for number, knows in enumerate((self.rng.uniform(0.55, 0.95), 0.95, 1.0), start=1):
            if self.quiz(slug, knows):
                return number
        return 3

    def drills(self, slug: str, items: int) -> list[int]:
        """Answer and self-rate ``items`` drill items; returns the response ids."""
        made = []
        for _ in range(items):
            with clock.frozen(self.tick(90)):
                practice = open_set(self.user, slug)
                item = next_item(self.user, practice)
                text = self.rng.choice(DRILL_RESPONSES)
                response = respond(self.user, slug, item["id"], text)
            with clock.frozen(self.tick(30)):
                ratings = {c["id"]: str(self.rng.randint(2, 5)) for c in item["criteria"]}
                difficulty = self.rng.choice(("too_easy", "about_right", "about_right"))
                rate(self.user, slug, response.id, ratings, difficulty)
            made.append(response.id)
        return made

    def scenario(self, slug: str) -> None:
        """Play a scenario to an ending, choosing at random at each step."""
        with clock.frozen(self.tick()):
            view = open_run(self.user, slug)
        while not view.ended:
            choice = self.rng.choice(view.step["choices"])
            with clock.frozen(self.tick(45)):
                view = choose(self.user, slug, view.run.id, view.run.position + 1, choice["id"])
