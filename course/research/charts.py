"""Server-side SVG charts as plain shapes (pure Python; templates/research/_charts.html draws them).

No script and no style attribute: shapes carry geometry and a CSS class, so the strict
CSP holds. Every chart also has a data table on the page with the same numbers, and
text labels say what each mark is, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH = 640
LABEL = 210  # room for a category label on the left
ROW = 26
PAD = 10


@dataclass(frozen=True)
class Shape:
    """One SVG element: its tag, attributes and text content."""

    tag: str
    attrs: dict[str, Any]
    text: str = ""


@dataclass
class Chart:
    """A drawable chart with an accessible title and description."""

    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = 0
    shapes: list[Shape] = field(default_factory=list)

    def add(self, tag: str, text: str = "", **attrs: Any) -> None:
        """Append a shape; attribute names use '_' for '-' (e.g. text_anchor)."""
        clean = {k.rstrip("_").replace("_", "-"): _fmt(v) for k, v in attrs.items()}
        self.shapes.append(Shape(tag, clean, text))

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not self.shapes


def _fmt(value: Any) -> Any:
    return round(value, 1) if isinstance(value, float) else value


def short(text: str, size: int = 30) -> str:
    """Shorten a label to fit the label column (the table keeps the full text)."""
    return text if len(text) <= size else text[: size - 1] + "…"


def hbars(
    id: str,
    title: str,
    rows: Sequence[tuple[str, float | None, str]],
    maximum: float | None = None,
    description: str = "",
) -> Chart:
    """Horizontal bars: (label, value, value text) per row."""
    chart = Chart(id, title, description or f"Bar chart: {title}.")
    values = [v for _, v, _ in rows if v is not None]
    top = maximum or max(values, default=0) or 1
    span = WIDTH - LABEL - 90
    for i, (label, value, text) in enumerate(rows):
        y = PAD + i * ROW
        chart.add("text", short(label), x=LABEL - 8, y=y + ROW * 0.62, text_anchor="end",
                  class_="chart-label")  # fmt: skip
        length = 0 if value is None else max(1.0, span * value / top) if value else 0
        chart.add("rect", x=LABEL, y=y + 4, width=length, height=ROW - 8, class_="bar bar-0")
        chart.add("text", text, x=LABEL + length + 6, y=y + ROW * 0.62, class_="chart-value")
    chart.height = PAD * 2 + ROW * len(rows)
    chart.add("line", x1=LABEL, y1=PAD, x2=LABEL, y2=chart.height - PAD, class_="axis")
    return chart


def grouped_hbars(
    id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    description: str = "",
) -> Chart:
    """Several bars per category (e.g. started and completed), each labelled with its series."""
    chart = Chart(id, title, description or f"Grouped bar chart: {title}.")
    top = max((v for _, series in rows for _, v in series), default=0) or 1
    span = WIDTH - LABEL - 130
    y = PAD
    for label, series in rows:
        chart.add("text", short(label), x=LABEL - 8, y=y + ROW * 0.62, text_anchor="end",
                  class_="chart-label")  # fmt: skip
        for n, (name, value) in enumerate(series):
            length = max(1.0, span * value / top) if value else 0
            chart.add("rect", x=LABEL, y=y + 3, width=length, height=ROW - 8,
                      class_=f"bar bar-{n}")  # fmt: skip
            chart.add("text", f"{value:g} {name}", x=LABEL + length + 6, y=y + ROW * 0.6,
                      class_="chart-value")  # fmt: skip
            y += ROW - 4
        y += 10
    chart.height = y + PAD
    chart.add("line", x1=LABEL, y1=PAD, x2=LABEL, y2=chart.height - PAD, class_="axis")
    return chart


def lines(
    id: str,
    title: str,
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    description: str = "",
) -> Chart:
    """One line per series over shared x positions; each line is named at its end."""
    chart = Chart(id, title, description or f"Line chart: {title}.")
    chart.height = 260
    left, right, top_y, bottom = 50, WIDTH - 120, 20, 220
    top = max((v for values in series.values() for v in values), default=0) or 1
    steps = max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + (right - left) * i / steps, bottom - (bottom - top_y) * v / top

    chart.add("line", x1=left, y1=bottom, x2=right, y2=bottom, class_="axis")
    chart.add("line", x1=left, y1=top_y, x2=left, y2=bottom, class_="axis")
    for tick in (0, top / 2, top):
        _, ty = xy(0, tick)
        chart.add("text", f"{tick:g}", x=left - 6, y=ty + 4, text_anchor="end",
                  class_="chart-value")  # fmt: skip
    for i in sorted({0, len(x_labels) - 1}) if x_labels else ():
        tx, _ = xy(i, 0)
        chart.add("text", x_labels[i], x=tx, y=bottom + 18, text_anchor="middle",
                  class_="chart-value")  # fmt: skip
    for n, (name, values) in enumerate(series.items()):
        if not values:
            continue
        points = [xy(i, v) for i, v in enumerate(values)]
        if len(points) == 1:
            chart.add("circle", cx=points[0][0], cy=points[0][1], r=4, class_=f"dot line-{n}")
        else:
            chart.add("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                      class_=f"line line-{n}")  # fmt: skip
        ex, ey = points[-1]
        chart.add("text", f"{name} {values[-1]:g}", x=ex + 6, y=ey + 4 + 12 * n - 6,
                  class_="chart-label")  # fmt: skip
    return chart


def boxes(id: str, title: str, rows: Sequence[tuple[str, Any]], unit: str = "") -> Chart:
    """Box plots: whiskers from lowest to highest, box from quartile 1 to 3, median mark."""
    chart = Chart(id, title, f"Box plot: {title}. Median, quartiles and range per row.")
    top = max((s.high for _, s in rows if s is not None), default=0) or 1
    span = WIDTH - LABEL - 90

    def x(v: float) -> float:
        return LABEL + span * v / top

    for i, (label, s) in enumerate(rows):
        y = PAD + i * ROW
        mid = y + ROW / 2
        chart.add("text", short(label), x=LABEL - 8, y=y + ROW * 0.62, text_anchor="end",
                  class_="chart-label")  # fmt: skip
        if s is None:
            chart.add("text", "no data", x=LABEL + 6, y=y + ROW * 0.62, class_="chart-value")
            continue
        chart.add("line", x1=x(s.low), y1=mid, x2=x(s.high), y2=mid, class_="whisker")
        chart.add("rect", x=x(s.q1), y=y + 5, width=max(1.0, x(s.q3) - x(s.q1)),
                  height=ROW - 10, class_="box")  # fmt: skip
        chart.add("line", x1=x(s.median), y1=y + 3, x2=x(s.median), y2=y + ROW - 3,
                  class_="median")  # fmt: skip
        chart.add("text", f"median {s.median:.1f}{unit}", x=x(s.high) + 6, y=y + ROW * 0.62,
                  class_="chart-value")  # fmt: skip
    chart.height = PAD * 2 + ROW * len(rows)
    chart.add("line", x1=LABEL, y1=PAD, x2=LABEL, y2=chart.height - PAD, class_="axis")
    return chart


def columns(id: str, title: str, bins: Sequence[tuple[str, int]], description: str = "") -> Chart:
    """A histogram: one column per bin, its count written above it."""
    chart = Chart(id, title, description or f"Histogram: {title}.")
    chart.height = 200
    left, bottom, top_y = 40, 170, 20
    width = (WIDTH - left - 20) / max(1, len(bins))
    top = max((n for _, n in bins), default=0) or 1
    chart.add("line", x1=left, y1=bottom, x2=WIDTH - 20, y2=bottom, class_="axis")
    for i, (label, n) in enumerate(bins):
        height = (bottom - top_y) * n / top
        x = left + i * width
        chart.add("rect", x=x + 4, y=bottom - height, width=width - 8, height=height,
                  class_="bar bar-0")  # fmt: skip
        chart.add("text", str(n), x=x + width / 2, y=bottom - height - 4, text_anchor="middle",
                  class_="chart-value")  # fmt: skip
        chart.add("text", label, x=x + width / 2, y=bottom + 16, text_anchor="middle",
                  class_="chart-value")  # fmt: skip
    return chart
