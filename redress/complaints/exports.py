"""CSV and XLSX exports of complaint lists (ISO 10002 8.1, REQ-8.1-1).

An export contains only what the person can see (the queryset starts from the visibility gate)
and masks the complainant's details wherever they have no need-to-know (REQ-4.10-1). Each
export is recorded in the audit trail: who exported how many rows, masked or not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.audit.services import audit_record
from redress.complaints.masking import PersonalDataScope, complainant_view
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.selectors import organisation_get

MAX_ROWS = 50_000
CHUNK = 2_000

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


def _local(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(
    user: User, queryset: QuerySet[Complaint], language: str
) -> Iterator[tuple[list[str], bool]]:
    scope = PersonalDataScope.for_user(user)
    tz = zoneinfo.ZoneInfo(organisation_get().time_zone)
    rows = queryset.select_related("complainant", "unit", "owner", "category")[:MAX_ROWS]
    for complaint in rows.iterator(chunk_size=CHUNK):
        person = complainant_view(complaint, scope)
        due_at = getattr(complaint, "due_at", None)
        yield (
            [
                complaint.reference,
                _local(complaint.received_at, tz),
                str(complaint.get_channel_display()),
                str(complaint.get_status_display()),
                str(complaint.get_priority_display()),
                str(complaint.get_severity_display()),
                complaint.category.display_name(language) if complaint.category else "",
                complaint.unit.display_name(language),
                str(complaint.owner) if complaint.owner else "",
                complaint.subject,
                person.full_name,
                person.email,
                person.phone,
                _local(due_at, tz),
                _local(complaint.closed_at, tz),
            ],
            person.masked,
        )


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_record(user: User, *, rows: int, fmt: str, masked: bool, description: str) -> None:
    """Write the export's audit entry (who, how many rows, masked or not, of what)."""
    audit_record(
        actor=Actor.for_user(user),
        action="complaints.export",
        target=organisation_get(),
        target_label=description[:150],
        after={"rows": rows, "format": fmt, "masked": masked},
    )


def export_csv(
    user: User, queryset: QuerySet[Complaint], *, language: str = "vi", description: str = ""
) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that spreadsheet programs read Vietnamese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    count, masked = _write(writer.writerow, user, queryset, language)
    export_record(user, rows=count, fmt="csv", masked=masked, description=description)
    return buffer.getvalue().encode("utf-8")


def export_xlsx(
    user: User, queryset: QuerySet[Complaint], *, language: str = "vi", description: str = ""
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Complaints")
    count, masked = _write(sheet.append, user, queryset, language)
    buffer = io.BytesIO()
    workbook.save(buffer)
    export_record(user, rows=count, fmt="xlsx", masked=masked, description=description)
    return buffer.getvalue()


def _write(
    write: Any, user: User, queryset: QuerySet[Complaint], language: str
) -> tuple[int, bool]:
    """Write the header and the rows; (number of rows, whether any row was masked)."""
    write([str(label) for _key, label in COLUMNS])
    count = 0
    masked = False
    for cells, row_masked in _rows(user, queryset, language):
        write([_safe_cell(cell) for cell in cells])
        count += 1
        masked = masked or row_masked
    return count, masked


def export_filename(fmt: str, *, now: dt.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"complaints-{local:%Y%m%d-%H%M}.{fmt}"
