"""Exports contain only visible complaints, mask personal data without need-to-know, resist
spreadsheet formulas and are recorded in the audit trail."""

import csv
import io

import pytest
from openpyxl import load_workbook

from redress.audit.models import AuditEntry
from redress.complaints.exports import COLUMNS, export_csv, export_xlsx
from redress.complaints.queues import Queue, queue_queryset
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def complaint(team):
    person = ComplainantFactory(full_name="Lê Văn Tám", email="tam@example.vn", phone="0901234567")
    return receive(team, complainant=person, subject='=HYPERLINK("http://x")').complaint


def read_csv(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_handler_export_shows_details_and_neutralises_formulas(team, complaint):
    receive(make_team())  # another unit: not visible to the handler
    rows = read_csv(export_csv(team.handler, queue_queryset(team.handler, Queue.ALL)))
    assert len(rows) == 2 and len(rows[0]) == len(COLUMNS)
    row = dict(zip([key for key, _label in COLUMNS], rows[1], strict=True))
    assert row["reference"] == complaint.reference
    assert (row["complainant"], row["email"], row["phone"]) == (
        "Lê Văn Tám",
        "tam@example.vn",
        "0901234567",
    )
    assert row["subject"].startswith("'=")


def test_auditor_export_is_masked_and_audited(team, complaint):
    before = AuditEntry.objects.filter(action="complaints.export").count()
    rows = read_csv(
        export_csv(team.auditor, queue_queryset(team.auditor, Queue.ALL), description="all: all")
    )
    row = dict(zip([key for key, _label in COLUMNS], rows[1], strict=True))
    assert (row["complainant"], row["email"], row["phone"]) == (
        "L. V. T.",
        "t•••@example.vn",
        "•••567",
    )
    entry = AuditEntry.objects.filter(action="complaints.export").latest("seq")
    assert AuditEntry.objects.filter(action="complaints.export").count() == before + 1
    assert entry.after == {"rows": 1, "format": "csv", "masked": True}
    assert entry.actor_user_id == team.auditor.pk


def test_xlsx_export(team, complaint):
    data = export_xlsx(team.top, queue_queryset(team.top, Queue.ALL))
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.values)
    assert values[1][0] == complaint.reference
    assert values[1][10] == "L. V. T."
