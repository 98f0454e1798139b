"""Turn the dashboard's numbers into charts (each shown beside a table of the same numbers)."""

from __future__ import annotations

from course.research import charts
from course.research.dashboard import ACCEPTABILITY, Dashboard
from course.research.forms import ARM_NAMES
from course.research.models import TRIAL_ARMS

SCALE_NAMES = {
    "aim": "Acceptability (AIM)",
    "iam": "Appropriateness (IAM)",
    "fim": "Feasibility (FIM)",
}


def figures(board: Dashboard) -> dict[str, charts.Chart]:
    """Every chart of the dashboard, by name."""
    arms = [board.filters.arm] if board.filters.arm else list(TRIAL_ARMS)
    out = {
        "enrolment": charts.lines(
            "enrolment",
            "Consented participants over time (cumulative, by arm)",
            [week.isoformat() for week, _ in board.enrolment],
            {ARM_NAMES[a]: [counts[a] for _, counts in board.enrolment] for a in arms},
            "Cumulative number of consented participants per week, one line per arm.",
        ),
        "funnel": charts.grouped_hbars(
            "funnel",
            "Completion funnel: participants who started and completed each module",
            [(t, (("started", s), ("completed", c))) for t, s, c in board.funnel],
        ),
        "active": charts.boxes("active", "Active minutes per module", board.active, unit=" min"),
        "videos": charts.hbars(
            "videos",
            "Mean percent of each video watched",
            [(t, mean, f"{mean:.0f}% (n={n})") for t, n, mean, _, _ in board.videos],
            maximum=100,
        ),
        "quizzes": charts.hbars(
            "quizzes",
            "Pass rate per quiz",
            [
                (s, r, "no attempts" if r is None else f"{r:.0f}% of {n}")
                for s, n, _, r in board.quizzes
            ],
            maximum=100,
        ),
        "questions": charts.hbars(
            "questions",
            "Percent answering each question correctly",
            [
                (f"{s}: {q}", r, "no answers" if r is None else f"{r:.0f}% of {n}")
                for s, q, _, n, r in board.questions
            ],
            maximum=100,
        ),
        "scales": charts.hbars(
            "scales",
            "Acceptability, appropriateness and feasibility: mean scores (1-5)",
            [
                (
                    SCALE_NAMES[s],
                    board.scales[s][1],
                    "no responses"
                    if board.scales[s][1] is None
                    else f"{board.scales[s][1]:.2f} (n={board.scales[s][0]})",
                )
                for s in ACCEPTABILITY
                if s in board.scales
            ],
            maximum=5,
        ),
        "sus": charts.columns(
            "sus",
            "System Usability Scale scores (0-100), respondents per band",
            [
                (f"{b}-{b + 9 if b < 90 else 100}", board.sus[2].get(b, 0))
                for b in range(0, 100, 10)
            ],
        ),
    }
    for scale in ACCEPTABILITY:
        if scale in board.scales:
            bins = board.scales[scale][2]
            out[f"dist-{scale}"] = charts.columns(
                f"dist-{scale}",
                f"{SCALE_NAMES[scale]}: respondents by rounded mean score",
                [(str(point), bins.get(point, 0)) for point in range(1, 6)],
            )
    out.update(practice_figures(board))
    if board.attendance:
        out["attendance"] = charts.grouped_hbars(
            "attendance",
            "Participants by consultation sessions attended, per arm",
            [
                (
                    f"{n} session{'s' if n != 1 else ''}",
                    [(ARM_NAMES[a], board.attendance.get(a, {}).get(n, 0)) for a in arms],
                )
                for n in board.attendance_sessions
            ],
        )
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def practice_figures(board: Dashboard) -> dict[str, charts.Chart]:
    """Per scenario, endings reached and choices per step; drill items done by level."""
    out = {}
    for s in board.scenarios:
        out[f"scenario-{s.slug}-endings"] = charts.hbars(
            f"scenario-{s.slug}-endings",
            f"{s.title}: participants who reached each ending",
            [
                (title, learners, f"{learners} ({_plural(runs, 'run')})")
                for _, title, learners, runs in s.endings
            ],
            description=f"Bar chart: participants who reached each ending of {s.title}, "
            "with the number of runs that did.",
        )
        out[f"scenario-{s.slug}-choices"] = charts.grouped_hbars(
            f"scenario-{s.slug}-choices",
            f"{s.title}: choices taken at each step",
            s.steps,
            f"Grouped bar chart: for each step of {s.title}, how often each choice was taken.",
        )
    out["drills"] = charts.grouped_hbars(
        "drills",
        "Drill items answered and rated, per drill set and level",
        [(d.title, [(level, done) for level, done, _, _ in d.levels]) for d in board.drills],
        "Grouped bar chart: per drill set, the items participants answered and rated at "
        "each level (one count per participant and item).",
    )
    return out
