"""Checking an import: every row of a ``Table`` validated and normalised, every problem
reported (row, column, reason), nothing written (``table_check`` → ``Plan``).

Each row is identified by a hash of its checked values (``IntakeKey`` scope "import"): a row
repeated in the file, or imported before, is left out of the plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Category, Channel, Product, VulnerableGroup
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get
from redress.core.text import MemoisedFold, fold
from redress.intake.importing.read import FIELD_NAMES, FIELDS, Table
from redress.intake.models import IntakeKey

SCOPE = "import"  # the intake keys of imported rows

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
    "consent_time": _("A consent time is given, but the consent column does not say yes."),
}
_CONSENT_FIELDS = ("consent", "consent_at")


@dataclass
class RowError:
    """A problem in the file: where (row, column) and what (a code of ``MESSAGES``, its
    parameters). Stored on the batch as a list (``as_list``) and rendered when read."""

    row: int  # the row number as a spreadsheet shows it (the header is row 1)
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.code, self.params]


@dataclass
class CheckedRow:
    """A valid row: its number in the file, its normalised values and its identity (``row_key``)."""

    row: int
    values: dict[str, Any]
    key: str


@dataclass
class Plan:
    """What an import would do: the rows to write, and every problem found (none to write)."""

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


class _Checker:
    """Checks rows one by one against what the database holds (categories, products, units),
    read once."""

    def __init__(self, default_channel: str):
        self.fold = MemoisedFold()
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
        # Consent to the personal-data notice only where the file says yes (silence is not
        # consent); its time, when given, is when it was given, else when the complaint was received.
        values["consent"] = self._bool(text["consent"], "consent", fail)
        values["consent_at"] = self._datetime(text["consent_at"], "consent_at", fail)
        if values["consent_at"] is not None and not values["consent"]:
            fail("consent_at", "consent_time")
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
    # Without consent a row hashes as it did before the consent columns existed, so a file
    # imported earlier is still recognised.
    names = sorted(n for n in values if values[n] or n not in _CONSENT_FIELDS)
    canonical = "\x1f".join(f"{name}\x1e{values[name]}" for name in names)
    return hashlib.sha256(canonical.encode()).hexdigest()


def table_check(
    table: Table,
    mapping: dict[str, str],
    *,
    default_channel: str = Channel.API,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Check every row of the table and plan the import (nothing is written). ``mapping`` is
    header → field name. The plan lists every problem, and leaves out the rows repeated in the
    file or imported before."""
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Row"), gettext("Column"), gettext("Reason")])
    for error in errors:
        writer.writerow([error.row, error.column, error.message])
    return "\ufeff" + out.getvalue()  # with a BOM, so that Excel reads Vietnamese correctly
