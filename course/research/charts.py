"""Server-side SVG charts as plain shapes (pure Python), drawn to be read on a phone.

No script and no style attribute: shapes carry geometry, a CSS class and presentation
attributes (fill, stroke, font-size), so the strict CSP holds and a downloaded file looks
the same as the page. The drawing is 360 units wide and the page never shrinks it below
about that, so 14-unit text stays at least 12 px on a 390 px phone. Each category's label
sits on its own line(s) above its bars, so a long label (a question's text) wraps instead
of being clipped, and every value axis has ticks and numbers. Every chart carries the
table of its numbers (shown beside it and downloadable as CSV), and text says what each
mark is, so nothing depends on colour alone.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from course.web.dates import decimal_text

WIDTH = 360
FONT = 14  # user units; the page draws the chart at least ~0.95 of its width
LINE = 18  # one line of label text
PAD = 8
VALUE_ROOM = 104  # right of the bars, at least: the value text ("100% of 120")
EM = 0.62 * FONT  # the width of an average character, generously
CHARS = 38  # a label line at 14 units: about 0.62 em a bold character, with room to spare
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'
INK, MUTED, GRID, AXIS = "#1b1f24", "#4a5561", "#dde3e9", "#4a5561"
SERIES = ("#1d5a85", "#b8430b", "#1f6b3a", "#8a5a00")
DASHES = ("", "8 4", "2 3", "12 3 3 3")


@dataclass(frozen=True)
class Shape:
    """One SVG element: its tag, attributes and text content."""

    tag: str
    attrs: dict[str, Any]
    text: str = ""


@dataclass(frozen=True)
class Table:
    """The numbers a chart draws: a caption, column headings and rows of display text.

    The first cell of a row is its heading; ``links`` optionally gives that heading a
    link (one URL or None per row)."""

    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    links: list[str | None] = field(default_factory=list)


@dataclass
class Chart:
    """A drawable chart with an accessible title, a description and its table."""

    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = 0
    shapes: list[Shape] = field(default_factory=list)
    table: Table | None = None

    def add(self, tag: str, text: str = "", **attrs: Any) -> None:
        """Append a shape; attribute names use '_' for '-' (e.g. text_anchor)."""
        clean = {k.rstrip("_").replace("_", "-"): _fmt(v) for k, v in attrs.items()}
        self.shapes.append(Shape(tag, clean, text))

    def text(self, text: str, x: float, y: float, *, anchor: str = "start", **attrs) -> None:
        """Append a line of text at the chart's font size."""
        extra = {"text_anchor": anchor} if anchor != "start" else {}
        self.add("text", text, **{"x": x, "y": y, "font_size": FONT, "fill": INK, **extra, **attrs})

    def lines(self, text: str, x: float, y: float, **attrs) -> float:
        """Text wrapped to the room right of ``x``, its first baseline at ``y``; returns the
        last baseline."""
        found = wrap(text, int(CHARS * (self.width - x) / self.width), 3) if text else []
        for n, line in enumerate(found):
            self.text(line, x, y + n * LINE, **attrs)
        return y + max(0, len(found) - 1) * LINE

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not self.shapes

    @property
    def markup(self) -> Markup:
        """The chart as SVG for the page."""
        return svg(self)


def _fmt(value: Any) -> Any:
    return round(value, 1) if isinstance(value, float) else value


def wrap(text: str, width: int = CHARS, lines: int = 2) -> list[str]:
    """A label in at most ``lines`` lines of ``width`` characters (the table keeps it whole)."""
    out = textwrap.wrap(text, width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def ticks(top: float, count: int = 4, whole: bool = False) -> list[float]:
    """Round tick values from 0 past ``top`` (steps of 1, 2 or 5 times a power of ten)."""
    top = top or 1
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


def _label(value: float) -> str:
    """A number on an axis or after a line, in the page's language (1.5 is 1,5 in French)."""
    return decimal_text(value, "0.######")


def _x_axis(chart: Chart, left: float, span: float, scale: list[float], y: float, title: str):
    """A value axis along the bottom: a rule, ticks with numbers, and the axis's name
    under the numbers."""
    top = scale[-1]
    for value in scale:  # no grid lines: they would cross the labels between the bars
        x = left + span * value / top
        chart.add("line", x1=x, y1=y, x2=x, y2=y + 5, class_="tick", stroke=AXIS)
        chart.text(_label(value), x, y + 5 + LINE, anchor="middle", class_="tick-label")
    chart.add("line", x1=left, y1=y, x2=left + span, y2=y, class_="axis", stroke=AXIS,
              stroke_width=1.5)  # fmt: skip
    last = chart.lines(title, left, y + 5 + 2 * LINE + 2, class_="axis-title", fill=MUTED)
    chart.height = int(last + PAD + 4)


def _room(texts) -> float:
    """Room right of the longest bar for the longest value text (at most half the width)."""
    return min(WIDTH / 2, max([VALUE_ROOM, *(len(t) * EM + 10 for t in texts)]))


def _bar_rows(rows, top: float | None, whole: bool) -> tuple[list[float], float]:
    values = [v for _, series in rows for _, v, _ in series if v is not None]
    scale = ticks(top or max(values, default=0) or 1, whole=whole and not top)
    return scale, WIDTH - PAD - _room(t for _, series in rows for _, _, t in series)


def _bars(
    chart: Chart,
    rows: Sequence[tuple[str, Sequence[tuple[str, float | None, str]]]],
    maximum: float | None,
    axis: str,
    lines: int,
) -> Chart:
    """Categories top to bottom: the label line(s), then one bar per series, each with its
    value written after it; a value axis underneath."""
    whole = all(float(v).is_integer() for _, s in rows for _, v, _ in s if v is not None)
    scale, span = _bar_rows(rows, maximum, whole)
    y = PAD
    for label, series in rows:
        for line in wrap(label, lines=lines):
            y += LINE
            chart.text(line, PAD + 4, y - 4, class_="chart-label", font_weight="600")
        for n, (_, value, text) in enumerate(series):
            length = 0 if not value else max(1.0, span * value / scale[-1])
            chart.add("rect", x=PAD, y=y + 3, width=length, height=LINE - 2,
                      class_=f"bar bar-{n % 4}", fill=SERIES[n % 4])  # fmt: skip
            chart.text(text, PAD + length + 5, y + LINE - 2, class_="chart-value")
            y += LINE + 2
        y += 8
    _x_axis(chart, PAD, span, scale, y, axis)
    chart.add("line", x1=PAD, y1=PAD, x2=PAD, y2=y, class_="axis", stroke=AXIS, stroke_width=1.5)
    return chart


def hbars(
    id: str,
    title: str,
    rows: Sequence[tuple[str, float | None, str]],
    maximum: float | None = None,
    description: str = "",
    axis: str = "",
    lines: int = 2,
) -> Chart:
    """Horizontal bars: (label, value, value text) per row."""
    chart = Chart(id, title, description or gettext("Bar chart: %(title)s.", title=title))
    return _bars(chart, [(label, [("", v, t)]) for label, v, t in rows], maximum, axis, lines)


def grouped_hbars(
    id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    description: str = "",
    axis: str = "",
) -> Chart:
    """Several bars per category (e.g. started and completed), each labelled with its series."""
    chart = Chart(id, title, description or gettext("Grouped bar chart: %(title)s.", title=title))
    series = [
        (label, [(n, v, gettext("%(value)s %(series)s", value=_label(v), series=n)) for n, v in s])
        for label, s in rows
    ]
    return _bars(chart, series, None, axis, 2)


def lines(
    id: str,
    title: str,
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    description: str = "",
    axis: str = "",
    x_axis: str = "",
) -> Chart:
    """One line per series over shared x positions, a y axis with ticks, the first, middle
    and last x labels, and a legend under the chart naming each line and its last value."""
    chart = Chart(id, title, description or gettext("Line chart: %(title)s.", title=title))
    left, right, top_y, bottom = 44, WIDTH - 16, PAD + LINE + 4, 200
    values = [v for vs in series.values() for v in vs]
    scale = ticks(max(values, default=0) or 1, whole=all(float(v).is_integer() for v in values))
    steps = max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + (right - left) * i / steps, bottom - (bottom - top_y) * v / scale[-1]

    chart.text(axis, PAD, PAD + LINE - 4, class_="axis-title", fill=MUTED)
    for tick in scale:
        _, ty = xy(0, tick)
        chart.add("line", x1=left, y1=ty, x2=right, y2=ty, class_="grid", stroke=GRID)
        chart.text(_label(tick), left - 6, ty + 5, anchor="end", class_="tick-label")
    chart.add("line", x1=left, y1=bottom, x2=right, y2=bottom, class_="axis", stroke=AXIS,
              stroke_width=1.5)  # fmt: skip
    chart.add("line", x1=left, y1=top_y, x2=left, y2=bottom, class_="axis", stroke=AXIS,
              stroke_width=1.5)  # fmt: skip
    shown = (
        sorted({0, len(x_labels) // 2, len(x_labels) - 1})
        if len(x_labels) > 2
        else range(len(x_labels))
    )
    for i in shown:
        tx, _ = xy(i, 0)
        anchor = "start" if i == 0 else "end" if i == len(x_labels) - 1 else "middle"
        if len(x_labels) == 1:
            anchor = "start"
        chart.add("line", x1=tx, y1=bottom, x2=tx, y2=bottom + 5, class_="tick", stroke=AXIS)
        chart.text(x_labels[i], tx, bottom + 5 + LINE, anchor=anchor, class_="tick-label")
    y = chart.lines(x_axis, left, bottom + 5 + 2 * LINE, class_="axis-title", fill=MUTED)
    for n, (name, vals) in enumerate(series.items()):
        colour, dash = SERIES[n % 4], DASHES[n % 4]
        dashes = {"stroke_dasharray": dash} if dash else {}
        if vals:
            points = [xy(i, v) for i, v in enumerate(vals)]
            if len(points) == 1:
                chart.add("circle", cx=points[0][0], cy=points[0][1], r=4,
                          class_=f"dot line-{n}", fill=colour)  # fmt: skip
            else:
                chart.add("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                          class_=f"line line-{n}", fill="none", stroke=colour, stroke_width=2.5,
                          **dashes)  # fmt: skip
        y += LINE + 4
        chart.add("line", x1=left, y1=y - 5, x2=left + 28, y2=y - 5, class_=f"key line-{n}",
                  stroke=colour, stroke_width=2.5, **dashes)  # fmt: skip
        last = _label(vals[-1]) if vals else gettext("none")
        chart.text(f"{name}: {last}", left + 36, y, class_="chart-label")
    chart.height = int(y + PAD + 2)
    return chart


def _median(value: float, unit: str) -> str:
    """A box plot's median as its label says it ("median 12.5 min")."""
    return gettext("median %(value)s%(unit)s", value=decimal_text(value, "0.0"), unit=unit)


def boxes(
    id: str, title: str, rows: Sequence[tuple[str, Any]], unit: str = "", axis: str = ""
) -> Chart:
    """Box plots: whiskers from lowest to highest, box from quartile 1 to 3, median mark;
    each row's label above it and its median after it; a value axis underneath."""
    chart = Chart(
        id, title, gettext("Box plot: %(title)s. Median, quartiles and range per row.", title=title)
    )
    scale = ticks(max((s.high for _, s in rows if s is not None), default=0) or 1)
    span = WIDTH - PAD - _room(_median(s.median, unit) for _, s in rows if s is not None)

    def x(v: float) -> float:
        return PAD + span * v / scale[-1]

    y = PAD
    for label, s in rows:
        for line in wrap(label):
            y += LINE
            chart.text(line, PAD + 4, y - 4, class_="chart-label", font_weight="600")
        mid = y + LINE / 2 + 2
        if s is None:
            chart.text(gettext("no data"), PAD + 4, y + LINE - 2, class_="chart-value")
        else:
            chart.add("line", x1=x(s.low), y1=mid, x2=x(s.high), y2=mid, class_="whisker",
                      stroke=AXIS, stroke_width=1.5)  # fmt: skip
            chart.add("rect", x=x(s.q1), y=y + 3, width=max(1.0, x(s.q3) - x(s.q1)),
                      height=LINE - 2, class_="box", fill="#c6d6e2", stroke=SERIES[0],
                      stroke_width=1.5)  # fmt: skip
            chart.add("line", x1=x(s.median), y1=y + 1, x2=x(s.median), y2=y + LINE + 1,
                      class_="median", stroke=INK, stroke_width=3)  # fmt: skip
            chart.text(_median(s.median, unit), x(s.high) + 6, y + LINE - 2,
                       class_="chart-value")  # fmt: skip
        y += LINE + 10
    _x_axis(chart, PAD, span, scale, y, axis)
    chart.add("line", x1=PAD, y1=PAD, x2=PAD, y2=y, class_="axis", stroke=AXIS, stroke_width=1.5)
    return chart


def columns(
    id: str,
    title: str,
    bins: Sequence[tuple[str, int]],
    description: str = "",
    axis: str = "",
    x_axis: str = "",
    edges: Sequence[str] = (),
) -> Chart:
    """A histogram: one column per bin, its count above it, a y axis with ticks; the bins
    are named under their columns or, with ``edges``, by the boundaries between them."""
    chart = Chart(id, title, description or gettext("Histogram: %(title)s.", title=title))
    left, right, top_y, bottom = 44, WIDTH - 16, PAD + 2 * LINE + 4, 190
    width = (right - left) / max(1, len(bins))
    scale = ticks(max((n for _, n in bins), default=0) or 1, whole=True)
    chart.text(axis, PAD, PAD + LINE - 4, class_="axis-title", fill=MUTED)
    for tick in scale:
        ty = bottom - (bottom - top_y) * tick / scale[-1]
        chart.add("line", x1=left, y1=ty, x2=right, y2=ty, class_="grid", stroke=GRID)
        chart.text(_label(tick), left - 6, ty + 5, anchor="end", class_="tick-label")
    for i, (label, n) in enumerate(bins):
        height = (bottom - top_y) * n / scale[-1]
        x = left + i * width
        chart.add("rect", x=x + 2, y=bottom - height, width=width - 4, height=height,
                  class_="bar bar-0", fill=SERIES[0])  # fmt: skip
        chart.text(str(n), x + width / 2, bottom - height - 4, anchor="middle",
                   class_="chart-value")  # fmt: skip
        if not edges:
            chart.text(label, x + width / 2, bottom + 5 + LINE, anchor="middle",
                       class_="tick-label")  # fmt: skip
    for i, edge in enumerate(edges):
        ex = left + i * width
        chart.add("line", x1=ex, y1=bottom, x2=ex, y2=bottom + 5, class_="tick", stroke=AXIS)
        if i % 2 == 0:  # every other boundary: the numbers need the room
            chart.text(edge, ex, bottom + 5 + LINE, anchor="middle", class_="tick-label")
    chart.add("line", x1=left, y1=bottom, x2=right, y2=bottom, class_="axis", stroke=AXIS,
              stroke_width=1.5)  # fmt: skip
    chart.add("line", x1=left, y1=top_y, x2=left, y2=bottom, class_="axis", stroke=AXIS,
              stroke_width=1.5)  # fmt: skip
    last = chart.lines(x_axis, left, bottom + 5 + 2 * LINE + 2, class_="axis-title", fill=MUTED)
    chart.height = int(last + PAD + 4)
    return chart


def _shapes(chart: Chart) -> str:
    return "".join(
        f"<{s.tag}"
        + "".join(f' {k}="{escape(v)}"' for k, v in s.attrs.items())
        + f">{escape(s.text)}</{s.tag}>"
        for s in chart.shapes
    )


def svg(chart: Chart, standalone: bool = False) -> Markup:
    """The chart as SVG markup: for the page (labelled by its title and description), or
    as a file of its own (with its size, a white background and the XML namespace)."""
    box = f'viewBox="0 0 {chart.width} {chart.height}" font-family="{escape(FONT_FAMILY)}"'
    title, desc = escape(chart.title), escape(chart.description)
    # Every text and attribute value below is escaped (the numbers are ours).
    if standalone:
        return Markup(  # noqa: S704
            f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{chart.width}" height="{chart.height}" {box}>'
            f"<title>{title}</title><desc>{desc}</desc>"
            f'<rect width="{chart.width}" height="{chart.height}" fill="#ffffff"/>'
            f"{_shapes(chart)}</svg>\n"
        )
    ids = f"{chart.id}-title {chart.id}-desc"
    beside = gettext("The table beside it has the same numbers.")
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" {box} aria-labelledby="{escape(ids)}" focusable="false">'
        f'<title id="{escape(chart.id)}-title">{title}</title>'
        f'<desc id="{escape(chart.id)}-desc">{desc} {escape(beside)}'
        f"</desc>{_shapes(chart)}</svg>"
    )
