"""Charts as SVG drawn on the server, for the PDF report (WeasyPrint runs no JavaScript).

One function, ``chart_svg``, draws any ``tables.Table``: bars (grouped, or stacked for a
``stacked`` chart), lines, points, dashed control limits, the cumulative-percent line of a
Pareto chart on its own axis at the right, and a shaded grid for a cross-tabulation
(``heatmap``). Every text that reaches the drawing (titles, labels, category names) is escaped:
a category named ``<script>`` is drawn as those nine characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from redress.analytics.tables import Column, Row, Table
from redress.core.formats import money_format, number_format

WIDTH = 680
HEIGHT = 300
FONT = "DejaVu Sans, Noto Sans, sans-serif"
# Colour-blind-safe series colours (Okabe–Ito), then greys.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#777777"]
LIMIT_COLOUR = "#B22222"
GRID_COLOUR = "#DDDDDD"
TEXT_COLOUR = "#222222"
DRAWN = ("bar", "line", "scatter", "limit")
# At most this many labels under the horizontal axis (weeks of a year are thinned out).
MAX_X_LABELS = 26
LABEL_CHARS = 22


def _text(value: Any) -> str:
    return escape(str(value))


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def value_format(value: Any, unit: str) -> str:
    """A cell or tick of a chart in the active language, as its unit asks: "87,5%",
    "8.990.000 ₫", "1.234" (a share of 1 as "proportion" reads as a percentage)."""
    if unit == "text" or isinstance(value, str):
        return "" if value is None else str(value)
    if unit == "percent":
        text = number_format(value, 1)
        return f"{text}%" if text else ""
    if unit == "proportion":
        number = _number(value)
        return "" if number is None else f"{number_format(100 * number, 1)}%"
    if unit == "money":
        return money_format(value)
    if unit == "count":
        return number_format(value, 0)
    if unit in ("working_days", "hours", "score", "rate"):
        number = _number(value)
        places = 0 if number is not None and number == int(number) else 2 if unit == "rate" else 1
        return number_format(value, places)
    if value is None:
        return ""
    return number_format(value, 2) if isinstance(value, float) else str(value)


def tick_format(value: float, unit: str) -> str:
    """An axis tick: whole where it is whole, money without its symbol (the axis title has it)."""
    if unit == "proportion":
        value, unit = 100 * value, "percent"
    places = 0 if float(value).is_integer() else 1 if unit in ("percent", "count") else 2
    text = number_format(value, places)
    return f"{text}%" if unit == "percent" else text


def unit_label(unit: str) -> str:
    labels = {
        "count": _("Complaints"),
        "percent": _("Percent"),
        "proportion": _("Percent"),
        "rate": _("Per 1,000"),
        "money": _("Amount (₫)"),
        "working_days": _("Working days"),
        "hours": _("Hours"),
        "score": _("Score (1–5)"),
    }
    return labels.get(unit, "")


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values from ``low`` to ``high`` or a little beyond (about ``count`` steps);
    ``whole``: no step below 1 (counts)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    value = math.floor(low / step) * step
    ticks = [round(value, 10)]
    while value < high - step * 1e-9:
        value += step
        ticks.append(round(value, 10))
    return ticks


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    top: float
    bottom: float
    unit: str

    def y(self, value: float) -> float:
        span = self.high - self.low or 1
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)


def _axis(
    values: Sequence[float], unit: str, top: float, bottom: float
) -> tuple[Axis, list[float]]:
    low = min([0.0, *values])
    high = max([0.0, *values])
    if unit == "percent" and high <= 100 and low >= 0:
        high = 100.0
    if unit == "proportion" and high <= 1 and low >= 0:
        high = 1.0
    ticks = nice_ticks(low, high, whole=unit in ("count", "money"))
    return Axis(ticks[0], ticks[-1], top, bottom, unit), ticks


def _svg(width: float, height: float, table: Table, body: list[str]) -> SafeString:
    title, summary = _text(table.title), _text(table.summary)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" font-size="10" fill="{TEXT_COLOUR}">'
        f"<title>{title}</title><desc>{summary}</desc>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def _empty(table: Table) -> SafeString:
    message = _text(_("No data for this period."))
    return _svg(
        WIDTH,
        60,
        table,
        [f'<text class="empty" x="{WIDTH / 2:.0f}" y="34" text-anchor="middle">{message}</text>'],
    )


def chart_svg(table: Table) -> SafeString:
    """The table drawn as a chart (an SVG element to put inline in HTML)."""
    drawn = [column for column in table.columns if column.draw in DRAWN]
    if not table.rows or not drawn:
        return _empty(table)
    if table.chart == "heatmap":
        return _heatmap(table)
    return _xy(table, drawn)


# ---------------------------------------------------------------------------------------------
# Bars, lines, points and limits over the rows


def _series_values(rows: Sequence[Row], column: Column) -> list[float | None]:
    return [_number(row.values.get(column.key)) for row in rows]


def _x_labels(rows: Sequence[Row], left: float, band: float, bottom: float) -> list[str]:
    every = max(1, math.ceil(len(rows) / MAX_X_LABELS))
    slanted = len(rows) > 8 or any(len(row.label) > 10 for row in rows)
    out = []
    for index, row in enumerate(rows):
        if index % every:
            continue
        x = left + band * (index + 0.5)
        label = _text(_short(row.label))
        if slanted:
            out.append(
                f'<text class="x-label" x="{x:.1f}" y="{bottom + 12:.1f}" text-anchor="end" '
                f'transform="rotate(-40 {x:.1f} {bottom + 12:.1f})">{label}</text>'
            )
        else:
            out.append(
                f'<text class="x-label" x="{x:.1f}" y="{bottom + 14:.1f}" '
                f'text-anchor="middle">{label}</text>'
            )
    return out


def _y_axis(axis: Axis, ticks: list[float], x: float, *, right: bool, grid_to: float) -> list[str]:
    out = []
    anchor = "start" if right else "end"
    offset = 5 if right else -5
    for tick in ticks:
        y = axis.y(tick)
        if not right:
            out.append(
                f'<line class="grid" x1="{x:.1f}" y1="{y:.1f}" x2="{grid_to:.1f}" y2="{y:.1f}" '
                f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            )
        out.append(
            f'<text class="y-label" x="{x + offset:.1f}" y="{y + 3:.1f}" '
            f'text-anchor="{anchor}">{_text(tick_format(tick, axis.unit))}</text>'
        )
    title = _text(unit_label(axis.unit))
    if title:
        middle = (axis.top + axis.bottom) / 2
        tx = x + (50 if right else -62)
        out.append(
            f'<text class="axis-title" x="{tx:.1f}" y="{middle:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 {tx:.1f} {middle:.1f})">{title}</text>'
        )
    return out


def _polyline(points: list[tuple[float, float] | None], colour: str, *, dashed: bool) -> list[str]:
    """One polyline per unbroken run of points (a missing value breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    kind = "limit" if dashed else "line"
    out = []
    for run in runs:
        if len(run) >= 2:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(
                f'<polyline class="{kind}" points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="{1.2 if dashed else 1.8}"{dash}/>'
            )
    return out


def _legend(drawn: Sequence[Column], colours: dict[str, str], y: float, left: float) -> list[str]:
    out, x = [], left
    for column in drawn:
        colour = colours[column.key]
        if column.draw == "bar":
            mark = f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="10" height="10" fill="{colour}"/>'
        elif column.draw == "scatter":
            mark = f'<circle cx="{x + 5:.1f}" cy="{y - 3:.1f}" r="3" fill="{colour}"/>'
        else:
            dash = ' stroke-dasharray="4 3"' if column.draw == "limit" else ""
            mark = (
                f'<line x1="{x:.1f}" y1="{y - 3:.1f}" x2="{x + 14:.1f}" y2="{y - 3:.1f}" '
                f'stroke="{colour}" stroke-width="2"{dash}/>'
            )
        label = _text(column.label)
        out.append(f'<g class="legend">{mark}<text x="{x + 18:.1f}" y="{y:.1f}">{label}</text></g>')
        x += 28 + 6 * len(str(column.label))
    return out


def _colours(drawn: Sequence[Column]) -> dict[str, str]:
    colours, index = {}, 0
    for column in drawn:
        if column.draw == "limit":
            colours[column.key] = LIMIT_COLOUR
        else:
            colours[column.key] = PALETTE[index % len(PALETTE)]
            index += 1
    return colours


def _xy(table: Table, drawn: list[Column]) -> SafeString:
    rows = table.rows
    primary_unit = drawn[0].unit
    secondary = [c for c in drawn if c.unit != primary_unit]
    primary = [c for c in drawn if c.unit == primary_unit]
    slanted = len(rows) > 8 or any(len(row.label) > 10 for row in rows)
    top, left = 14.0, 80.0
    right = WIDTH - (64.0 if secondary else 16.0)
    bottom = HEIGHT - (96.0 if slanted else 44.0)
    band = (right - left) / len(rows)
    stacked = table.chart == "stacked"
    bars = [c for c in primary if c.draw == "bar"]

    def extent(columns: Sequence[Column]) -> list[float]:
        found = [v for c in columns for v in _series_values(rows, c) if v is not None]
        if stacked and bars and columns is primary:
            found += [
                sum(v for c in bars if (v := _number(row.values.get(c.key))) is not None)
                for row in rows
            ]
        return found

    axis, ticks = _axis(extent(primary), primary_unit, top, bottom)
    body = _y_axis(axis, ticks, left, right=False, grid_to=right)
    axis2 = None
    if secondary:
        axis2, ticks2 = _axis(extent(secondary), secondary[0].unit, top, bottom)
        body += _y_axis(axis2, ticks2, right, right=True, grid_to=right)

    colours = _colours(drawn)
    body += _bars(rows, bars, colours, axis, left, band, stacked=stacked)
    second_bars = [c for c in secondary if c.draw == "bar"]
    if axis2 is not None and second_bars:
        body += _bars(rows, second_bars, colours, axis2, left, band, stacked=stacked)
    # Points mark the values of the first line only (a centre line or a limit needs none).
    dotted = next((c.key for c in drawn if c.draw == "line"), None)
    for column in drawn:
        if column.draw == "bar":
            continue
        scale = axis if column in primary or axis2 is None else axis2
        points: list[tuple[float, float] | None] = [
            None if v is None else (left + band * (i + 0.5), scale.y(v))
            for i, v in enumerate(_series_values(rows, column))
        ]
        colour = colours[column.key]
        if column.draw in ("line", "limit"):
            body += _polyline(points, colour, dashed=column.draw == "limit")
        if column.draw == "scatter" or (column.key == dotted and len(rows) <= 60):
            body += [
                f'<circle class="point" cx="{p[0]:.1f}" cy="{p[1]:.1f}" '
                f'r="{2.6 if column.draw == "scatter" else 2}" fill="{colour}"/>'
                for p in points
                if p is not None
            ]
    body += _signals(table, drawn, primary, axis, axis2, left, band)
    zero = axis.y(0) if axis.low <= 0 <= axis.high else bottom
    body.append(
        f'<line class="axis" x1="{left:.1f}" y1="{zero:.1f}" x2="{right:.1f}" y2="{zero:.1f}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="0.8"/>'
    )
    body += _x_labels(rows, left, band, bottom)
    body += _legend(drawn, colours, HEIGHT - 8, left)
    return _svg(WIDTH, HEIGHT, table, body)


def _signals(
    table: Table,
    drawn: Sequence[Column],
    primary: Sequence[Column],
    axis: Axis,
    axis2: Axis | None,
    left: float,
    band: float,
) -> list[str]:
    """A ring around each point where a control-chart rule fired (rows whose ``signal`` value
    names the rules), on the first line or points drawn."""
    keys = {column.key for column in table.columns}
    plotted = next((c for c in drawn if c.draw in ("line", "scatter")), None)
    if "signal" not in keys or plotted is None:
        return []
    scale = axis if plotted in primary or axis2 is None else axis2
    out = []
    for index, row in enumerate(table.rows):
        value = _number(row.values.get(plotted.key))
        if value is None or not row.values.get("signal"):
            continue
        out.append(
            f'<circle class="signal" cx="{left + band * (index + 0.5):.1f}" '
            f'cy="{scale.y(value):.1f}" r="5" fill="none" stroke="{LIMIT_COLOUR}" '
            f'stroke-width="1.6"><title>{_text(row.values["signal"])}</title></circle>'
        )
    return out


def _bars(
    rows: Sequence[Row],
    bars: Sequence[Column],
    colours: dict[str, str],
    axis: Axis,
    left: float,
    band: float,
    *,
    stacked: bool,
) -> list[str]:
    if not bars:
        return []
    out = []
    inner = min(band * 0.76, 48.0 * (1 if stacked else len(bars)))
    width = inner if stacked else inner / len(bars)
    zero = axis.y(max(axis.low, 0))
    for index, row in enumerate(rows):
        start = left + band * index + (band - inner) / 2
        base = 0.0
        for position, column in enumerate(bars):
            value = _number(row.values.get(column.key))
            if value is None:
                continue
            x = start if stacked else start + position * width
            y0, y1 = (axis.y(base), axis.y(base + value)) if stacked else (zero, axis.y(value))
            base += value if stacked else 0
            y, height = min(y0, y1), abs(y1 - y0)
            label = _text(f"{row.label}: {column.label} {value_format(value, column.unit)}")
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width - 1, 0.5):.1f}" '
                f'height="{height:.1f}" fill="{colours[column.key]}"><title>{label}</title></rect>'
            )
    return out


# ---------------------------------------------------------------------------------------------
# Cross-tabulation: a grid of shaded cells, each with its count


def _heatmap(table: Table) -> SafeString:
    columns, rows = table.columns, table.rows
    left, top = 170.0, 92.0
    cell_w = min(64.0, (WIDTH - left - 10) / len(columns))
    cell_h = 20.0
    height = top + cell_h * len(rows) + 10
    values = [_number(row.values.get(c.key)) for row in rows for c in columns]
    high = max([v for v in values if v is not None] or [0.0]) or 1.0
    body = []
    for index, column in enumerate(columns):
        x = left + cell_w * (index + 0.5)
        body.append(
            f'<text class="x-label" x="{x:.1f}" y="{top - 6:.1f}" text-anchor="start" '
            f'transform="rotate(-45 {x:.1f} {top - 6:.1f})">{_text(_short(str(column.label)))}'
            "</text>"
        )
    for r, row in enumerate(rows):
        y = top + cell_h * r
        body.append(
            f'<text class="y-label" x="{left - 6:.1f}" y="{y + cell_h / 2 + 3:.1f}" '
            f'text-anchor="end">{_text(_short(row.label, 28))}</text>'
        )
        for c, column in enumerate(columns):
            value = _number(row.values.get(column.key))
            x = left + cell_w * c
            share = 0.0 if value is None else max(value, 0) / high
            fill = f"rgba(0, 114, 178, {0.08 + 0.8 * share:.2f})" if value else "#FFFFFF"
            ink = "#FFFFFF" if share > 0.55 else TEXT_COLOUR
            body.append(
                f'<rect class="cell" x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" '
                f'height="{cell_h:.1f}" fill="{fill}" stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            )
            if value:
                body.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 3:.1f}" '
                    f'text-anchor="middle" fill="{ink}">'
                    f"{_text(value_format(value, column.unit))}</text>"
                )
    return _svg(WIDTH, height, table, body)
