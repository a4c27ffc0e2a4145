"""Importing complaints: mapping, every row checked first, all or nothing, nothing twice."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from redress.audit.models import AuditEntry
from redress.audit.services import jsonable
from redress.audit.verify import audit_verify
from redress.complaints import rules
from redress.complaints.models import Complaint, ComplaintEvent, Status
from redress.complaints.search import search_texts
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.testing import UserFactory
from redress.handling.testing import make_team, receive
from redress.intake.importing import mapping_guess, plan_write, table_check, table_read
from redress.intake.models import ImportBatch, IntakeKey
from redress.notifications.models import Notification, OutboundEmail

pytestmark = pytest.mark.django_db

# Rows received a few days ago, in this year (references are numbered per year).
TODAY = dt.date.today()
DAY = max(TODAY - dt.timedelta(days=10), TODAY.replace(month=1, day=1))
YEAR = DAY.year

HEADERS = [
    "Họ tên",
    "Email",
    "Điện thoại",
    "Tiêu đề",
    "Nội dung",
    "Ngày nhận",
    "Kênh",
    "Danh mục",
    "Số tiền",
    "An toàn",
]


def csv_bytes(rows, headers=HEADERS, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def good_rows():
    return [
        [
            "Nguyễn Văn An",
            "an@example.vn",
            "0901234567",
            "Hóa đơn tính sai",
            "Tính tiền hai lần.",
            DAY.strftime("%d/%m/%Y") + " 09:30",
            "email",
            "billing",
            "1.500.000",
            "",
        ],
        [
            "Trần Thị Bình",
            "",
            "0912345678",
            "Giao hàng trễ",
            "Trễ 10 ngày.",
            DAY.isoformat(),
            "điện thoại",
            "",
            "",
            "không",
        ],
        [
            "Lê Văn Cường",
            "cuong@example.vn",
            "",
            "Ấm đun bị chập",
            "Bị bỏng tay.",
            "",
            "",
            "billing",
            "",
            "có",
        ],
    ]


@pytest.fixture
def team():
    team = make_team()
    CategoryFactory(code="billing", name_vi="Hóa đơn và thanh toán", name_en="Billing")
    return team


def plan_for(content, name="file.csv", **kwargs):
    table = table_read(content, name)
    return table_check(table, mapping_guess(table.headers), **kwargs)


def test_columns_are_recognised_by_vietnamese_or_english_names():
    mapping = mapping_guess(
        ["Họ tên", "E-mail", "Số điện thoại", "Subject", "Nội dung", "Ngày nhận", "Ghi chú"]
    )

    assert mapping == {
        "Họ tên": "full_name",
        "E-mail": "email",
        "Số điện thoại": "phone",
        "Subject": "subject",
        "Nội dung": "description",
        "Ngày nhận": "received_at",
    }


def test_a_valid_file_is_imported_with_events_audit_and_rules_of_receipt(team):
    plan = plan_for(csv_bytes(good_rows()))
    assert plan.ok and len(plan.rows) == 3

    result = plan_write(plan)

    assert result.created == 3
    complaints = list(Complaint.objects.order_by("reference"))
    assert [c.reference for c in complaints] == [
        f"KN-{YEAR}-000001",
        f"KN-{YEAR}-000002",
        f"KN-{YEAR}-000003",
    ]
    first, second, third = complaints
    assert (first.subject, first.channel, first.category.code, first.amount_claimed) == (
        "Hóa đơn tính sai",
        "email",
        "billing",
        1500000,
    )
    assert first.received_at == dt.datetime.combine(
        DAY, dt.time(2, 30), tzinfo=dt.UTC
    )  # 09:30 in Hà Nội
    assert first.complainant.email == "an@example.vn"
    assert (second.channel, second.complainant.phone, second.complainant.preferred_channel) == (
        "phone",
        "0912345678",
        "phone",
    )
    assert (third.health_safety, third.priority, third.severity, third.is_significant) == (
        True,
        "urgent",
        "high",
        True,
    )
    assert third.channel == "api"  # the default for rows without a channel
    assert all(c.status == Status.RECEIVED and c.unit == team.unit for c in complaints)
    assert "le van cuong" in third.search_personal
    for complaint in complaints:  # as the intake service writes them, name apart from subject
        assert (complaint.search_text, complaint.search_personal) == search_texts(complaint)
    for complaint in complaints:
        event = ComplaintEvent.objects.get(complaint=complaint)
        assert (event.action, event.actor_label, event.to_status) == (
            "receive",
            "import",
            "received",
        )
        entry = AuditEntry.objects.get(action="complaint.receive", target_id=str(complaint.pk))
        assert entry.after["event"] == event.pk
    assert audit_verify().problem is None
    # Significant complaints reach the managers at once, as at any receipt.
    assert Notification.objects.filter(
        kind="significant", complaint=third, recipient=team.manager
    ).exists()
    # Records already held: no receipt emails.
    assert not OutboundEmail.objects.exists()


def test_an_imported_complaint_has_the_event_and_audit_entry_the_service_writes(team):
    plan_write(plan_for(csv_bytes(good_rows()[:1])))

    complaint = Complaint.objects.get()
    event = ComplaintEvent.objects.get(complaint=complaint)
    expected = rules.receive_event_values(
        channel="email",
        at=complaint.received_at,
        actor_kind="channel",
        actor_label="import",
        actor_user_id=None,
        negotiation_request=False,
        import_row=2,
    )
    assert {name: getattr(event, name) for name in expected} == expected
    entry = AuditEntry.objects.get(action="complaint.receive")
    draft = rules.event_audit_draft(
        complaint_id=complaint.pk,
        reference=complaint.reference,
        event=expected,
        event_id=event.pk,
        before={},
        after=rules.audited_values(complaint),
    )
    assert (entry.before, entry.after) == (jsonable(draft["before"]), jsonable(draft["after"]))
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact" in out.getvalue()


def test_imported_complaints_get_their_deadlines_from_the_sla_engine(
    team, settings, django_capture_on_commit_callbacks
):
    from redress.sla.models import StageClock

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    plan = plan_for(csv_bytes(good_rows()))

    with django_capture_on_commit_callbacks(execute=True):
        plan_write(plan)

    for complaint in Complaint.objects.all():
        assert StageClock.objects.filter(complaint=complaint).count() == 4
        assert complaint.acknowledge_due_at is not None and complaint.decision_due_at is not None
        assert complaint.acknowledge_due_at > complaint.received_at


def test_references_continue_gap_free_after_complaints_received_by_the_services(team):
    receive(team)

    plan_write(plan_for(csv_bytes(good_rows())))
    receive(team)

    references = sorted(Complaint.objects.values_list("reference", flat=True))
    assert references == [f"KN-{YEAR}-{n:06d}" for n in range(1, 6)]


def test_an_existing_complainant_is_found_not_duplicated(team):
    person = ComplainantFactory(full_name="Nguyễn Văn An", email="AN@example.vn")

    plan_write(
        plan_for(
            csv_bytes(
                good_rows()[:1]
                + [
                    [
                        "Nguyễn Văn An",
                        "an@example.vn",
                        "",
                        "Lần hai",
                        "Lại sai.",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                ]
            )
        )
    )

    assert set(Complaint.objects.values_list("complainant_id", flat=True)) == {person.pk}


def test_every_bad_row_is_reported_and_nothing_is_imported(team):
    rows = good_rows() + [
        ["", "x@example.vn", "", "Thiếu tên", "Nội dung", "", "", "", "", ""],
        [
            "Phạm D",
            "not-an-email",
            "",
            "Email sai",
            "Nội dung",
            f"31/02/{YEAR}",
            "fax",
            "khong-co",
            "-5",
            "có lẽ",
        ],
        ["Võ E", "", "", "Không liên lạc", "", "01/01/2099", "", "", "", ""],
    ]

    plan = plan_for(csv_bytes(rows))

    problems = {(e.row, e.column, e.code) for e in plan.errors}
    assert problems == {
        (5, "Họ tên", "required"),
        (6, "Email", "email"),
        (6, "Ngày nhận", "datetime"),
        (6, "Kênh", "choice"),
        (6, "Danh mục", "unknown"),
        (6, "Số tiền", "amount"),
        (6, "An toàn", "boolean"),
        (7, "Nội dung", "required"),
        (7, "Email", "contact"),
        (7, "Ngày nhận", "future"),
    }
    with pytest.raises(ValueError):
        plan_write(plan)
    assert Complaint.objects.count() == 0


def test_error_messages_are_in_the_readers_language(team):
    plan = plan_for(csv_bytes([["", "a@b.vn", "", "x", "y", "", "", "", "", ""]]))
    [error] = plan.errors

    with translation.override("vi"):
        assert error.message == "Trường này là bắt buộc."
    assert error.message == "This field is required."


def test_a_required_field_without_a_column_is_reported():
    plan = plan_for(csv_bytes([["An", "a@b.vn"]], headers=["Họ tên", "Email"]))

    assert {e.code for e in plan.errors} == {"missing_column"}


def test_importing_the_same_file_again_creates_nothing(team):
    content = csv_bytes(good_rows())
    plan_write(plan_for(content))

    again = plan_for(content)

    assert again.ok
    assert (len(again.rows), again.already) == (0, 3)
    assert plan_write(again).created == 0
    assert Complaint.objects.count() == 3
    assert IntakeKey.objects.filter(scope="import").count() == 3


def test_a_row_repeated_in_the_file_is_imported_once(team):
    rows = good_rows()
    plan = plan_for(csv_bytes([*rows, rows[0]]))

    assert (len(plan.rows), plan.repeated) == (3, 1)


def test_semicolon_separated_csv_and_xlsx_files_are_read(team):
    from openpyxl import Workbook

    semicolons = plan_for(csv_bytes(good_rows(), delimiter=";"))
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in good_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    xlsx = plan_for(out.getvalue(), "khieu-nai.xlsx")

    assert semicolons.ok and len(semicolons.rows) == 3
    assert xlsx.ok and [r.values for r in xlsx.rows] == [r.values for r in semicolons.rows]


def test_the_import_command_checks_then_imports_all_or_nothing(team, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(
            [
                *good_rows(),
                ["", "", "", "", "", "", "", "", "", ""][:3] + ["x", "", "", "", "", "", ""],
            ]
        )
    )
    report = tmp_path / "report.csv"

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import",
            "complaints",
            str(bad),
            "--errors",
            str(report),
            "--no-progress",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert Complaint.objects.count() == 0
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Reason"
    assert lines[1].startswith("5,Họ tên,")

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(good_rows()))
    out = io.StringIO()
    call_command("import", "complaints", str(good), "--no-progress", stdout=out)
    call_command("import", "complaints", str(good), "--no-progress", stdout=out)
    assert Complaint.objects.count() == 3
    assert "3 complaints imported" in out.getvalue()
    assert "0 complaints imported" in out.getvalue()
    assert ImportBatch.objects.filter(state="imported").count() == 2
    assert AuditEntry.objects.filter(action="complaints.import").count() == 2


def test_the_import_command_takes_an_explicit_mapping(team, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes(
        csv_bytes(
            [["Khách A", "a@example.vn", "Vấn đề", "Chi tiết"]],
            headers=["KH", "Mail", "Vấn đề", "Chi tiết"],
        )
    )

    call_command(
        "import",
        "complaints",
        str(path),
        "--map",
        "KH=full_name",
        "--map",
        "Mail=email",
        "--map",
        "Vấn đề=subject",
        "--map",
        "Chi tiết=description",
        "--no-progress",
        stdout=io.StringIO(),
    )

    assert Complaint.objects.get().complainant.full_name == "Khách A"


# --- the admin upload ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_superuser=True, is_staff=True, language="en")
    user.save()
    client.force_login(user)
    return client


def _upload(admin_client, content, name="khieu-nai.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("admin:intake_importbatch_add"),
        {"file": SimpleUploadedFile(name, content), "channel": "letter"},
    )
    assert response.status_code == 302, response.content
    return ImportBatch.objects.latest("pk"), response["Location"]


def _mapping_post(admin_client, batch):
    page = admin_client.get(reverse("admin:intake_importbatch_mapping", args=[batch.pk]))
    form = page.context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    return admin_client.post(reverse("admin:intake_importbatch_mapping", args=[batch.pk]), data)


def test_admin_upload_map_check_and_import(team, admin_client):
    batch, location = _upload(admin_client, csv_bytes(good_rows()))
    assert location == reverse("admin:intake_importbatch_mapping", args=[batch.pk])
    page = admin_client.get(location)
    assert page.status_code == 200
    assert page.context["form"].fields["col_0"].initial == "full_name"

    response = _mapping_post(admin_client, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == "checked"
    check = admin_client.get(reverse("admin:intake_importbatch_check", args=[batch.pk]))
    assert "3 complaints will be created" in check.content.decode()

    admin_client.post(reverse("admin:intake_importbatch_check", args=[batch.pk]))

    batch.refresh_from_db()
    assert (batch.state, batch.created_count, batch.first_reference) == (
        "imported",
        3,
        f"KN-{YEAR}-000001",
    )
    assert Complaint.objects.count() == 3
    assert set(Complaint.objects.values_list("received_by__is_superuser", flat=True)) == {True}


def test_admin_shows_problems_and_the_report_in_the_users_language(team, admin_client):
    batch, _location = _upload(
        admin_client, csv_bytes([*good_rows(), ["", "sai", "", "x", "y", "", "", "", "", ""]])
    )
    _mapping_post(admin_client, batch)
    batch.refresh_from_db()
    assert batch.state == "invalid"

    page = admin_client.get(reverse("admin:intake_importbatch_check", args=[batch.pk]))
    assert "nothing was imported" in page.content.decode()
    assert "This field is required." in page.content.decode()
    # Another reader, in Vietnamese.
    user = UserFactory(is_superuser=True, is_staff=True, language="vi")
    user.save()
    admin_client.force_login(user)
    report = admin_client.get(reverse("admin:intake_importbatch_errors", args=[batch.pk]))
    text = report.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Dòng,Cột,Lý do"
    assert "5,Họ tên,Trường này là bắt buộc." in text
    # Importing is refused while there are problems.
    admin_client.post(reverse("admin:intake_importbatch_check", args=[batch.pk]))
    assert Complaint.objects.count() == 0


def test_admin_large_files_are_imported_by_the_worker(team, admin_client, settings, monkeypatch):
    from redress.intake import admin_import

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(admin_import, "INLINE_ROWS", 1)
    batch, _location = _upload(admin_client, csv_bytes(good_rows()))
    _mapping_post(admin_client, batch)

    admin_client.post(reverse("admin:intake_importbatch_check", args=[batch.pk]))

    batch.refresh_from_db()
    assert (batch.state, batch.created_count) == ("imported", 3)


def test_imported_complaints_have_the_clocks_the_engine_would_start(team):
    from redress.sla.models import StageClock
    from redress.sla.services import sla_clocks_rebuild_missing

    plan_write(plan_for(csv_bytes(good_rows())))
    fields = [
        "complaint_id",
        "stage",
        "round",
        "policy_id",
        "target_amount",
        "target_unit",
        "statutory",
        "started_at",
        "due_at",
        "near_due_at",
        "outcome",
        "next_check_at",
    ]
    due = ["acknowledge_due_at", "assess_due_at", "decision_due_at", "close_due_at"]
    imported = list(StageClock.objects.order_by("complaint_id", "stage").values_list(*fields))
    deadlines = list(Complaint.objects.order_by("pk").values_list(*due))
    assert imported and all(all(row) for row in deadlines)
    StageClock.objects.all().delete()
    Complaint.objects.update(**dict.fromkeys(due))
    assert sla_clocks_rebuild_missing() == Complaint.objects.count()
    assert (
        list(StageClock.objects.order_by("complaint_id", "stage").values_list(*fields)) == imported
    )
    assert list(Complaint.objects.order_by("pk").values_list(*due)) == deadlines
