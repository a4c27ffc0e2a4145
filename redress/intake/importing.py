"""Importing complaints from a CSV or Excel file (docs/import.md).

Two passes. ``import_check`` maps the columns, validates every row and reports every problem
(row, column, reason) without writing anything. ``import_run`` then writes all rows in one
transaction, or none: a file with one bad row imports nothing.

Each row is identified by a hash of its values (``IntakeKey`` scope "import"): importing the
same file again, or a file that repeats rows already imported, creates nothing new for them.

Writing 100,000 complaints one service call at a time takes far longer than an operator will
wait, so ``import_run`` is a bulk receive path that keeps the rules of ``complaint_receive``:

- references are reserved from the same per-year counters under the same row lock, in file
  order, so they stay unique and gap-free (a failed import gives its numbers back);
- every complaint gets its "receive" event and its own audit entry, chained in order under the
  audit chain's lock, exactly as the service writes them;
- priority, severity, significance, search text and the hashed tracking code are computed as
  the service computes them, and managers are told of significant complaints;
- deadlines come from the SLA engine: the new complaints are handed to its batched
  recomputation task once the import has committed (it starts their clocks).

Imported complaints are records the organisation already holds: no receipt email is sent.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import audit_record, entry_hash
from redress.complaints.models import (
    Category,
    Channel,
    Complainant,
    Complaint,
    ComplaintEvent,
    Priority,
    Product,
    ReferenceCounter,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.references import tracking_code_hash
from redress.complaints.transitions import VISIBLE_TO_COMPLAINANT, Action
from redress.core.actors import Actor
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get
from redress.core.text import fold
from redress.intake.models import IntakeKey

SCOPE = "import"
CHUNK = 2000
DEADLINE_BATCH = 200  # complaints per SLA task


@dataclass(frozen=True)
class ImportField:
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
]
FIELD_NAMES = {f.name: f for f in FIELDS}

# Error codes and their messages; rendered in the reader's language when shown or downloaded.
MESSAGES: dict[str, Any] = {
    "required": _("This field is required."),
    "contact": _("Give at least one way to reach the complainant: email, phone or address."),
    "email": _("“%(value)s” is not a valid email address."),
    "date": _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY)."),
    "datetime": _("“%(value)s” is not a date and time (use YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM)."),
    "future": _("The date is in the future."),
    "amount": _("“%(value)s” is not a whole, positive number of đồng."),
    "choice": _("“%(value)s” is not one of: %(choices)s."),
    "unknown": _("No %(what)s has the code or name “%(value)s”."),
    "boolean": _("“%(value)s” is not yes or no."),
    "too_long": _("Longer than %(limit)s characters."),
    "no_rows": _("The file has no rows to import."),
    "missing_column": _("No column is mapped to the required field “%(field)s”."),
    "file": _("The file cannot be read: %(error)s"),
}


@dataclass
class RowError:
    row: int  # the row number as a spreadsheet shows it (the header is row 1)
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.code, self.params]


class FileUnreadable(Exception):
    pass


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


# ---------------------------------------------------------------------------------------------
# Reading


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
    from django.utils import translation

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


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]
    key: str


@dataclass
class Plan:
    rows: list[CheckedRow]
    errors: list[RowError]
    total: int
    repeated: int = 0  # rows identical to an earlier row of the file
    already: int = 0  # rows imported before

    @property
    def ok(self) -> bool:
        return not self.errors


def _choices(
    choices: Iterable[tuple[str, Any]], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Accepted spellings (code, English and Vietnamese labels, folded) → code."""
    from django.utils import translation

    found: dict[str, str] = dict(extra or {})
    for code, label in choices:
        if not code:
            continue
        found[fold(code)] = code
        found[fold(code.replace("_", " "))] = code
        for language in ("en", "vi"):
            with translation.override(language):
                found[fold(str(label))] = code
    return found


_TRUE = {"1", "x", "yes", "y", "true", "co", "dung"}
_FALSE = {"", "0", "no", "n", "false", "khong", "sai"}
_TIME = r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$"
_ISO = re.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_DMY = re.compile(r"^\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})" + _TIME)


class _Folder:
    """``core.text.fold``, word by word with a memory: Vietnamese is written in syllables
    separated by spaces, a few thousand in all, so almost every word of a row was folded on an
    earlier row; ASCII words (emails, phones, references) only need lower-casing. Gives exactly
    what ``fold`` gives for the whole text, several times faster on 100,000 rows."""

    def __init__(self) -> None:
        self.words: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        words = self.words
        out = []
        for word in text.split():
            if word.isascii():
                out.append(word.lower())
                continue
            folded = words.get(word)
            if folded is None:
                folded = words[word] = fold(word)
            if folded:
                out.append(folded)
        return " ".join(out)


class _Checker:
    def __init__(self, default_channel: str):
        self.fold = _Folder()
        self.what = {
            "category": str(_("category")),
            "product": str(_("product or service")),
            "unit": str(_("unit")),
        }
        organisation = organisation_get()
        self.tz = zoneinfo.ZoneInfo(organisation.time_zone)
        self.now = timezone.now()
        self.today = self.now.astimezone(self.tz).date()
        self.default_channel = default_channel
        self.channels = _choices(
            Channel.choices, {"dien thoai": "phone", "truc tiep": "in_person", "thu": "letter"}
        )
        self.groups = _choices(VulnerableGroup.choices)
        self.languages = {
            "vi": "vi",
            "en": "en",
            "tieng viet": "vi",
            "vietnamese": "vi",
            "english": "en",
            "tieng anh": "en",
        }
        self.categories = self._lookup(Category.objects.all())
        self.products = self._lookup(Product.objects.all())
        self.units: dict[str, int] = {}
        for unit in OrgUnit.objects.filter(is_active=True):
            for key in (unit.code, unit.name, unit.name_en):
                if key:
                    self.units.setdefault(fold(key), unit.pk)

    @staticmethod
    def _lookup(objects: Iterable[Any]) -> dict[str, int]:
        found: dict[str, int] = {}
        for obj in objects:
            for key in (obj.code, obj.name_vi, obj.name_en):
                if key:
                    found.setdefault(fold(key), obj.pk)
        return found

    def row(
        self, number: int, raw: dict[str, str], columns: dict[str, str]
    ) -> tuple[dict[str, Any], list[RowError]]:
        """Normalised values of one row and its errors. ``columns`` maps field → header."""
        errors: list[RowError] = []
        values: dict[str, Any] = {}

        def fail(name: str, code: str, **params: Any) -> None:
            errors.append(
                RowError(number, columns.get(name, str(FIELD_NAMES[name].label)), code, params)
            )

        text = dict.fromkeys(FIELD_NAMES, "")
        for name, value in raw.items():
            text[name] = value.strip() if name == "description" else " ".join(value.split())
        for name, limit in (
            ("full_name", 200),
            ("subject", 300),
            ("organisation", 200),
            ("order_ref", 100),
            ("phone", 32),
            ("email", 254),
        ):
            if len(text[name]) > limit:
                fail(name, "too_long", limit=limit)
        for f in FIELDS:
            if f.required and not text[f.name]:
                fail(f.name, "required")
        if not (text["email"] or text["phone"] or text["address"]):
            fail("email" if "email" in columns else "phone", "contact")
        if text["email"]:
            try:
                validate_email(text["email"])
            except ValidationError:
                fail("email", "email", value=text["email"])
        values.update(
            {
                k: text[k]
                for k in (
                    "full_name",
                    "email",
                    "phone",
                    "address",
                    "organisation",
                    "subject",
                    "description",
                    "order_ref",
                    "remedy_requested",
                )
            }
        )
        values["email"] = values["email"].lower()
        values["preferred_language"] = self._choice(
            text["preferred_language"], self.languages, "preferred_language", fail, default="vi"
        )
        values["vulnerable_group"] = self._choice(
            text["vulnerable_group"], self.groups, "vulnerable_group", fail, default=""
        )
        values["channel"] = self._choice(
            text["channel"], self.channels, "channel", fail, default=self.default_channel
        )
        values["category"] = self._known(
            text["category"], self.categories, "category", self.what["category"], fail
        )
        values["product"] = self._known(
            text["product"], self.products, "product", self.what["product"], fail
        )
        values["unit"] = self._known(text["unit"], self.units, "unit", self.what["unit"], fail)
        values["received_at"] = self._datetime(text["received_at"], "received_at", fail)
        values["occurred_on"] = self._date(text["occurred_on"], "occurred_on", fail)
        values["amount_claimed"] = self._amount(text["amount_claimed"], "amount_claimed", fail)
        values["health_safety"] = self._bool(text["health_safety"], "health_safety", fail)
        values["is_negotiation_request"] = self._bool(
            text["is_negotiation_request"], "is_negotiation_request", fail
        )
        return values, errors

    def _choice(
        self,
        value: str,
        choices: dict[str, str],
        name: str,
        fail: Callable[..., None],
        *,
        default: str,
    ) -> str:
        if not value:
            return default
        code = choices.get(self.fold(value))
        if code is None:
            fail(name, "choice", value=value, choices=", ".join(sorted(set(choices.values()))))
            return default
        return code

    def _known(
        self, value: str, table: dict[str, int], name: str, what: Any, fail: Callable[..., None]
    ) -> int | None:
        if not value:
            return None
        pk = table.get(self.fold(value))
        if pk is None:
            fail(name, "unknown", what=str(what), value=value)
        return pk

    def _parse(self, value: str) -> tuple[dt.datetime | None, bool]:
        """(local datetime, has a time) of "YYYY-MM-DD[ HH:MM[:SS]]" or "DD/MM/YYYY[ HH:MM[:SS]]"."""
        match = _ISO.match(value) or _DMY.match(value)
        if match is None:
            return None, False
        parts = match.groupdict()
        try:
            at = dt.datetime(  # noqa: DTZ001 - local time, the zone is added by the caller
                int(parts["y"]),
                int(parts["m"]),
                int(parts["d"]),
                int(parts["H"] or 0),
                int(parts["M"] or 0),
                int(parts["S"] or 0),
            )
        except ValueError:
            return None, False
        return at, parts["H"] is not None

    def _date(self, value: str, name: str, fail: Callable[..., None]) -> dt.date | None:
        if not value:
            return None
        parsed, _has_time = self._parse(value)
        if parsed is None:
            fail(name, "date", value=value)
            return None
        if parsed.date() > self.today:
            fail(name, "future")
        return parsed.date()

    def _datetime(self, value: str, name: str, fail: Callable[..., None]) -> dt.datetime | None:
        if not value:
            return None
        parsed, has_time = self._parse(value)
        if parsed is None:
            fail(name, "datetime", value=value)
            return None
        if not has_time:
            parsed = parsed.replace(hour=8)  # a date alone: the start of the working day
        at = parsed.replace(tzinfo=self.tz)
        if at > self.now:
            fail(name, "future")
        return at

    @staticmethod
    def _amount(value: str, name: str, fail: Callable[..., None]) -> Decimal | None:
        if not value:
            return None
        cleaned = re.sub(r"[\s.,_]|đ$|vnd$|VND$|₫$", "", value.strip())
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            fail(name, "amount", value=value)
            return None
        if amount < 0 or amount != amount.to_integral_value() or len(cleaned) > 16:
            fail(name, "amount", value=value)
            return None
        return amount

    def _bool(self, value: str, name: str, fail: Callable[..., None]) -> bool:
        key = self.fold(value) if value else ""
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        fail(name, "boolean", value=value)
        return False


def row_key(values: dict[str, Any]) -> str:
    """The identity of a row: a hash of its checked values (not of its spelling: "05/11/2026"
    and "2026-11-05" are the same row)."""
    canonical = "\x1f".join(f"{name}\x1e{values[name]}" for name in sorted(values))
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_check(
    table: Table,
    mapping: dict[str, str],
    *,
    default_channel: str = Channel.API,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Validate every row (nothing is written). ``mapping`` is header → field name."""
    columns = {name: header for header, name in mapping.items() if name in FIELD_NAMES}
    errors: list[RowError] = []
    for f in FIELDS:
        if f.required and f.name not in columns:
            errors.append(RowError(1, str(f.label), "missing_column", {"field": str(f.label)}))
    if not table.rows:
        errors.append(RowError(1, "", "no_rows"))
    if errors:
        return Plan(rows=[], errors=errors, total=len(table.rows))
    index = {header: i for i, header in enumerate(table.headers)}
    positions = {name: index[header] for name, header in columns.items() if header in index}
    checker = _Checker(default_channel)
    checked: list[CheckedRow] = []
    seen: set[str] = set()
    repeated = 0
    for offset, cells in enumerate(table.rows):
        number = offset + 2
        if not any(c.strip() for c in cells):
            continue
        raw = {name: (cells[pos] if pos < len(cells) else "") for name, pos in positions.items()}
        values, row_errors = checker.row(number, raw, columns)
        errors.extend(row_errors)
        key = row_key(values)
        if key in seen:
            repeated += 1
        else:
            seen.add(key)
            checked.append(CheckedRow(number, values, key))
        if progress and offset % 1000 == 999:
            progress(1000)
    if progress:
        progress(len(table.rows) % 1000)
    already: set[str] = set()
    keys = [r.key for r in checked]
    for start in range(0, len(keys), 5000):
        already.update(
            IntakeKey.objects.filter(scope=SCOPE, key__in=keys[start : start + 5000]).values_list(
                "key", flat=True
            )
        )
    fresh = [r for r in checked if r.key not in already]
    return Plan(
        rows=fresh,
        errors=errors,
        total=len(table.rows),
        repeated=repeated,
        already=len(checked) - len(fresh),
    )


def errors_csv(errors: Sequence[RowError]) -> str:
    """The error report as CSV (row, column, reason), in the active language."""
    from django.utils.translation import gettext

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Row"), gettext("Column"), gettext("Reason")])
    for error in errors:
        writer.writerow([error.row, error.column, error.message])
    return "\ufeff" + out.getvalue()  # with a BOM, so that Excel reads Vietnamese correctly


# ---------------------------------------------------------------------------------------------
# Writing

IMPORT_ACTOR = Actor.channel("import")
_AUDITED = (
    "status",
    "owner_id",
    "unit_id",
    "priority",
    "severity",
    "classification",
    "health_safety",
    "is_significant",
    "paused_at",
    "pause_reason",
)


@dataclass
class ImportResult:
    created: int
    complaint_ids: list[int]
    references: tuple[str, str] | None  # first and last reference created


def import_run(
    plan: Plan,
    *,
    actor: Actor = IMPORT_ACTOR,
    source: str = "import",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write every checked row as a received complaint, all or nothing (see the module doc).
    Refuses a plan with errors."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be imported")
    if not plan.rows:
        return ImportResult(0, [], None)
    with transaction.atomic():
        result = _write(plan.rows, actor=actor, source=source, progress=progress)
        ids = result.complaint_ids
        transaction.on_commit(lambda: _deadlines_schedule(ids))
    return result


def _reserve(
    rows: Sequence[CheckedRow], received: list[dt.datetime], tz: zoneinfo.ZoneInfo
) -> dict[int, int]:
    """Lock each year's counter (as ``reference_next`` does) and take the numbers at once."""
    years: dict[int, int] = {}
    for at in received:
        year = at.astimezone(tz).year
        years[year] = years.get(year, 0) + 1
    first: dict[int, int] = {}
    for year in sorted(years):
        counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        first[year] = counter.last + 1
        counter.last += years[year]
        counter.save(update_fields=["last"])
    return first


def _write(
    rows: Sequence[CheckedRow], *, actor: Actor, source: str, progress: Callable[[int], None] | None
) -> ImportResult:
    from redress.handling.services import default_intake_unit

    organisation = organisation_get()
    tz = zoneinfo.ZoneInfo(organisation.time_zone)
    now = timezone.now()
    default_unit = default_intake_unit().pk
    received = [r.values["received_at"] or now for r in rows]
    next_number = _reserve(rows, received, tz)
    head = AuditChainHead.objects.select_for_update().filter(
        pk=1
    ).first() or AuditChainHead.objects.create(pk=1)
    people = _complainants(rows)
    folder = _Folder()
    receive = str(Action.RECEIVE)
    visible = Action.RECEIVE in VISIBLE_TO_COMPLAINANT
    target_type = Complaint._meta.label_lower
    ids: list[int] = []
    significant: list[tuple[int, int]] = []
    references: list[str] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        complaints: list[dict[str, Any]] = []
        for row, at in zip(chunk, received[start : start + CHUNK], strict=True):
            v = row.values
            person = people[_person_key(v)]
            year = at.astimezone(tz).year
            reference = f"{organisation.reference_prefix}-{year}-{next_number[year]:06d}"
            next_number[year] += 1
            # As complaint_receive: vulnerable → high priority; health or safety → urgent, high.
            priority, severity = Priority.NORMAL, Severity.MEDIUM
            if person["vulnerable_group"]:
                priority = Priority.HIGH
            if v["health_safety"]:
                priority, severity = Priority.URGENT, Severity.HIGH
            subject = v["subject"][:300]
            complaints.append(
                {
                    "reference": reference,
                    # The code of an imported complaint is random and never shown (as with any
                    # complaint whose receipt was not sent); staff can give the complainant a new one.
                    "tracking_code_hash": tracking_code_hash(reference, secrets.token_urlsafe(12)),
                    "status": Status.RECEIVED.value,
                    "channel": v["channel"],
                    "received_at": at,
                    "received_by_id": actor.user_id,
                    "language": v["preferred_language"],
                    "source_system": source[:64],
                    "complainant_id": person["id"],
                    "subject": subject,
                    "description": v["description"],
                    "occurred_on": v["occurred_on"],
                    "category_id": v["category"],
                    "product_id": v["product"],
                    "order_ref": v["order_ref"][:100],
                    "remedy_requested": v["remedy_requested"],
                    "amount_claimed": v["amount_claimed"],
                    "currency": organisation.currency,
                    "is_negotiation_request": v["is_negotiation_request"],
                    "health_safety": v["health_safety"],
                    "priority": priority.value,
                    "severity": severity.value,
                    "is_significant": bool(
                        v["health_safety"]
                        or severity == Severity.HIGH
                        or person["vulnerable_group"]
                    ),
                    "unit_id": v["unit"] or default_unit,
                    # As ``complaint_receive`` writes them (``complaints.search``).
                    "search_text": folder(
                        " ".join(
                            p for p in (reference, subject, v["description"], v["order_ref"]) if p
                        )
                    ),
                    "search_personal": folder(
                        " ".join(
                            p
                            for p in (
                                person["full_name"],
                                person["organisation"],
                                person["email"],
                                person["phone"],
                                "".join(ch for ch in person["phone"] if ch.isdigit()),
                            )
                            if p
                        )
                    ),
                    "updated_at": now,
                }
            )
        complaint_ids = _insert(Complaint, complaints)
        events = []
        for c, row in zip(complaints, chunk, strict=True):
            events.append(
                {
                    "complaint_id": None,
                    "at": c["received_at"],
                    "action": receive,
                    "from_status": "",
                    "to_status": Status.RECEIVED.value,
                    "actor_kind": actor.kind,
                    "actor_label": actor.label[:150],
                    "actor_user_id": actor.user_id,
                    "method": c["channel"],
                    "data": {
                        "channel": c["channel"],
                        "negotiation_request": c["is_negotiation_request"],
                        "attachments": 0,
                        "import_row": row.row,
                    },
                    "visible_to_complainant": visible,
                }
            )
        for event, pk in zip(events, complaint_ids, strict=True):
            event["complaint_id"] = pk
        event_ids = _insert(ComplaintEvent, events)
        entries = []
        for c, pk, event, event_id in zip(
            complaints, complaint_ids, events, event_ids, strict=True
        ):
            # The audit entry complaint_receive writes: the audited fields that are set.
            after = {
                "status": c["status"],
                "unit_id": c["unit_id"],
                "priority": c["priority"],
                "severity": c["severity"],
                "classification": "",
                "health_safety": c["health_safety"],
                "is_significant": c["is_significant"],
                "pause_reason": "",
                "event": event_id,
                "data": event["data"],
            }
            entry = _Entry(
                seq=head.seq + 1,
                at=c["received_at"],
                actor_kind=actor.kind,
                actor_label=actor.label[:150],
                actor_user_id=actor.user_id,
                action=f"complaint.{receive}",
                target_type=target_type,
                target_id=str(pk),
                target_label=c["reference"][:150],
                before={},
                after=after,
                prev_hash=head.hash,
            )
            entry.hash = entry_hash(entry)  # type: ignore[arg-type]
            head.seq, head.hash = entry.seq, entry.hash
            entries.append(entry.__dict__)
        _insert(AuditEntry, entries)
        _insert(
            IntakeKey,
            [
                {
                    "scope": SCOPE,
                    "key": row.key,
                    "fingerprint": row.key,
                    "complaint_id": pk,
                    "created_at": now,
                }
                for row, pk in zip(chunk, complaint_ids, strict=True)
            ],
        )
        ids.extend(complaint_ids)
        significant.extend(
            (pk, c["unit_id"])
            for pk, c in zip(complaint_ids, complaints, strict=True)
            if c["is_significant"]
        )
        references.extend((complaints[0]["reference"], complaints[-1]["reference"]))
        if progress:
            progress(len(chunk))
    head.save(update_fields=["seq", "hash"])
    _tell_managers(significant)
    return ImportResult(len(ids), ids, (references[0], references[-1]) if references else None)


@dataclass
class _Entry:
    """An audit entry as ``entry_hash`` reads it (a plain object: building 100,000 model
    instances costs more than the rest of the import)."""

    seq: int
    at: dt.datetime
    actor_kind: str
    actor_label: str
    actor_user_id: int | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict[str, Any]
    after: dict[str, Any]
    prev_hash: str
    hash: str = ""


def _insert(model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows (dicts of column attribute → value; unset fields get their defaults) and
    return their primary keys in order. PostgreSQL: ids come from the table's sequence and the
    rows are sent with COPY, an order of magnitude faster than INSERT at 100,000 rows. Other
    databases: ``bulk_create``."""
    from django.db import connection

    if not rows:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=CHUNK)
        return [obj.pk for obj in objects]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    spec = [
        (
            f.attname,
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default(),
        )
        for f in fields
    ]
    json_columns = [i + 1 for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    table = meta.db_table
    quote = connection.ops.quote_name
    dumps = json.dumps
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values: list[Any] = [pk, *[row.get(name, default) for name, default in spec]]
                for index in json_columns:
                    # JSON as text: COPY parses it into jsonb. Values here are plain JSON already.
                    values[index] = dumps(values[index], ensure_ascii=False)
                copy.write_row(values)
    return ids


def _person_key(values: dict[str, Any]) -> tuple[str, str, str]:
    # As complainant_get_or_create: the same name with the same email, or without an email
    # the same phone, is the same person.
    if values["email"]:
        return ("email", values["email"], values["full_name"])
    if values["phone"]:
        return ("phone", values["phone"], values["full_name"])
    return ("row", values["address"], values["full_name"])


_PERSON = (
    "full_name",
    "email",
    "phone",
    "address",
    "organisation",
    "preferred_language",
    "preferred_channel",
    "vulnerable_group",
)


def _complainants(rows: Sequence[CheckedRow]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The complainant of every row (as a dict with its id): found as
    ``complainant_get_or_create`` finds them, or new."""
    people: dict[tuple[str, str, str], dict[str, Any]] = {}
    emails = sorted({r.values["email"] for r in rows if r.values["email"]})
    phones = sorted(
        {r.values["phone"] for r in rows if r.values["phone"] and not r.values["email"]}
    )
    for start in range(0, len(emails), 5000):
        found = Complainant.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails[start : start + 5000]
        )
        for person in found.values("id", *_PERSON):
            people.setdefault(("email", person["email"].lower(), person["full_name"]), person)
    for start in range(0, len(phones), 5000):
        for person in Complainant.objects.filter(phone__in=phones[start : start + 5000]).values(
            "id", *_PERSON
        ):
            people.setdefault(("phone", person["phone"], person["full_name"]), person)
    new: list[dict[str, Any]] = []
    for row in rows:
        v = row.values
        key = _person_key(v)
        if key in people:
            continue
        person = {
            "full_name": v["full_name"],
            "email": v["email"],
            "phone": v["phone"],
            "address": v["address"],
            "organisation": v["organisation"],
            "preferred_language": v["preferred_language"],
            "preferred_channel": Channel.EMAIL.value if v["email"] else Channel.PHONE.value,
            "vulnerable_group": v["vulnerable_group"],
        }
        people[key] = person
        new.append(person)
    for start in range(0, len(new), CHUNK):
        part = new[start : start + CHUNK]
        for person, pk in zip(part, _insert(Complainant, part), strict=True):
            person["id"] = pk
    return people


def _tell_managers(significant: Sequence[tuple[int, int]]) -> None:
    """As the service does: the complaints managers over the unit and top management hear of
    each significant complaint (complaint id, unit id) at once."""
    if not significant:
        return
    from redress.core.roles import Role
    from redress.core.selectors import unit_ancestor_ids, users_with_role
    from redress.notifications.models import Notification

    top = users_with_role(Role.TOP_MANAGEMENT)
    by_unit: dict[int, list[int]] = {}
    rows: list[Notification] = []
    for complaint_id, unit_id in significant:
        if unit_id not in by_unit:
            managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(unit_id))
            by_unit[unit_id] = sorted({u.pk for u in [*managers, *top]})
        rows.extend(
            Notification(
                recipient_id=user_id,
                kind=Notification.Kind.SIGNIFICANT,
                complaint_id=complaint_id,
                dedupe_key=f"significant:{complaint_id}",
            )
            for user_id in by_unit[unit_id]
        )
    Notification.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)


def _deadlines_schedule(complaint_ids: list[int]) -> None:
    """Hand the new complaints to the SLA engine, in its batches (it starts their clocks)."""
    import logging

    from redress.sla.tasks import recompute_complaints

    for start in range(0, len(complaint_ids), DEADLINE_BATCH):
        try:
            recompute_complaints.enqueue(complaint_ids[start : start + DEADLINE_BATCH])
        except Exception:
            logging.getLogger(__name__).exception(
                "could not queue deadlines for %s imported complaints", len(complaint_ids)
            )


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_path(path: Path) -> bytes:
    return path.read_bytes()


def audit_import(*, actor: Actor, target: Any, label: str, data: dict[str, Any]) -> None:
    """One audit entry for the import as a whole (who imported which file, how many rows)."""
    audit_record(
        actor=actor, action="complaints.import", target=target, target_label=label[:150], after=data
    )


def import_batch_run(
    *,
    batch: Any,
    plan: Plan,
    actor: Actor = IMPORT_ACTOR,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a checked plan for an ``ImportBatch`` and record the outcome on it, all in one
    transaction, with one audit entry for the import as a whole."""
    from redress.intake.models import ImportBatch

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state == ImportBatch.State.IMPORTED:
            return ImportResult(0, [], None)
        result = import_run(plan, actor=actor, source=f"import:{locked.pk}", progress=progress)
        locked.state = ImportBatch.State.IMPORTED
        locked.created_count = result.created
        locked.skipped_count = plan.already + plan.repeated
        locked.rows_total = plan.total
        locked.imported_at = timezone.now()
        locked.first_reference, locked.last_reference = result.references or ("", "")
        locked.errors = []
        locked.save()
        audit_import(
            actor=actor,
            target=locked,
            label=locked.original_name,
            data={
                "file": locked.original_name,
                "sha256": locked.sha256,
                "rows": plan.total,
                "created": result.created,
                "already_imported": plan.already,
                "repeated": plan.repeated,
                "first": locked.first_reference,
                "last": locked.last_reference,
            },
        )
        batch.state, batch.created_count, batch.skipped_count = (
            locked.state,
            locked.created_count,
            locked.skipped_count,
        )
    return result
