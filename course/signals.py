"""Domain events: facts one feature records and other features react to (blinker).

Each signal is sent by the one service that records the fact, after the fact is
flushed and inside the same transaction. Receivers live in the reacting feature's
``receivers.py``; they may write in that transaction (flush, never commit), and they do
nothing outside the database: e-mail goes through the outbox (``course.outbox``), which
sends only after the commit. So the feature that records a fact never imports the
features that react to it, and a rollback undoes the fact and every reaction together.

The sender is always the person the fact is about (a ``User``); the keyword arguments
are listed with each signal.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A module became complete. ``module``: its slug; ``revision_id``: the revision it was
#: completed on; ``at``: when (UTC). Sent by ``course.learning.completion.evaluate``.
module_completed = _signals.signal("module-completed")

#: A quiz attempt was graded. ``quiz``: the quiz slug (its module's slug); ``attempt_id``;
#: ``score`` (percent); ``passed``. Sent by ``course.assessments.services.submit_attempt``.
attempt_graded = _signals.signal("attempt-graded")

#: Attendance at a consultation session was recorded or changed. ``session_id``;
#: ``status`` (attended, no_show, excused). Sent by
#: ``course.consultations.attendance.record_attendance``.
attendance_recorded = _signals.signal("attendance-recorded")

#: A research consent decision was recorded. ``decision`` (accepted, declined,
#: withdrawn); ``version``. Sent by ``course.research.consent`` (``decide``, ``withdraw``
#: and ``seed_participant``, which may also record an allocation).
consent_changed = _signals.signal("consent-changed")

#: A therapist's arm was set by the allocation service, the only writer of the arm.
#: ``arm``; ``previous``; ``reason`` (None for a randomized slot). Sent by
#: ``course.research.allocation``.
allocation_made = _signals.signal("allocation-made")

#: A scenario run reached an ending. ``scenario``: its slug; ``run_id``; ``ending``: the
#: ending step's id. Sent by ``course.practice.scenarios.choose``.
scenario_finished = _signals.signal("scenario-finished")

#: A post was added to a discussion. ``post_id``; ``kind`` (question, discussion, reply);
#: ``subject`` (module or scenario) and ``slug``. Sent by
#: ``course.discussion.services.create_post``.
discussion_posted = _signals.signal("discussion-posted")

#: A drill response was rated by the therapist. ``drill_set``: its slug; ``item``; the
#: ``response_id``. Sent by ``course.practice.drills.rate``.
drill_rated = _signals.signal("drill-rated")
