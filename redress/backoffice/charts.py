"""One chart component: from a breakdown's ``Table`` to what its template and ``charts.js`` need.

The chart's data reach the page as JSON (``json_script``), never as JavaScript written by the
server: the labels, the columns with how each is drawn, the raw numbers and, for each count,
the address of the drill-down listing exactly the complaints it counts. The same table is
given as an accessible HTML table (the "table view") with the figures formatted in the
person's language and each count linked to its drill-down.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redress.analytics.cohort import Cohort
from redress.analytics.dashboards import row_heading
from redress.analytics.spc import BaselineTooShort
from redress.analytics.tables import BREAKDOWNS, Table, breakdown_compute
from redress.backoffice.templatetags.backoffice import money
from redress.core.read_memo import remembered

# How many decimals each unit is shown with.
PLACES = {
    "count": 0,
    "percent": 1,
    "money": 0,
    "hours": 1,
    "working_days": 1,
    "score": 2,
    "per_1000": 3,
    "rate": 3,
    "proportion": 3,
}


def _separators() -> tuple[str, str]:
    language = get_language() or "vi"
    return remembered(
        ("separators", language),
        lambda: (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")),
    )


def number(value: Any, places: int = 0, separators: tuple[str, str] | None = None) -> str:
    """A number with the person's separators: 1.234,5 in Vietnamese, 1,234.5 in English
    (``separators``, the decimal and thousands ones, when the caller already has them)."""
    text = f"{Decimal(str(value)):,.{places}f}"
    decimal, thousands = separators or _separators()
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def figure_text(value: Any, unit: str, separators: tuple[str, str] | None = None) -> str:
    """A figure as a person reads it: 87,5 %, 8.990.000 ₫, 1.234."""
    if value is None or value == "":
        return "—"
    if unit in ("text", "date") or isinstance(value, str):
        return str(value)
    text = number(value, PLACES.get(unit, 2), separators)
    if unit == "percent":
        return f"{text} %"
    if unit == "money":
        return money(value)
    return text


def _plain(value: Any) -> Any:
    """A value JSON carries as a number (Decimal is not a JSON number)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def drill_url(query: dict[str, str]) -> str:
    # A dashboard links hundreds of counts to the same page: its address is worked out once,
    # and the few keys and values its links share are each quoted once per process.
    page = remembered("drill_page", lambda: reverse("backoffice:analytics_complaints"))
    return (
        page
        + "?"
        + "&".join(f"{_quoted(key)}={_quoted(str(value))}" for key, value in query.items())
    )


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """``urlencode``'s quoting of one key or value."""
    return quote_plus(text)


def _escaped(text: str) -> str:
    """Django's ``conditional_escape`` without its lazy-text wrapper (a dashboard's tables hold
    hundreds of cells): safe text as it is, other text with ``html.escape``, as Django's
    ``escape`` does."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    numeric: bool = True


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[Cell]

    @property
    def cells_html(self) -> SafeString:
        """The row's cells as HTML, made here rather than in the template: a dashboard's charts
        hold hundreds of cells, and a template renders each one several times slower."""
        return mark_safe("".join(cell_html(cell) for cell in self.cells))  # noqa: S308 (escaped)


def cell_html(cell: Cell) -> str:
    # Plain escaping and concatenation: format_html costs several times as much per cell.
    inner = _escaped(cell.text)
    if cell.url:
        inner = f'<a href="{_escaped(cell.url)}">{inner}</a>'
    return f'<td class="num">{inner}</td>' if cell.numeric else f"<td>{inner}</td>"


@dataclass(frozen=True)
class Chart:
    """What ``partials/chart.html`` draws."""

    id: str
    code: str
    title: str
    summary: str
    heading: str
    columns: list[Any]
    rows: list[TableRow]
    notes: list[str]
    signals: list[str]
    spec: dict[str, Any]
    query: str  # the filters, for the downloads and the chart's own page

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def body_html(self) -> SafeString:
        """The table view's rows, made here: a control chart has a row a week, and a template
        renders each row several times slower."""
        return mark_safe(  # noqa: S308 (escaped)
            "".join(
                f'<tr><th scope="row">{_escaped(row.label)}</th>{row.cells_html}</tr>'
                for row in self.rows
            )
        )

    @property
    def data_html(self) -> SafeString:
        """The chart's data for ``charts.js``: Django's ``json_script``, its escapes made with
        three replacements rather than a character-by-character translation (a control chart's
        data run to 14 kB)."""
        text = json.dumps(self.spec, cls=DjangoJSONEncoder)
        for character, escaped in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
            text = text.replace(character, escaped)
        return mark_safe(  # noqa: S308 (JSON with every character that ends a script escaped)
            f'<script id="{_escaped(self.data_id)}" type="application/json">{text}</script>'
        )

    @property
    def notes_html(self) -> SafeString:
        """The notes as list items; a control chart's signals (every note after the first, its
        baseline) are marked as such."""
        return mark_safe(  # noqa: S308 (escaped)
            "".join(
                f'<li class="signal">{_escaped(note)}</li>'
                if index and self.signals
                else f"<li>{_escaped(note)}</li>"
                for index, note in enumerate(self.notes)
            )
        )


def chart_build(table: Table, *, query: str = "") -> Chart:
    """The chart component of one breakdown; ``query`` holds the filters it was computed with."""
    rows = []
    spec_rows = []
    # Read once for the chart's hundreds of cells: the person's language is asked of the
    # request's thread-local state, which costs more than formatting a number.
    separators = _separators()
    for row in table.rows:
        cells, drills = [], {}
        for column in table.columns:
            value = row.values.get(column.key)
            url = drill_url(row.drill[column.key]) if column.key in row.drill else ""
            if url:
                drills[column.key] = url
            cells.append(
                Cell(
                    figure_text(value, column.unit, separators),
                    url,
                    numeric=column.unit not in ("text", "date"),
                )
            )
        rows.append(TableRow(row.label, cells))
        spec_rows.append({"values": {k: _plain(v) for k, v in row.values.items()}, "drill": drills})
    language = (get_language() or "vi")[:2]
    spec = {
        "code": table.code,
        "chart": table.chart,
        "title": str(table.title),
        "lang": language,
        "labels": [row.label for row in table.rows],
        "columns": [
            {"key": c.key, "label": str(c.label), "unit": c.unit, "draw": c.draw}
            for c in table.columns
        ],
        "rows": spec_rows,
        "text": {"signal": _("Signal")},
    }
    # A control chart's notes: first the baseline of its limits, then one line per signal.
    signals = table.notes[1:] if table.chart == "control" else []
    return Chart(
        id=f"chart-{table.code}",
        code=table.code,
        title=str(table.title),
        summary=table.summary,
        heading=row_heading(table.code),
        columns=table.columns,
        rows=rows,
        notes=table.notes,
        signals=signals,
        spec=spec,
        query=query,
    )


def table_compute(code: str, cohort: Cohort) -> Table:
    """A breakdown's table; a control chart whose baseline holds no usable week (nothing yet
    to judge) comes back empty, saying so, instead of failing the page."""
    try:
        return breakdown_compute(code, cohort)
    except BaselineTooShort as error:
        return Table(code, BREAKDOWNS[code][0], str(error), "control", [], [])


def chart_compute(code: str, cohort: Cohort, *, query: str = "") -> Chart:
    return chart_build(table_compute(code, cohort), query=query)
