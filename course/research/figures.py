"""Turn the dashboard's numbers into charts, each with the table of the same numbers (shown
beside it on the page and downloadable as CSV)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from course.research import charts
from course.research.charts import Table
from course.research.dashboard import ACCEPTABILITY, Dashboard
from course.research.forms import ARM_NAMES
from course.research.models import TRIAL_ARMS
from course.web.dates import decimal_text, percent_text

SCALE_NAMES = {
    "aim": _l("Acceptability (AIM)"),
    "iam": _l("Appropriateness (IAM)"),
    "fim": _l("Feasibility (FIM)"),
}
#: The mark of a question whose wording may be confusing (the page highlights the cell).
FLAG = _l("check wording")
DASH = "\u2013"  # an en dash, for ranges


def pct(value: float | None) -> str:
    """A percentage as the tables show it, in the page's language."""
    return percent_text(value)


def _num(value: float, places: int = 1) -> str:
    """A number with ``places`` decimals, in the page's language."""
    return decimal_text(value, "0." + "0" * places)


def _arm(arm: str) -> str:
    return str(ARM_NAMES[arm])


#: Drill levels as the dashboard names them.
LEVELS = {
    "beginner": _l("beginner"),
    "intermediate": _l("intermediate"),
    "advanced": _l("advanced"),
}


def _level(level: str) -> str:
    return str(LEVELS.get(level, level))


def figures(
    board: Dashboard, flag_min: int = 10, link: Callable[[str], str] | None = None
) -> dict[str, charts.Chart]:
    """Every chart of the dashboard, by name. A question is flagged "check wording" when
    fewer than half answer it fully right over at least ``flag_min`` answers; ``link``
    gives a quiz's item-statistics address."""
    arms = [board.filters.arm] if board.filters.arm else list(TRIAL_ARMS)
    out = {
        "enrolment": _enrolment(board, arms),
        "funnel": charts.grouped_hbars(
            "funnel",
            _("Completion funnel: participants who started and completed each module"),
            [(t, ((_("started"), s), (_("completed"), c))) for t, s, c in board.funnel],
            axis=_("Participants"),
        ),
        "active": charts.boxes(
            "active",
            _("Active minutes per module"),
            board.active,
            _(" min"),
            _("Active minutes"),
        ),
        "videos": charts.hbars(
            "videos",
            _("Mean percent of each video watched"),
            [
                (t, mean, _("%(percent)s (n=%(n)s)", percent=pct(mean), n=n))
                for t, n, mean, _m, _d in board.videos
            ],
            maximum=100,
            axis=_("Mean percent watched"),
        ),
        "quizzes": charts.hbars(
            "quizzes",
            _("Pass rate per quiz"),
            [
                (title, r, _("%(percent)s of %(n)s", percent=pct(r), n=n))
                for _s, title, n, _p, r in board.quizzes
            ],
            maximum=100,
            axis=_("Percent of attempts passed"),
        ),
        "questions": charts.hbars(
            "questions",
            _("Percent answering each question correctly"),
            [
                (prompt, r, _("%(percent)s of %(n)s", percent=pct(r), n=n))
                for _s, _q, prompt, n, r in board.questions
            ],
            maximum=100,
            axis=_("Percent of answers fully correct"),
            lines=3,
        ),
        "scales": charts.hbars(
            "scales",
            _("Acceptability, appropriateness and feasibility: mean scores (1-5)"),
            [
                (
                    str(SCALE_NAMES[s]),
                    mean,
                    _("no responses")
                    if mean is None
                    else _("%(mean)s (n=%(n)s)", mean=_num(mean, 2), n=n),
                )
                for s, (n, mean, _b) in board.scales.items()
            ],
            maximum=5,
            axis=_("Mean score (1 = completely disagree, 5 = completely agree)"),
        ),
        "sus": _sus(board),
    }
    _tables(out, board, arms, flag_min, link)
    for scale in ACCEPTABILITY:
        if scale in board.scales:
            bins = board.scales[scale][2]
            heading = _("%(scale)s: respondents by rounded mean score", scale=SCALE_NAMES[scale])
            chart = out[f"dist-{scale}"] = charts.columns(
                f"dist-{scale}",
                heading,
                [(str(point), bins.get(point, 0)) for point in range(1, 6)],
                axis=_("Respondents"),
                x_axis=_("Rounded mean score (1-5)"),
            )
            chart.table = Table(
                heading,
                (_("Score"), _("Respondents")),
                [(str(point), bins.get(point, 0)) for point in range(1, 6)],
            )
    out.update(practice_figures(board))
    if board.attendance:
        out["attendance"] = _attendance(board, arms)
    return out


def _flagged(n: int, rate: float | None, flag_min: int) -> bool:
    return rate is not None and rate < 50 and n >= flag_min


def _enrolment(board: Dashboard, arms: list[str]) -> charts.Chart:
    chart = charts.lines(
        "enrolment",
        _("Consented participants over time (cumulative, by arm)"),
        [week.isoformat() for week, _c in board.enrolment],
        {_arm(a): [counts[a] for _w, counts in board.enrolment] for a in arms},
        _("Cumulative number of consented participants per week, one line per arm."),
        axis=_("Participants (cumulative)"),
        x_axis=_("Week starting (UTC)"),
    )
    chart.table = Table(
        _("Consented participants, cumulative, by week starting (UTC)"),
        (_("Week of"), *(_arm(a) for a in TRIAL_ARMS), _("Not yet allocated")),
        [
            (week.isoformat(), *(counts[a] for a in TRIAL_ARMS), counts["pending"])
            for week, counts in board.enrolment
        ],
    )
    return chart


def _sus(board: Dashboard) -> charts.Chart:
    bands = [
        (f"{b}{DASH}{b + 9 if b < 90 else 100}", board.sus[2].get(b, 0)) for b in range(0, 100, 10)
    ]
    chart = charts.columns(
        "sus",
        _("System Usability Scale scores (0-100), respondents per band"),
        bands,
        axis=_("Respondents"),
        x_axis=_("SUS score (bands of 10; the last includes 100)"),
        edges=[str(b) for b in range(0, 101, 10)],
    )
    mean = "—" if board.sus[1] is None else _num(board.sus[1])
    chart.table = Table(
        _(
            "SUS scores: %(n)s respondents, mean %(mean)s (68 is about average)",
            n=board.sus[0],
            mean=mean,
        ),
        (_("Score band"), _("Respondents")),
        bands,
    )
    return chart


def _attendance(board: Dashboard, arms: list[str]) -> charts.Chart:
    chart = charts.grouped_hbars(
        "attendance",
        _("Participants by consultation sessions attended, per arm"),
        [
            (
                ngettext("%(num)d session", "%(num)d sessions", n),
                [(_arm(a), board.attendance.get(a, {}).get(n, 0)) for a in arms],
            )
            for n in board.attendance_sessions
        ],
        axis=_("Participants"),
    )
    chart.table = Table(
        _("Participants by consultation sessions attended (among those with recorded attendance)"),
        (_("Sessions attended"), *(_arm(a) for a in arms)),
        [
            (n, *(board.attendance.get(a, {}).get(n, 0) for a in arms))
            for n in board.attendance_sessions
        ],
    )
    return chart


def _tables(out, board: Dashboard, arms, flag_min: int, link) -> None:
    """The tables of the module, video, quiz and acceptability charts."""
    out["funnel"].table = Table(
        _("Participants who started and completed each module"),
        (_("Module"), _("Started"), _("Completed"), _("Completed of started")),
        [(t, s, c, pct(100 * c / s if s else None)) for t, s, c in board.funnel],
    )
    out["active"].table = Table(
        _("Active minutes on each module page, among participants who opened it"),
        (
            _("Module"),
            "n",
            _("Median"),
            _("Quartiles (25%–75%)"),  # noqa: RUF001 - the en dash of a range
            _("Range"),
        ),
        [
            (
                t,
                s.n,
                _num(s.median),
                f"{_num(s.q1)}{DASH}{_num(s.q3)}",
                f"{_num(s.low)}{DASH}{_num(s.high)}",
            )
            if s
            else (t, 0, _("no data"), "", "")
            for t, s in board.active
        ],
    )
    out["videos"].table = Table(
        _("Percent of each video watched (unique seconds played)"),
        (_("Video"), _("Viewers"), _("Mean"), _("Median"), _("Watched 90% or more")),
        [(t, n, pct(mean), pct(med), most) for t, n, mean, med, most in board.videos],
    )
    out["quizzes"].table = Table(
        _("Submitted attempts and pass rate per quiz"),
        (_("Quiz"), _("Attempts"), _("Passed"), _("Pass rate")),
        [(title, n, ok, pct(r)) for _, title, n, ok, r in board.quizzes],
        [link(slug) if link else None for slug, *_ in board.quizzes],
    )
    titles = {slug: title for slug, title, *_ in board.quizzes}
    out["questions"].table = Table(
        _("Percent correct per question, over all submitted attempts"),
        (_("Question"), _("Quiz"), _("Answers"), _("Correct"), _("Flag")),
        [
            (prompt, titles.get(s, s), n, pct(r), str(FLAG) if _flagged(n, r, flag_min) else "")
            for s, _, prompt, n, r in board.questions
        ],
    )
    out["scales"].table = Table(
        _("AIM, IAM and FIM mean scores (1 = completely disagree, 5 = completely agree)"),
        (_("Measure"), _("Respondents"), _("Mean")),
        [
            (str(SCALE_NAMES[s]), n, "—" if mean is None else _num(mean, 2))
            for s, (n, mean, _b) in board.scales.items()
        ],
    )


def _with_totals(steps):
    """Each step's choices with the number of choices taken at that step."""
    return [(step, taken, sum(n for _, n in taken)) for step, taken in steps]


def practice_figures(board: Dashboard) -> dict[str, charts.Chart]:
    """Per scenario, endings reached and choices per step; drill items done by level."""
    out = {}
    for s in board.scenarios:
        endings = out[f"scenario-{s.slug}-endings"] = charts.hbars(
            f"scenario-{s.slug}-endings",
            _("%(title)s: participants who reached each ending", title=s.title),
            [
                (
                    title,
                    learners,
                    ngettext(
                        "%(learners)s (%(num)d run)",
                        "%(learners)s (%(num)d runs)",
                        runs,
                        learners=learners,
                    ),
                )
                for _s, title, learners, runs in s.endings
            ],
            description=_(
                "Bar chart: participants who reached each ending of %(title)s, "
                "with the number of runs that did.",
                title=s.title,
            ),
            axis=_("Participants"),
        )
        endings.table = Table(
            _("%(title)s: endings reached", title=s.title),
            (_("Ending"), _("Step"), _("Participants"), _("Runs")),
            [(title, step, learners, runs) for step, title, learners, runs in s.endings],
        )
        choices = out[f"scenario-{s.slug}-choices"] = charts.hbars(
            f"scenario-{s.slug}-choices",
            _("%(title)s: choices taken at each step", title=s.title),
            [
                (
                    f"{step}: {s.choice_texts.get((step, c), c)}",
                    n,
                    f"{n} ({pct(100 * n / total if total else None)})",
                )
                for step, taken, total in _with_totals(s.steps)
                for c, n in taken
            ],
            description=_(
                "Bar chart: for each step of %(title)s, how often each choice was "
                "taken, with its share of that step.",
                title=s.title,
            ),
            axis=_("Times taken"),
        )
        choices.table = Table(
            _("%(title)s: choices taken at each step", title=s.title),
            (_("Step and choice"), _("Choice"), _("Times taken"), _("Share at this step")),
            [
                (
                    f"{step}: {c}",
                    s.choice_texts.get((step, c), ""),
                    n,
                    pct(100 * n / t if t else None),
                )
                for step, taken, t in _with_totals(s.steps)
                for c, n in taken
            ],
        )
    drills = out["drills"] = charts.grouped_hbars(
        "drills",
        _("Drill items answered and rated, per drill set and level"),
        [
            (d.title, [(_level(level), done) for level, done, _l2, _r in d.levels])
            for d in board.drills
        ],
        _(
            "Grouped bar chart: per drill set, the items participants answered and rated at "
            "each level (one count per participant and item)."
        ),
        axis=_("Items done"),
    )
    drills.table = Table(
        _(
            "Drill items answered and rated, per drill set and level "
            "(an item counts once per participant)"
        ),
        (_("Drill set and level"), _("Items done"), _("Participants"), _("Rated responses")),
        [
            (f"{d.title}: {_level(level)}", done, learners, rated)
            for d in board.drills
            for level, done, learners, rated in d.levels
        ],
    )
    return out
