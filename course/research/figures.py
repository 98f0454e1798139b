"""Turn the dashboard's numbers into charts, each with the table of the same numbers (shown
beside it on the page and downloadable as CSV)."""

from __future__ import annotations

from collections.abc import Callable

from course.research import charts
from course.research.charts import Table
from course.research.dashboard import ACCEPTABILITY, Dashboard
from course.research.forms import ARM_NAMES
from course.research.models import TRIAL_ARMS

SCALE_NAMES = {
    "aim": "Acceptability (AIM)",
    "iam": "Appropriateness (IAM)",
    "fim": "Feasibility (FIM)",
}
FLAG = "check wording"
DASH = "\u2013"  # an en dash, for ranges


def pct(value: float | None) -> str:
    """A percentage as the tables show it."""
    return "—" if value is None else f"{value:.0f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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
            "Completion funnel: participants who started and completed each module",
            [(t, (("started", s), ("completed", c))) for t, s, c in board.funnel],
            axis="Participants",
        ),
        "active": charts.boxes(
            "active", "Active minutes per module", board.active, " min", "Active minutes"
        ),
        "videos": charts.hbars(
            "videos",
            "Mean percent of each video watched",
            [(t, mean, f"{mean:.0f}% (n={n})") for t, n, mean, _, _ in board.videos],
            maximum=100,
            axis="Mean percent watched",
        ),
        "quizzes": charts.hbars(
            "quizzes",
            "Pass rate per quiz",
            [(title, r, f"{r:.0f}% of {n}") for _, title, n, _, r in board.quizzes],
            maximum=100,
            axis="Percent of attempts passed",
        ),
        "questions": charts.hbars(
            "questions",
            "Percent answering each question correctly",
            [(prompt, r, f"{r:.0f}% of {n}") for _, _, prompt, n, r in board.questions],
            maximum=100,
            axis="Percent of answers fully correct",
            lines=3,
        ),
        "scales": charts.hbars(
            "scales",
            "Acceptability, appropriateness and feasibility: mean scores (1-5)",
            [
                (SCALE_NAMES[s], mean, "no responses" if mean is None else f"{mean:.2f} (n={n})")
                for s, (n, mean, _) in board.scales.items()
            ],
            maximum=5,
            axis="Mean score (1 = completely disagree, 5 = completely agree)",
        ),
        "sus": _sus(board),
    }
    _tables(out, board, arms, flag_min, link)
    for scale in ACCEPTABILITY:
        if scale in board.scales:
            bins = board.scales[scale][2]
            chart = out[f"dist-{scale}"] = charts.columns(
                f"dist-{scale}",
                f"{SCALE_NAMES[scale]}: respondents by rounded mean score",
                [(str(point), bins.get(point, 0)) for point in range(1, 6)],
                axis="Respondents",
                x_axis="Rounded mean score (1-5)",
            )
            chart.table = Table(
                f"{SCALE_NAMES[scale]}: respondents by rounded mean score",
                ("Score", "Respondents"),
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
        "Consented participants over time (cumulative, by arm)",
        [week.isoformat() for week, _ in board.enrolment],
        {ARM_NAMES[a]: [counts[a] for _, counts in board.enrolment] for a in arms},
        "Cumulative number of consented participants per week, one line per arm.",
        axis="Participants (cumulative)",
        x_axis="Week starting (UTC)",
    )
    chart.table = Table(
        "Consented participants, cumulative, by week starting (UTC)",
        ("Week of", *(ARM_NAMES[a] for a in TRIAL_ARMS), "Not yet allocated"),
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
        "System Usability Scale scores (0-100), respondents per band",
        bands,
        axis="Respondents",
        x_axis="SUS score (bands of 10; the last includes 100)",
        edges=[str(b) for b in range(0, 101, 10)],
    )
    mean = "—" if board.sus[1] is None else f"{board.sus[1]:.1f}"
    chart.table = Table(
        f"SUS scores: {board.sus[0]} respondents, mean {mean} (68 is about average)",
        ("Score band", "Respondents"),
        bands,
    )
    return chart


def _attendance(board: Dashboard, arms: list[str]) -> charts.Chart:
    chart = charts.grouped_hbars(
        "attendance",
        "Participants by consultation sessions attended, per arm",
        [
            (
                f"{n} session{'s' if n != 1 else ''}",
                [(ARM_NAMES[a], board.attendance.get(a, {}).get(n, 0)) for a in arms],
            )
            for n in board.attendance_sessions
        ],
        axis="Participants",
    )
    chart.table = Table(
        "Participants by consultation sessions attended (among those with recorded attendance)",
        ("Sessions attended", *(ARM_NAMES[a] for a in arms)),
        [
            (n, *(board.attendance.get(a, {}).get(n, 0) for a in arms))
            for n in board.attendance_sessions
        ],
    )
    return chart


def _tables(out, board: Dashboard, arms, flag_min: int, link) -> None:
    """The tables of the module, video, quiz and acceptability charts."""
    out["funnel"].table = Table(
        "Participants who started and completed each module",
        ("Module", "Started", "Completed", "Completed of started"),
        [(t, s, c, pct(100 * c / s if s else None)) for t, s, c in board.funnel],
    )
    out["active"].table = Table(
        "Active minutes on each module page, among participants who opened it",
        ("Module", "n", "Median", f"Quartiles (25%{DASH}75%)", "Range"),
        [
            (
                t,
                s.n,
                f"{s.median:.1f}",
                f"{s.q1:.1f}{DASH}{s.q3:.1f}",
                f"{s.low:.1f}{DASH}{s.high:.1f}",
            )
            if s
            else (t, 0, "no data", "", "")
            for t, s in board.active
        ],
    )
    out["videos"].table = Table(
        "Percent of each video watched (unique seconds played)",
        ("Video", "Viewers", "Mean", "Median", "Watched 90% or more"),
        [(t, n, pct(mean), pct(med), most) for t, n, mean, med, most in board.videos],
    )
    out["quizzes"].table = Table(
        "Submitted attempts and pass rate per quiz",
        ("Quiz", "Attempts", "Passed", "Pass rate"),
        [(title, n, ok, pct(r)) for _, title, n, ok, r in board.quizzes],
        [link(slug) if link else None for slug, *_ in board.quizzes],
    )
    titles = {slug: title for slug, title, *_ in board.quizzes}
    out["questions"].table = Table(
        "Percent correct per question, over all submitted attempts",
        ("Question", "Quiz", "Answers", "Correct", "Flag"),
        [
            (prompt, titles.get(s, s), n, pct(r), FLAG if _flagged(n, r, flag_min) else "")
            for s, _, prompt, n, r in board.questions
        ],
    )
    out["scales"].table = Table(
        "AIM, IAM and FIM mean scores (1 = completely disagree, 5 = completely agree)",
        ("Measure", "Respondents", "Mean"),
        [
            (SCALE_NAMES[s], n, "—" if mean is None else f"{mean:.2f}")
            for s, (n, mean, _) in board.scales.items()
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
            f"{s.title}: participants who reached each ending",
            [
                (title, learners, f"{learners} ({_plural(runs, 'run')})")
                for _, title, learners, runs in s.endings
            ],
            description=f"Bar chart: participants who reached each ending of {s.title}, "
            "with the number of runs that did.",
            axis="Participants",
        )
        endings.table = Table(
            f"{s.title}: endings reached",
            ("Ending", "Step", "Participants", "Runs"),
            [(title, step, learners, runs) for step, title, learners, runs in s.endings],
        )
        choices = out[f"scenario-{s.slug}-choices"] = charts.hbars(
            f"scenario-{s.slug}-choices",
            f"{s.title}: choices taken at each step",
            [
                (
                    f"{step}: {s.choice_texts.get((step, c), c)}",
                    n,
                    f"{n} ({pct(100 * n / total if total else None)})",
                )
                for step, taken, total in _with_totals(s.steps)
                for c, n in taken
            ],
            description=f"Bar chart: for each step of {s.title}, how often each choice was "
            "taken, with its share of that step.",
            axis="Times taken",
        )
        choices.table = Table(
            f"{s.title}: choices taken at each step",
            ("Step and choice", "Choice", "Times taken", "Share at this step"),
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
        "Drill items answered and rated, per drill set and level",
        [(d.title, [(level, done) for level, done, _, _ in d.levels]) for d in board.drills],
        "Grouped bar chart: per drill set, the items participants answered and rated at "
        "each level (one count per participant and item).",
        axis="Items done",
    )
    drills.table = Table(
        "Drill items answered and rated, per drill set and level "
        "(an item counts once per participant)",
        ("Drill set and level", "Items done", "Participants", "Rated responses"),
        [
            (f"{d.title}: {level}", done, learners, rated)
            for d in board.drills
            for level, done, learners, rated in d.levels
        ],
    )
    return out
