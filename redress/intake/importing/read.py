"""Reading an import file: a CSV or Excel file into a ``Table``, and its columns matched to
the fields of a complaint (``mapping_guess``). Nothing here looks at the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from redress.core.text import fold


@dataclass(frozen=True)
class ImportField:
    """A field a column can be mapped to: its name, its label and the other column names that
    mean it (compared without accents and case)."""

    name: str
    label: Any
    required: bool = False
    aliases: tuple[str, ...] = ()


FIELDS: list[ImportField] = [
    ImportField(
        "full_name",
        _("Full name"),
        True,
        ("name", "ho ten", "ho va ten", "ten khach hang", "nguoi khieu nai", "complainant"),
    ),
    ImportField("email", _("Email"), False, ("e-mail", "thu dien tu")),
    ImportField(
        "phone", _("Phone"), False, ("dien thoai", "so dien thoai", "sdt", "telephone", "mobile")
    ),
    ImportField("address", _("Address"), False, ("dia chi",)),
    ImportField(
        "organisation", _("Organisation"), False, ("organization", "to chuc", "cong ty", "company")
    ),
    ImportField("preferred_language", _("Language"), False, ("language", "ngon ngu")),
    ImportField("vulnerable_group", _("Vulnerable group"), False, ("nhom de bi ton thuong",)),
    ImportField("subject", _("Subject"), True, ("tieu de", "title", "chu de")),
    ImportField(
        "description", _("What happened"), True, ("noi dung", "mo ta", "details", "text", "body")
    ),
    ImportField(
        "received_at",
        _("Received"),
        False,
        ("received", "ngay nhan", "ngay tiep nhan", "date received", "date"),
    ),
    ImportField("channel", _("Channel"), False, ("kenh", "kenh tiep nhan")),
    ImportField("category", _("Category"), False, ("danh muc", "loai", "phan loai")),
    ImportField(
        "product",
        _("Product or service"),
        False,
        ("san pham", "dich vu", "san pham dich vu", "service"),
    ),
    ImportField(
        "unit", _("Unit"), False, ("don vi", "phong ban", "department", "branch", "chi nhanh")
    ),
    ImportField(
        "order_ref",
        _("Order or contract reference"),
        False,
        ("order", "so don hang", "ma don hang", "so hop dong", "contract"),
    ),
    ImportField(
        "occurred_on", _("Date of the problem"), False, ("ngay xay ra", "ngay su viec", "occurred")
    ),
    ImportField(
        "amount_claimed", _("Amount claimed"), False, ("amount", "so tien", "so tien yeu cau")
    ),
    ImportField("remedy_requested", _("Remedy requested"), False, ("yeu cau", "de nghi", "remedy")),
    ImportField(
        "health_safety",
        _("Health or safety risk"),
        False,
        ("an toan", "suc khoe", "health", "safety"),
    ),
    ImportField(
        "is_negotiation_request", _("Negotiation request"), False, ("thuong luong", "negotiation")
    ),
    ImportField(
        "consent",
        _("Consent to the personal-data notice"),
        False,
        ("dong y", "dong y xu ly du lieu", "dong y du lieu ca nhan", "consent to notice"),
    ),
    ImportField(
        "consent_at",
        _("Consent given at"),
        False,
        ("thoi gian dong y", "ngay dong y", "consent time", "consent date", "consented at"),
    ),
]
FIELD_NAMES = {f.name: f for f in FIELDS}


class FileUnreadable(Exception):
    """The file is neither a CSV file Redress can decode nor an Excel workbook."""


@dataclass
class Table:
    """A file's header row and the rows under it, as text."""

    headers: list[str]
    rows: list[list[str]]


def table_read(content: bytes, name: str) -> Table:
    """The header and rows of a CSV (UTF-8, with or without BOM; comma, semicolon or tab) or
    an .xlsx file (first sheet). Raises ``FileUnreadable``."""
    if name.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise FileUnreadable(str(exc)) from exc
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [row for row in reader]
    if not rows:
        return Table([], [])
    return Table([h.strip() for h in rows[0]], rows[1:])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileUnreadable(f"{type(exc).__name__}: {exc}") from exc
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return Table([], [])
    return Table([h.strip() for h in rows[0]], rows[1:])


def mapping_guess(headers: Sequence[str]) -> dict[str, str]:
    """Column header → field, by the field's name, its English or Vietnamese label, or a common
    alias (compared without accents and case). Unrecognised columns are left out."""
    known: dict[str, str] = {}
    for f in FIELDS:
        for key in (f.name, f.name.replace("_", " "), str(f.label), *f.aliases):
            known.setdefault(fold(key), f.name)
    with translation.override("vi"):
        for f in FIELDS:
            known.setdefault(fold(str(f.label)), f.name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        name = known.get(fold(header).replace("_", " ").strip()) or known.get(fold(header).strip())
        if name and name not in used:
            mapping[header] = name
            used.add(name)
    return mapping
