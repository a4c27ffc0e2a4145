"""A breakdown's figures as CSV or XLSX: what its chart and its table view show.

Numbers stay numbers (an XLSX cell holds a number, with a format for percentages and money;
a CSV cell is written without separators or units), so the file can be summed and charted
again. The files hold figures only, no personal data. The XLSX has a second sheet saying what
the figures are: title, summary, period, filters and notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from redress.analytics.tables import Table

XLSX_FORMATS = {
    "percent": "0.0",
    "money": "#,##0",
    "count": "0",
    "working_days": "0.00",
    "hours": "0.00",
}


def _safe(value: str) -> str:
    # A label starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return _safe(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def table_rows(table: Table, heading: str) -> list[list[Any]]:
    """The header, then one line per row: its label and its values (numbers as numbers)."""
    lines: list[list[Any]] = [[heading, *[str(c.label) for c in table.columns]]]
    for row in table.rows:
        lines.append([_safe(row.label), *[_cell(row.values.get(c.key)) for c in table.columns]])
    return lines


def table_csv(table: Table, *, heading: str) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that spreadsheet programs read Vietnamese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for line in table_rows(table, heading):
        writer.writerow(["" if value is None else value for value in line])
    return buffer.getvalue().encode("utf-8")


def table_xlsx(table: Table, *, heading: str, about: Sequence[tuple[str, str]]) -> bytes:
    """The figures on a first sheet, what they are (``about``: label, text) on a second."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Figures")[:31])
    units = [c.unit for c in table.columns]
    for index, line in enumerate(table_rows(table, heading)):
        if index == 0:
            sheet.append(line)
            continue
        cells: list[Any] = [line[0]]
        for unit, value in zip(units, line[1:], strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if unit in XLSX_FORMATS and isinstance(value, int | float):
                cell.number_format = XLSX_FORMATS[unit]
            cells.append(cell)
        sheet.append(cells)
    notes = workbook.create_sheet(title=_("About")[:31])
    notes.append([_("Title"), str(table.title)])
    notes.append([_("Summary"), _safe(table.summary)])
    for label, text in about:
        notes.append([label, _safe(text)])
    for note in table.notes:
        notes.append([_("Note"), _safe(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
