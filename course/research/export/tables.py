"""Every export CSV's columns, declared once (see ``schema.py``); writers take their header
from here, and the codebook, ``datapackage.json``, ``load.R`` and ``load.do`` are made
from the same declarations. ``docs/research.md`` describes the same columns for people.
"""

from __future__ import annotations

from course.consultations.models import (
    ATTENDANCE_VALUES,
    BOOKING_SOURCES,
    BOOKING_STATUSES,
    CANCEL_REASONS,
    KINDS,
    SESSION_STATUSES,
)
from course.content.drills import MARKERS
from course.learning.models import EVENT_TYPES
from course.practice.models import DIFFICULTIES, LEVELS
from course.research.consort import STAGES
from course.research.export.schema import (
    ARM_CODES,
    COURSE_ARMS_ONLY,
    NOT_YET,
    PERSON,
    Column,
    Missing,
    Registry,
    Table,
    arm,
    flag,
    integer,
    language,
    moment,
    num,
    seconds,
    study_id,
    text,
)


def _codes(values, labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    labels = labels or {}
    return tuple((v, labels.get(v, v.replace("_", " ").capitalize())) for v in values)


def _not_yet_unless(column: str, *values: str) -> tuple[Missing, ...]:
    """Empty: not yet due while ``column`` is one of ``values``, else not applicable."""
    return (Missing("not_yet_due", column, values), Missing("not_applicable"))


COUNT = {"minimum": 0}
REVISION = "The number of the content revision"
NOT_RECORDED = (Missing("not_recorded"),)
FREE_TEXT = (Missing("not_exported"),)

REGISTRY = Registry()
add = REGISTRY.add

add(Table("participants.csv", "participant (current state, whatever the date filters)", (
    study_id(), arm(),
    text("allocation", "How the arm was set", codes=_codes(("randomized", "manual"), {
        "randomized": "Randomized (permuted block)", "manual": "Set by an admin with a reason"}),
        missing=NOT_YET),
    text("stratum", "Randomization stratum (e.g. region and profession)", missing=NOT_YET),
    moment("registered_at", "Account created"),
    text("consent_version", "Consent version accepted"),
    moment("consented_at", "First acceptance of the current consent"),
    moment("allocated_at", "Allocated to the arm", missing=NOT_YET),
    integer("modules_started", "Modules opened", **COUNT),
    integer("modules_completed", "Modules completed", **COUNT),
    moment("course_completed_at", "Every published module completed", missing=COURSE_ARMS_ONLY),
    seconds("active_seconds", "Credited active seconds on module pages, all modules"),
    integer("quiz_attempts", "Quiz attempts, all quizzes", **COUNT),
    integer("quizzes_passed", "Quizzes passed", **COUNT),
    moment("last_activity_at", "Latest activity on a module page", missing=COURSE_ARMS_ONLY),
    integer("consultations_booked", "Consultation seats booked", **COUNT),
    integer("consultations_attended", "Consultation sessions attended", **COUNT),
    integer("surveys_submitted", "Survey responses submitted", **COUNT),
    moment("certificate_issued_at", "Certificate issued", missing=COURSE_ARMS_ONLY),
    flag("integrity_flag", "1 when any progress was cut (see integrity_log.csv)"),
    seconds("active_seconds_cut", "Active seconds claimed but not credited (transcript "
            "reading included)"),
    seconds("video_seconds_cut", "Video seconds claimed but not credited"),
    language("consent_language", "The language of the consent text accepted"),
), primary_key=("study_id",)))  # fmt: skip

add(Table("consort.csv", "CONSORT stage and arm", (
    text("stage", "CONSORT stage", codes=_codes(("declined", *STAGES)), required=True),
    text("arm", "Arm, or all before randomization", required=True,
         codes=(*ARM_CODES[:3], ("all", "All arms (before randomization)"))),
    integer("count", "Therapists at this stage", required=True, **COUNT),
), primary_key=("stage", "arm")))  # fmt: skip

add(Table("module_progress.csv", "participant and module opened", (
    study_id(), arm(),
    text("module", "The module's slug", required=True),
    integer("module_order", "The module's place in the course"),
    moment("started_at", "First opened"),
    moment("last_activity_at", "Latest activity on the module"),
    seconds("active_seconds", "Credited active seconds on the module"),
    flag("completed", "1 when the module is complete"),
    moment("completed_at", "Completed", missing=NOT_YET),
    integer("completed_revision", "The revision completed", missing=NOT_YET),
    text("video_met_by", "How the video criterion was met at completion",
         codes=_codes(("video", "transcript", "mixed"), {
             "video": "Every video watched", "transcript": "Every transcript read instead",
             "mixed": "Some each way"}),
         missing=_not_yet_unless("completed", "0")),
), primary_key=("study_id", "module"), foreign_keys=PERSON))  # fmt: skip

_SUBMITTED = (Missing("not_yet_due", "submitted_at", ("",)), Missing("not_recorded"))
add(Table("quiz_attempts.csv", "quiz attempt, submitted or still open", (
    integer("attempt_id", "The attempt's database id (the same in every export)", required=True),
    study_id(), arm(),
    text("quiz", "The quiz's slug"),
    integer("quiz_revision", REVISION, missing=NOT_RECORDED),
    integer("attempt_number", "The participant's attempt number at this quiz",
            missing=NOT_RECORDED),
    moment("started_at", "Started"),
    moment("submitted_at", "Submitted", missing=NOT_YET),
    seconds("duration_seconds", "From start to submission", missing=_SUBMITTED),
    integer("questions", "Questions shown", **COUNT),
    integer("correct", "Questions with full credit", missing=_SUBMITTED, **COUNT),
    num("score", "Score: 100 x points / questions", unit="percent", minimum=0, maximum=100,
        missing=_SUBMITTED),
    flag("passed", "1 when the attempt passed", missing=_SUBMITTED),
    num("points", "Sum of the item scores, 0 to questions", minimum=0, missing=_SUBMITTED),
    language("language", "The language of the quiz page: where it was answered once "
             "submitted, where it was shown while open"),
), primary_key=("attempt_id",), foreign_keys=PERSON))  # fmt: skip

add(Table("quiz_responses.csv", "answered question of a submitted attempt", (
    integer("attempt_id", "The attempt (quiz_attempts.csv)", required=True),
    study_id(), arm(),
    text("quiz", "The quiz's slug"),
    integer("quiz_revision", REVISION, missing=NOT_RECORDED),
    text("question_id", "The question's id in the quiz file"),
    integer("question_position", "Where the question was shown: 1, 2, 3...", required=True),
    text("chosen", "Option ids chosen, joined by |", empty_means="no option chosen"),
    flag("correct", "1 for full credit", missing=NOT_RECORDED),
    num("item_score", "Item score with partial credit", minimum=0, maximum=1,
        missing=NOT_RECORDED),
    language("language", "The language the attempt was answered in (quiz_attempts.csv)"),
), primary_key=("attempt_id", "question_position"),
   foreign_keys=(*PERSON, (("attempt_id",), "quiz_attempts.csv", ("attempt_id",)))))  # fmt: skip

add(Table("video_engagement.csv", "participant and video", (
    study_id(), arm(),
    text("module", "The module's slug"),
    integer("module_revision", REVISION),
    text("video_key", "The video's key in the module"),
    text("video_title", "The video's title", empty_means="the video has no title"),
    seconds("duration_seconds", "The video's length", missing=NOT_RECORDED),
    seconds("watched_seconds", "Distinct seconds watched"),
    num("watched_percent", "Share of the video watched", unit="percent", minimum=0,
        maximum=100, missing=NOT_RECORDED),
    text("watched_segments", "Watched intervals as start-end seconds joined by ;",
         empty_means="nothing watched"),
    integer("plays", "Play events", **COUNT),
    integer("pauses", "Pause events", **COUNT),
    integer("seeks", "Seek events", **COUNT),
    integer("ended", "Times the video played to its end", **COUNT),
    moment("updated_at", "Latest change"),
    seconds("transcript_seconds", "Credited active seconds with the video's transcript open"),
), foreign_keys=PERSON))  # fmt: skip

add(Table("consultations.csv", "booked consultation seat", (
    integer("booking_id", "The booking's database id", required=True),
    study_id(), arm(),
    integer("session_id", "The session's database id"),
    text("kind", "Kind of session", codes=_codes(KINDS)),
    integer("series_id", "The group series", missing=(Missing("not_applicable"),)),
    integer("session_number", "The session's number in its series",
            missing=(Missing("not_applicable"),)),
    moment("starts_at", "Session start"),
    moment("ends_at", "Session end"),
    seconds("duration_seconds", "Scheduled length"),
    text("session_status", "The session's status", codes=_codes(SESSION_STATUSES)),
    text("booking_source", "How the seat was taken", codes=_codes(BOOKING_SOURCES)),
    moment("booked_at", "Booked"),
    text("booking_status", "The booking's status", codes=_codes(BOOKING_STATUSES)),
    moment("cancelled_at", "Cancelled", missing=_not_yet_unless("booking_status", "booked")),
    text("cancel_reason", "Why the seat was cancelled", codes=_codes(CANCEL_REASONS),
         missing=_not_yet_unless("booking_status", "booked")),
    text("attendance", "Attendance as recorded by the trainer", codes=_codes(ATTENDANCE_VALUES),
         missing=(Missing("not_applicable", "booking_status", ("cancelled",)),
                  Missing("not_yet_due"))),
    moment("attendance_recorded_at", "Attendance recorded",
           missing=(Missing("not_applicable", "booking_status", ("cancelled",)),
                    Missing("not_yet_due"))),
), primary_key=("booking_id",), foreign_keys=PERSON))  # fmt: skip

add(Table("workshop_attendance.csv", "workshop day attended (workshop arm)", (
    study_id(), arm(),
    integer("workshop_day_id", "The workshop day's database id", required=True),
    Column("workshop_date", "date", "The workshop day"),
    moment("recorded_at", "Attendance recorded"),
), primary_key=("study_id", "workshop_day_id"), foreign_keys=PERSON))  # fmt: skip

add(Table("survey_responses.csv", "item answer or instrument score of a submitted response", (
    integer("response_id", "The survey response's database id", required=True),
    study_id(), arm(),
    text("survey", "The survey's name"),
    text("trigger", "What made it due (e.g. a module completed, a day after enrolment)"),
    moment("submitted_at", "Submitted"),
    text("instrument", "The instrument (AIM, IAM, FIM, SUS...)"),
    text("kind", "Item answer or instrument score", codes=_codes(("item", "score"))),
    text("variable", "The item's REDCap name, or <form>_score", required=True),
    text("value", "The choice's code (labels in data_dictionary.csv), the score, or free text",
         missing=(Missing("not_scored", "kind", ("score",)), Missing("not_recorded"))),
    text("rule", "The scoring rule of a score row",
         missing=(Missing("not_applicable", "kind", ("item",)), Missing("not_recorded"))),
    language("language", "The language of the survey page when it was submitted (the "
             "instrument's translation, or English where there is none; whether each French "
             "version is validated is said at <form>_language in redcap_import.csv)"),
), primary_key=("response_id", "variable"), foreign_keys=PERSON))  # fmt: skip

_ENDED = (Missing("not_yet_due", "ended", ("0",)), Missing("not_recorded"))
add(Table("scenario_choices.csv", "choice made in a scenario run", (
    study_id(), arm(),
    text("scenario", "The scenario's slug"),
    integer("run", "The run's number for this participant and scenario", minimum=1),
    integer("position", "The choice's place along the run's path", minimum=1),
    text("step", "The step's id"),
    text("choice", "The choice's id"),
    text("tags", "The choice's tags joined by ;", empty_means="the choice has no tags"),
    integer("points", "The choice's points"),
    integer("total_points", "The run's points after this choice"),
    flag("ended", "1 when this choice reached an ending"),
    text("ending", "The ending step reached", missing=_ENDED),
    moment("at", "When the choice was made"),
    integer("revision", REVISION, missing=NOT_RECORDED),
    text("revision_hash", "That revision's content hash (manifest.json)", missing=NOT_RECORDED),
    language("language", "The language of the scenario page the choice was made on"),
), primary_key=("study_id", "scenario", "run", "position"), foreign_keys=PERSON))  # fmt: skip


_RATED = (Missing("not_yet_due", "rated_at", ("",)), Missing("not_recorded"))
add(Table("drill_responses.csv", "drill response", (
    study_id(), arm(),
    text("drill_set", "The drill set's slug"),
    text("item", "The item's id"),
    text("level", "The item's level", codes=_codes(LEVELS)),
    integer("response_id", "The drill response's database id (feedback_reviews.csv names it)",
            required=True),
    text("kind", "The rupture kind", codes=_codes(tuple(MARKERS)),
         missing=NOT_RECORDED),
    text("marker", "The item's marker", missing=NOT_RECORDED),
    text("self_ratings", "Self-ratings as criterion=score pairs joined by ;", missing=_RATED),
    num("mean_self_rating", "Mean of the self-ratings", unit="score 1-5", minimum=1, maximum=5,
        missing=_RATED),
    text("difficulty", "How hard it felt", codes=_codes(DIFFICULTIES), missing=_RATED),
    integer("response_length", "The response's length", unit="characters", **COUNT),
    moment("responded_at", "Stored"),
    moment("rated_at", "Rated by the participant", missing=NOT_YET),
    integer("revision", REVISION, missing=NOT_RECORDED),
    text("revision_hash", "That revision's content hash (manifest.json)", missing=NOT_RECORDED),
    text("response_text", "What the participant typed (free text)", missing=FREE_TEXT),
    language("language", "The language of the drill page the response was written on"),
), primary_key=("response_id",), foreign_keys=PERSON))  # fmt: skip

_OWN = (Missing("not_yet_due"),)
add(Table("feedback_reviews.csv", "faculty review of a participant's drill response", (
    study_id("The therapist's study ID (whose response was reviewed)."), arm(),
    text("drill_set", "The drill set's slug"),
    text("item", "The item's id"),
    text("level", "The item's level", codes=_codes(LEVELS)),
    integer("response_id", "The drill response's database id", required=True),
    integer("rater_number", "First or second review", required=True,
            codes=(("1", "First review"), ("2", "Second rater's review"))),
    text("rater", "The rater as a code F1, F2... (never a name)", missing=NOT_RECORDED),
    text("scores", "The rater's scores as criterion=score pairs joined by ;"),
    num("mean_score", "Mean of the rater's scores", unit="score 1-5", minimum=1, maximum=5),
    text("self_ratings", "The therapist's own ratings of the response", missing=_OWN),
    num("mean_self_rating", "Mean of the therapist's own ratings", unit="score 1-5",
        minimum=1, maximum=5, missing=_OWN),
    moment("requested_at", "Feedback asked for"),
    moment("reviewed_at", "Review submitted"),
    text("comment", "What the rater wrote (free text)", missing=FREE_TEXT),
), primary_key=("response_id", "rater_number"), foreign_keys=PERSON))  # fmt: skip

_ANSWERED = (Missing("not_yet_due"),)
add(Table("discussion_participation.csv", "participant (current state)", (
    study_id(), arm(),
    integer("posts", "Posts written: questions, discussion posts and replies", **COUNT),
    integer("questions", "Questions", **COUNT),
    integer("discussion_posts", "Discussion posts", **COUNT),
    integer("replies", "Replies", **COUNT),
    integer("questions_answered", "Questions with an answer marked by faculty", **COUNT),
    num("median_hours_to_answer", "Median hours from a question to its marked answer",
        unit="hours", minimum=0, missing=_ANSWERED),
    num("mean_hours_to_answer", "Mean hours from a question to its marked answer",
        unit="hours", minimum=0, missing=_ANSWERED),
    moment("first_post_at", "First post", missing=_ANSWERED),
    moment("last_post_at", "Latest post", missing=_ANSWERED),
), primary_key=("study_id",), foreign_keys=PERSON))  # fmt: skip

_REPLY_ONLY = (Missing("not_applicable", "kind", ("question", "discussion")),)
_TEXT = (Missing("removed", "hidden", ("1",)), Missing("removed", "withdrawn", ("1",)),
         Missing("not_exported"))  # fmt: skip
add(Table("discussion_posts.csv", "post by a participant, or faculty reply to one", (
    integer("post_id", "The post's database id", required=True),
    integer("parent_id", "The post a reply replies to", missing=(Missing("not_applicable"),)),
    text("study_id", "The author's study ID, or faculty", required=True),
    text("arm", "The author's arm now", codes=ARM_CODES,
         missing=(Missing("not_applicable", "study_id", ("faculty",)), Missing("not_yet_due"))),
    text("kind", "Kind of post", codes=_codes(("question", "discussion", "reply"))),
    text("subject", "What the discussion is about", codes=_codes(("module", "scenario"))),
    text("slug", "The module's or scenario's slug"),
    moment("created_at", "Written"),
    flag("is_answer", "1 when faculty marked this reply as the answer", missing=_REPLY_ONLY),
    moment("answered_at", "When faculty first marked an answer to this question",
           missing=(Missing("not_yet_due", "kind", ("question",)), Missing("not_applicable"))),
    flag("withdrawn", "1 when its author withdrew it"),
    flag("hidden", "1 when faculty hid it"),
    integer("length", "The body's length as written (0 once withdrawn)", unit="characters",
            **COUNT),
    text("title", "The title (free text)", missing=(
        Missing("not_applicable", "kind", ("reply",)), *_TEXT)),
    text("body", "The post's Markdown (free text)", missing=_TEXT),
    language("language", "The language of the page it was written (or last edited) on"),
), primary_key=("post_id",)))  # fmt: skip

_VIDEO = (Missing("not_applicable"),)
add(Table("events.csv", "progress event (the long log)", (
    integer("event_id", "The event's database id", required=True),
    study_id(), arm(),
    text("module", "The module's slug"),
    integer("module_revision", REVISION),
    text("type", "The event", codes=_codes(EVENT_TYPES)),
    text("video_key", "The video's key", missing=_VIDEO),
    seconds("active_seconds", "Seconds claimed by an active or transcript event",
            missing=_VIDEO),
    num("position_from", "Video position where a segment or seek starts", unit="seconds",
        missing=_VIDEO),
    num("position_to", "Video position where it ends", unit="seconds", missing=_VIDEO),
    seconds("video_duration", "The video's length as the page reported it", missing=_VIDEO),
    moment("occurred_at", "When the page says it happened"),
    moment("received_at", "When the server received it"),
    seconds("credited_seconds", "Seconds credited (active and transcript events)",
            missing=_VIDEO),
    num("credited_to", "Where the credited part of a played segment ends", unit="seconds",
        missing=_VIDEO),
    language("language", "The language of the module page, as the page stated it"),
), primary_key=("event_id",), foreign_keys=PERSON))  # fmt: skip

add(Table("integrity_log.csv", "batch that claimed more than could be credited", (
    study_id(), arm(),
    text("module", "The module's slug"),
    integer("module_revision", REVISION),
    text("kind", "What was cut", codes=_codes(("active", "video", "transcript"))),
    seconds("claimed_seconds", "Seconds claimed"),
    seconds("credited_seconds", "Seconds credited"),
    integer("events", "Events in the batch", **COUNT),
    moment("first_event_at", "First event's time, as the page gave it"),
    moment("last_event_at", "Last event's time, as the page gave it"),
    moment("received_at", "When the server received the batch"),
), foreign_keys=PERSON))  # fmt: skip

_REDCAP_COLUMNS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
)  # fmt: skip
add(Table("data_dictionary.csv", "REDCap field (REDCap's own data dictionary format)", tuple(
    text(name, f"REDCap data dictionary column '{name}'", required=i == 0,
         empty_means="" if i == 0 else "not used by this field")
    for i, name in enumerate(_REDCAP_COLUMNS)
), primary_key=("Variable / Field Name",), loaded=False))  # fmt: skip

add(Table("codebook.csv", "column of a file in this export", (
    text("file", "The file", required=True),
    integer("position", "The column's place in the file: 1, 2, 3...", required=True, minimum=1),
    text("column", "The column's name", required=True),
    text("type", "Table Schema type", codes=_codes(("string", "integer", "number", "datetime",
                                                    "date"))),
    text("unit", "Unit", empty_means="no unit"),
    text("label", "Short label (the variable label in R and Stata)"),
    text("description", "What it means"),
    text("codes", "Allowed values as code=label joined by ' | '", empty_means="any value"),
    text("range", "Allowed range", empty_means="no range"),
    text("missing", "Why a cell may be empty, as reason [when column is value] joined by "
         "' ; ' (reasons in the README of missing values below)",
         empty_means="never empty, or empty is a value (see empty_means)"),
    text("empty_means", "What an empty cell means when it is a value, not missing",
         empty_means="an empty cell is missing"),
), primary_key=("file", "column"), loaded=False))  # fmt: skip

add(Table("missing_reasons.csv", "reason a cell may be empty", (
    text("reason", "The reason's code, as in codebook.csv's missing column", required=True),
    text("stata", "The extended missing value load.do gives a numeric cell", required=True),
    text("label", "What it means", required=True),
), primary_key=("reason",), loaded=False))  # fmt: skip
