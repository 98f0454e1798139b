"""Forms for scheduling, changing and cancelling sessions, and workshop days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from course.auth.forms import choices, timezone_choices
from course.consultations.scheduling import MAX_CAPACITY, MAX_SESSIONS, Plan

REPEATS = [
    ("7", _l("Every week")),
    ("14", _l("Every two weeks")),
    ("21", _l("Every three weeks")),
    ("28", _l("Every four weeks")),
]
OCCURRENCES = [
    ("first", _l("The first time (before the clocks go back)")),
    ("second", _l("The second time (after the clocks go back)")),
]
SCOPES = [
    ("one", _l("This session only")),
    ("rest", _l("This session and the later ones in the series")),
]


class SessionFields(FlaskForm):
    """What every session form asks: when, how many, where."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    timezone = SelectField(
        _l("Time zone of these times"),
        description=_l("The session keeps this zone's wall-clock time."),
    )
    start_date = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    start_time = TimeField(
        _l("Starts at"), validators=[InputRequired(message=_l("Give the start time."))]
    )
    end_time = TimeField(
        _l("Ends at"), validators=[InputRequired(message=_l("Give the end time."))]
    )
    capacity = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(message=_l("Give the number of seats.")),
            NumberRange(
                1,
                MAX_CAPACITY,
                _l("Capacity must be between 1 and %(max)s seats.", max=MAX_CAPACITY),
            ),
        ],
    )
    meeting_url = StringField(
        _l("Meeting link"),
        description=_l("The https:// link on the secure video platform."),
        validators=[DataRequired(message=_l("Give the meeting link.")), Length(max=500)],
    )
    notes = TextAreaField(_l("Notes for the therapists"), validators=[Optional(), Length(max=5000)])
    occurrence = RadioField(
        _l("If the time happens twice"),
        description=_l("Only on the night the clocks go back, when an hour repeats."),
        choices=choices(OCCURRENCES),
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()

    def keep_zone(self, zone: str | None) -> None:
        """Offer a stored zone too, even a legacy alias the list leaves out."""
        self.timezone.choices = timezone_choices(keep=zone)

    def plan(self) -> Plan:
        """The typed values as a plan for the services."""
        return Plan(
            title=self.title.data or "",
            day=self.start_date.data,
            start=self.start_time.data,
            end=self.end_time.data,
            timezone=self.timezone.data,
            capacity=self.capacity.data,
            meeting_url=self.meeting_url.data or "",
            notes=self.notes.data or "",
            fold={"first": 0, "second": 1}.get(self.occurrence.data or ""),
        )

    @property
    def asks_occurrence(self) -> bool:
        """Show the "happens twice" choice: only when it was needed or already made."""
        return bool(self.occurrence.errors or self.occurrence.data)


def _trainer_choices(trainers, blank: str | None = None):
    pairs = [("", blank)] if blank else []
    return choices(pairs + [(str(t.id), t.name) for t in trainers])


class SlotForm(SessionFields):
    """An individual consultation slot."""

    trainer = SelectField(_l("Trainer"))


class SeriesForm(SessionFields):
    """A recurring group series."""

    trainer = SelectField(_l("Lead trainer"))
    co_trainer = SelectField(_l("Co-facilitating trainer"), validators=[Optional()])
    interval_days = SelectField(_l("Repeats"), choices=choices(REPEATS), default="14")
    count = IntegerField(
        _l("Number of sessions"),
        default=10,
        validators=[
            InputRequired(message=_l("Give the number of sessions.")),
            NumberRange(
                1, MAX_SESSIONS, _l("A series has 1 to %(max)s sessions.", max=MAX_SESSIONS)
            ),
        ],
    )


def with_trainers(form, trainers):
    """Fill the trainer selects of a slot or series form."""
    form.trainer.choices = _trainer_choices(trainers)
    if hasattr(form, "co_trainer"):
        form.co_trainer.choices = _trainer_choices(trainers, _l("No co-facilitator"))
    return form


class ChangeForm(SessionFields):
    """Change a session, or the rest of its series."""

    scope = RadioField(_l("Apply the change to"), choices=choices(SCOPES), default="one")


class CancelForm(FlaskForm):
    """Cancel a session, or the rest of its series."""

    scope = RadioField(_l("Cancel"), choices=choices(SCOPES), default="one")
    message = TextAreaField(
        _l("Message to the booked therapists (optional)"),
        validators=[Optional(), Length(max=2000)],
    )


class WorkshopDayForm(FlaskForm):
    """A workshop day."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
