"""The streaming export writes, for every role, exactly the rows the per-instance export wrote
before it (model instances, ``complainant_view``, ``get_FOO_display``): same masking, same
labels in Vietnamese and in English, same deadlines."""

import csv
import io
import zoneinfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from redress.complaints.exports import COLUMNS, csv_stream, export_xlsx, rows_exceed
from redress.complaints.masking import PersonalDataScope, complainant_view
from redress.complaints.models import Complaint, Status
from redress.complaints.queues import Queue, queue_queryset
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db


def _local(value, tz):
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe(value):
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows_before(user, queryset, language):
    """The rows as the export built them from model instances until it streamed."""
    scope = PersonalDataScope.for_user(user)
    tz = zoneinfo.ZoneInfo(organisation_get().time_zone)
    rows = []
    for complaint in queryset.select_related("complainant", "unit", "owner", "category"):
        person = complainant_view(complaint, scope)
        cells = [
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
            _local(getattr(complaint, "due_at", None), tz),
            _local(complaint.closed_at, tz),
        ]
        rows.append([_safe(cell) for cell in cells])
    return rows


def read_csv(pieces):
    return list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))


@pytest.fixture
def world():
    """Two teams (one with a unit below it), complaints in several states, owned and not, one
    about a member of staff, one with a formula for a subject."""
    team = make_team()
    other = make_team()
    below = UnitFactory.create(parent=team.unit)
    below_handler = staff(Role.HANDLER, below)
    category = CategoryFactory.create(name_vi="Hóa đơn", name_en="Billing")
    receive(
        team,
        complainant=ComplainantFactory(
            full_name="Lê Văn Tám", email="tam@example.vn", phone="0901 234 567"
        ),
        subject='=HYPERLINK("http://x")',
        category=category,
    )
    complaint_in_state(Status.INVESTIGATING, team)
    complaint_in_state(Status.CLOSED, team)
    about_handler = receive(team, subject="Thái độ nhân viên").complaint
    Complaint.objects.filter(pk=about_handler.pk).update(subject_staff=team.handler)
    elsewhere = receive(other, complainant=ComplainantFactory(full_name="Trần Thị B", phone=""))
    Complaint.objects.filter(pk=elsewhere.complaint.pk).update(owner=team.handler)
    receive(
        make_team(below),
        complainant=ComplainantFactory(full_name="Phạm  Minh", email="no-at-sign"),
    )
    return team, other, below_handler


ROLES = ["frontline", "handler", "manager", "top", "auditor"]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_csv_rows_equal_the_per_instance_export_for_every_role(world, role, language):
    user = getattr(world[0], role)
    with translation.override(language):
        queryset = queue_queryset(user, Queue.ALL)
        expected = rows_before(user, queryset, language)
        header = [str(label) for _key, label in COLUMNS]
    rows = read_csv(csv_stream(user, queryset, language=language))
    assert rows[0] == header
    assert rows[1:] == expected
    assert len(expected) >= 4


def test_masking_differs_by_role_as_before(world):
    team = world[0]
    people = {}
    for role in ("handler", "auditor"):
        user = getattr(team, role)
        rows = read_csv(csv_stream(user, queue_queryset(user, Queue.ALL)))
        people[role] = {row[0]: row[10] for row in rows[1:]}
    tam = next(ref for ref, name in people["handler"].items() if name == "Lê Văn Tám")
    assert people["auditor"][tam] == "L. V. T."


def test_vietnamese_labels_and_headers(world):
    user = world[0].manager
    rows = read_csv(csv_stream(user, queue_queryset(user, Queue.ALL), language="vi"))
    assert rows[0][:2] == ["Số tham chiếu", "Đã tiếp nhận"]
    assert [row[6] for row in rows[1:] if row[6]] == ["Hóa đơn"]
    assert "Đã tiếp nhận" in {row[3] for row in rows[1:]}


@pytest.mark.parametrize("role", ["handler", "auditor"])
def test_xlsx_rows_equal_the_per_instance_export(world, role):
    user = getattr(world[0], role)
    queryset = queue_queryset(user, Queue.ALL)
    with translation.override("vi"):
        expected = rows_before(user, queryset, "vi")
    sheet = load_workbook(io.BytesIO(export_xlsx(user, queryset))).active
    values = [[cell or "" for cell in row] for row in sheet.values]
    assert values[1:] == expected


def test_rows_exceed_counts_no_further_than_the_limit(world):
    queryset = queue_queryset(world[0].top, Queue.ALL)
    total = queryset.count()
    assert rows_exceed(queryset, total - 1)
    assert not rows_exceed(queryset, total)
