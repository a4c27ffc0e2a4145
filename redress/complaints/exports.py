"""CSV and XLSX exports of complaint lists (ISO 10002 8.1, REQ-8.1-1).

An export contains only what the person can see (the queryset starts from the visibility gate)
and masks the complainant's details wherever they have no need-to-know (REQ-4.10-1). Each
export is recorded in the audit trail: who exported how many rows, masked or not.

Exports stream in constant memory, whatever their length: rows are read as tuples of the
exported columns only (``values_list`` through a server-side cursor, ``CHUNK`` rows at a time),
labels come from dictionaries built once per export (choices, categories, units, owners), and
the masking is ``masking``'s own functions applied to those tuples. CSV is produced chunk by
chunk; XLSX is written by xlsxwriter in its constant-memory mode to a temporary file. Exports
longer than ``REDRESS_EXPORT_INLINE_MAX`` rows are built by a background job (``export_jobs``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db.models import Field, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.audit.services import audit_record
from redress.complaints.masking import PersonalDataScope, mask_email, mask_name, mask_phone
from redress.complaints.models import Category, Complaint
from redress.core.actors import Actor
from redress.core.models import OrgUnit, User
from redress.core.selectors import organisation_get

CHUNK = 2_000
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

COLUMNS = [
    ("reference", _("Reference")),
    ("received_at", _("Received")),
    ("channel", _("Channel")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    ("severity", _("Severity")),
    ("category", _("Category")),
    ("unit", _("Unit")),
    ("owner", _("Owner")),
    ("subject", _("Subject")),
    ("complainant", _("Complainant")),
    ("email", _("Email")),
    ("phone", _("Phone")),
    ("due_at", _("Deadline")),
    ("closed_at", _("Closed")),
]

# What is read of each complaint, in this order (``_cells`` unpacks it).
_FIELDS = (
    "reference",
    "received_at",
    "channel",
    "status",
    "priority",
    "severity",
    "category_id",
    "unit_id",
    "owner_id",
    "subject",
    "complainant__full_name",
    "complainant__email",
    "complainant__phone",
    "closed_at",
    "subject_staff_id",
)


def unknown_format_message(fmt: str) -> str:
    return gettext("Unknown export format “%(format)s”: choose CSV or XLSX.") % {"format": fmt}


def inline_max() -> int:
    """The most rows an export is built in the request; longer ones go to a background job."""
    return int(getattr(settings, "REDRESS_EXPORT_INLINE_MAX", 20_000))


def rows_exceed(queryset: QuerySet[Complaint], limit: int) -> bool:
    """Whether the queryset holds more than ``limit`` rows, counting at most ``limit + 1``."""
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


@dataclass
class ExportTally:
    """What an export wrote so far: the audit entry and the job's progress read it."""

    rows: int = 0
    masked: bool = False


def _choice_labels(field: str) -> dict[str, str]:
    found = Complaint._meta.get_field(field)
    assert isinstance(found, Field)  # a column with choices, not a relation
    return {value: str(label) for value, label in found.choices or []}


class _Labels:
    """The labels of one export, in the active language, each looked up once."""

    def __init__(self, language: str) -> None:
        self.channel = _choice_labels("channel")
        self.status = _choice_labels("status")
        self.priority = _choice_labels("priority")
        self.severity = _choice_labels("severity")
        self.category = {
            c.pk: c.display_name(language)
            for c in Category.objects.only("pk", "name_vi", "name_en")
        }
        self.unit = {
            u.pk: u.display_name(language) for u in OrgUnit.objects.only("pk", "name", "name_en")
        }
        self.owner: dict[int, str] = {}

    def owners_load(self, ids: set[int]) -> None:
        # Owners are loaded per chunk, only those not seen yet: staff are few, complaints many.
        missing = ids - self.owner.keys()
        if missing:
            users = User.objects.filter(pk__in=missing).only("username", "first_name", "last_name")
            self.owner.update({u.pk: str(u) for u in users})


def _chunks(queryset: QuerySet[Complaint]) -> Iterator[list[tuple[Any, ...]]]:
    fields = _FIELDS + (("due_at",) if "due_at" in queryset.query.annotation_select else ())
    rows = queryset.values_list(*fields).iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def export_rows(
    user: User, queryset: QuerySet[Complaint], language: str, tally: ExportTally
) -> Iterator[list[list[str]]]:
    """The export's cells, chunk by chunk, masked for ``user`` and safe for spreadsheets;
    ``tally`` counts them as they go."""
    scope = PersonalDataScope.for_user(user)
    tz = zoneinfo.ZoneInfo(organisation_get().time_zone)
    labels = _Labels(language)

    def local(value: dt.datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    for chunk in _chunks(queryset):
        labels.owners_load({row[8] for row in chunk if row[8] is not None})
        cells = []
        for row in chunk:
            (reference, received_at, channel, status, priority, severity, category_id, unit_id,
             owner_id, subject, name, email, phone, closed_at, subject_staff_id) = row[:15]  # fmt: skip
            due_at = row[15] if len(row) > 15 else None
            if scope.allows_ids(
                unit_id=unit_id, owner_id=owner_id, subject_staff_id=subject_staff_id
            ):
                person = (name, email, phone)
            else:
                person = (mask_name(name), mask_email(email), mask_phone(phone))
                tally.masked = True
            cells.append(
                [
                    _safe_cell(reference),
                    local(received_at),
                    labels.channel.get(channel, channel),
                    labels.status.get(status, status),
                    labels.priority.get(priority, priority),
                    labels.severity.get(severity, severity),
                    _safe_cell(labels.category.get(category_id, "")),
                    _safe_cell(labels.unit.get(unit_id, "")),
                    _safe_cell(labels.owner.get(owner_id, "")) if owner_id else "",
                    _safe_cell(subject),
                    _safe_cell(person[0]),
                    _safe_cell(person[1]),
                    _safe_cell(person[2]),
                    local(due_at),
                    local(closed_at),
                ]
            )
        tally.rows += len(cells)
        yield cells


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_record(
    user: User, *, tally: ExportTally, fmt: str, description: str, complete: bool = True
) -> None:
    """Write the export's audit entry (who, how many rows, masked or not, of what)."""
    after: dict[str, Any] = {"rows": tally.rows, "format": fmt, "masked": tally.masked}
    if not complete:
        after["complete"] = False  # the download was broken off after these rows
    audit_record(
        actor=Actor.for_user(user),
        action="complaints.export",
        target=organisation_get(),
        target_label=description[:150],
        after=after,
    )


def csv_stream(
    user: User,
    queryset: QuerySet[Complaint],
    *,
    language: str = "vi",
    description: str = "",
    tally: ExportTally | None = None,
) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark, so that spreadsheet programs read Vietnamese correctly;
    one piece per chunk of rows. The audit entry is written when the stream ends (or is broken
    off: then it says how far it went)."""
    tally = tally or ExportTally()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    complete = False
    try:
        # The stream is read after the view returned: the language is set here, not inherited.
        with translation.override(language):
            buffer.write("\ufeff")
            writer.writerow(header())
            yield buffer.getvalue().encode("utf-8")
            for cells in export_rows(user, queryset, language, tally):
                buffer.seek(0)
                buffer.truncate()
                writer.writerows(cells)
                yield buffer.getvalue().encode("utf-8")
        complete = True
    finally:
        export_record(user, tally=tally, fmt="csv", description=description, complete=complete)


def xlsx_write(
    user: User,
    queryset: QuerySet[Complaint],
    out: IO[bytes],
    *,
    language: str = "vi",
    description: str = "",
    tally: ExportTally | None = None,
    progress: Callable[[ExportTally], None] | None = None,
) -> ExportTally:
    """Write the XLSX workbook to ``out``; rows go to a temporary file as they come
    (xlsxwriter's constant-memory mode), so memory does not grow with the export."""
    tally = tally or ExportTally()
    with translation.override(language):
        _xlsx_fill(user, queryset, out, language=language, tally=tally, progress=progress)
    export_record(user, tally=tally, fmt="xlsx", description=description)
    return tally


def _xlsx_fill(
    user: User,
    queryset: QuerySet[Complaint],
    out: IO[bytes],
    *,
    language: str,
    tally: ExportTally,
    progress: Callable[[ExportTally], None] | None,
) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Cells are text as exported: no guessing of numbers, formulas or links.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet("Complaints")
    write = sheet.write_string
    for column, label in enumerate(header()):
        write(0, column, label)
    row_number = 1
    for cells in export_rows(user, queryset, language, tally):
        for row in cells:
            for column, value in enumerate(row):
                if value:
                    write(row_number, column, value)
            row_number += 1
        if progress:
            progress(tally)
    workbook.close()


def csv_write(
    user: User,
    queryset: QuerySet[Complaint],
    out: IO[bytes],
    *,
    language: str = "vi",
    description: str = "",
    progress: Callable[[ExportTally], None] | None = None,
) -> ExportTally:
    """``csv_stream`` into a file, telling ``progress`` after each chunk."""
    tally = ExportTally()
    for piece in csv_stream(
        user, queryset, language=language, description=description, tally=tally
    ):
        out.write(piece)
        if progress:
            progress(tally)
    return tally


def export_csv(
    user: User, queryset: QuerySet[Complaint], *, language: str = "vi", description: str = ""
) -> bytes:
    """The whole CSV in memory (for small exports and tests)."""
    return b"".join(csv_stream(user, queryset, language=language, description=description))


def export_xlsx(
    user: User, queryset: QuerySet[Complaint], *, language: str = "vi", description: str = ""
) -> bytes:
    """The whole XLSX in memory (for small exports and tests)."""
    buffer = io.BytesIO()
    xlsx_write(user, queryset, buffer, language=language, description=description)
    return buffer.getvalue()


def export_filename(fmt: str, *, now: dt.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"complaints-{local:%Y%m%d-%H%M}.{fmt}"
