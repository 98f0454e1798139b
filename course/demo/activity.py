"""What demo participants and faculty do after randomization, through each feature's
services: modules and practice, discussions with faculty replies, feedback reviews, the
after-course survey, the workshop day, and a consultation group with attendance."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from random import Random

from sqlalchemy import select

from course import clock
from course.catalog import published_course
from course.consultations.attendance import Mark, record_attendance
from course.consultations.booking import join_series
from course.consultations.models import Booking, ConsultationSession
from course.consultations.scheduling import Plan, create_series
from course.consultations.workshop import create_day, record_workshop_attendance
from course.demo.learning import Session
from course.discussion.services import create_post, open_discussion
from course.extensions import db
from course.feedback.services import request_feedback, submit_review, to_review
from course.learning.overview import course_view
from course.surveys.services import due_surveys, open_survey, submit

#: Modules each self-paced participant completes, in order (cycled past six people).
MODULES_DONE = (6, 4, 2, 6, 0, 3, 1)
QUESTIONS = (
    (
        "When is it too early to name a tension?",
        "In a second session the client went quiet after I suggested homework. Is it too "
        "early in the relationship to say what I noticed, or is early better?",
    ),
    (
        "Metacommunication feels scripted",
        "When I try the tentative observation it comes out sounding rehearsed. Any advice on "
        "making it sound like me?",
    ),
    (
        "Confrontation from a client who is often late",
        "How do I own my part when the client is angry about something I think was "
        "reasonable, like starting on time?",
    ),
)
REPLIES = (
    "Early is usually better, said briefly and tentatively: it shows that the relationship "
    "itself can be talked about. Keep it to one sentence and invite, do not interpret.",
    "Most people sound rehearsed at first. Start from what you actually noticed, in your "
    "own words, and keep the wondering genuine; it gets easier with practice.",
    "Owning your part does not mean agreeing the rule was wrong. Acknowledge how it landed "
    "for them, then explore what the lateness and the anger are about.",
)
COMMENTS = (
    "You named what you noticed without blaming, and the invitation is open. Try slowing "
    "down the first sentence a little so it stays tentative.",
    "Good acknowledgement of your part. The invitation could be more specific to what the "
    "client just said.",
)


def complete_modules(session: Session, count: int, start: datetime, faculty) -> None:
    """Work through the first ``count`` modules, one every other day (none: a few minutes
    of the first, then nothing)."""
    course = published_course()
    for index, module in enumerate(course.modules[:count]):
        session.now = start + timedelta(days=2 * index, hours=session.rng.randint(0, 6))
        rule = module.completion or {}
        minutes = int(rule.get("min_seconds", 600)) // 60 + session.rng.randint(1, 4)
        session.read(module.slug, minutes)
        session.pass_quiz(module.slug)
        practice = rule.get("practice")
        if practice:
            ids = session.drills(practice["set"], int(practice.get("items", 1)))
            if index % 2 == 0:
                review(session, faculty, practice["set"], ids[0])
        if rule.get("scenario"):
            session.scenario(rule["scenario"])
    if count == 0 and course.modules:  # started, then stopped after a few minutes
        session.now = start
        session.read(course.modules[0].slug, session.rng.randint(3, 8), watch=False)


def review(session: Session, faculty, drill_set: str, response_id: int) -> None:
    """The therapist asks for feedback on a drill response; faculty review it a day later."""
    with clock.frozen(session.tick()):
        request = request_feedback(session.user, drill_set, response_id)
    with clock.frozen(session.now + timedelta(days=1)):
        item = to_review(faculty, request.id).item  # what the review page shows
        scores = {c["id"]: str(session.rng.randint(2, 5)) for c in item.get("criteria", ())}
        submit_review(faculty, request.id, scores, session.rng.choice(COMMENTS))


def ask_faculty(session: Session, faculty, number: int) -> None:
    """A question in the first module's discussion, answered by faculty the next day."""
    slug = published_course().modules[0].slug
    title, body = QUESTIONS[number % len(QUESTIONS)]
    with clock.frozen(session.tick()):
        _subject, discussion = open_discussion(session.user, "module", slug)
        post = create_post(session.user, discussion, kind="question", title=title, body=body)
    with clock.frozen(session.now + timedelta(hours=20)):
        _subject, discussion = open_discussion(faculty, "module", slug)
        create_post(
            faculty,
            discussion,
            kind="reply",
            body=REPLIES[number % len(REPLIES)],
            parent_id=post.id,
        )


def answer_survey(session: Session) -> int:
    """Submit every survey now due (the after-course one), a scale answer for each item."""
    submitted = 0
    with clock.frozen(session.tick(600)):
        for due in due_surveys(session.user, course_view(session.user)):
            page = open_survey(session.user, due.survey, due.trigger)
            answers = {}
            for instrument in page.instruments:
                low, high = (
                    (instrument.scale.min, instrument.scale.max) if instrument.scale else (1, 5)
                )
                for item in instrument.items:
                    if item.type == "text":
                        answers[item.id] = "The practice drills were the most useful part."
                    else:
                        answers[item.id] = session.rng.randint(max(low, high - 2), high)
            submit(session.user, page, answers)
            submitted += 1
    return submitted


def workshop_day(faculty, therapists: list, created: datetime, rng: Random) -> None:
    """A workshop day a few days after randomization; most of the arm attends."""
    with clock.frozen(created):
        day = create_day(
            faculty, "Alliance ruptures: live workshop", created.date() + timedelta(days=4)
        )
    attended = {u.id for u in therapists if rng.random() < 0.85}
    with clock.frozen(created + timedelta(days=5)):
        record_workshop_attendance(faculty, day.id, attended)


def consultation_group(faculty, therapists: list, created: datetime, rng: Random) -> None:
    """A fortnightly group: eligible therapists join, the first session's attendance is kept."""
    with clock.frozen(created):
        plan = Plan(
            title="Consultation group (demo)",
            day=created.date() + timedelta(days=2),
            start=time(17),
            end=time(18),
            timezone="America/Toronto",
            capacity=12,
            meeting_url="https://meet.example.org/alliance-demo-group",
            notes="Bring one moment of tension from your sessions to discuss.",
        )
        series = create_series(faculty, plan, faculty, None, 14, 2)
        for user in therapists:
            join_series(user, series.id)
    first = _first_session(series.id)
    with clock.frozen(first.ends_at + timedelta(hours=1)):
        bookings = select(Booking).where(Booking.session_id == first.id, Booking.status == "booked")
        marks = [
            Mark(b.id, rng.choice(("attended", "attended", "attended", "no_show")))
            for b in db.session.scalars(bookings)
        ]
        if marks:
            record_attendance(faculty, first.id, marks)


def _first_session(series_id: int) -> ConsultationSession:
    return db.session.scalar(
        select(ConsultationSession)
        .where(ConsultationSession.series_id == series_id)
        .order_by(ConsultationSession.starts_at)
        .limit(1)
    )
