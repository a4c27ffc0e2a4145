"""A person's data export (issue 15, items 4 and 9): everything Redress holds about a person —
their records, their complaints with the progress they were shown, messages both ways, files,
consents, survey answers and the emails sent to them — as JSON, a readable page and a ZIP;
nobody else's data in it; the data-protection officer's page and the operator's command."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Channel, Message, Status
from redress.complaints.testing import ComplainantFactory, plain_pdf
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, receive
from redress.intake.receive import Consent, Person, Submission, intake_receive
from redress.notifications.tasks import outbox_flush
from redress.privacy.export import EXPORT_SECTIONS, person_export, person_export_take
from redress.privacy.export_render import person_export_html, person_export_json, person_export_zip
from redress.privacy.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

EMAIL = "Hoa.Le@Example.vn"
PHONE = "0912 345 678"
NAME = "Lê Thị Hoa"
SCAN = b"%PDF-1.4 not really, but the bytes of Hoa's receipt \x00\x01\x02"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def sign_in(client, person):
    client.force_login(User.objects.get(pk=person.pk))


@pytest.fixture
def everything(team, smtp, django_capture_on_commit_callbacks):
    """One person with everything Redress can hold about them, and another person beside."""
    person = Person(full_name=NAME, email=EMAIL, phone=PHONE, address="12 Lý Thường Kiệt, Hà Nội")
    with django_capture_on_commit_callbacks(execute=True):
        web = intake_receive(
            Submission(
                person=person,
                subject="Hóa đơn tính sai tiền",
                description="Tôi bị tính tiền hai lần cho đơn hàng HD-88123.",
                unit=team.unit,
                amount_claimed=8_990_000,
                remedy_requested="Hoàn lại tiền",
                consent=Consent(method="web", evidence={"form": "test"}),
                attachments=[IncomingFile(name="hóa đơn.pdf", content=plain_pdf())],
            ),
            channel=Channel.WEB,
            actor=Actor.channel("web"),
        ).complaint
        emailed = intake_receive(
            Submission(
                person=person,
                subject="Giao hàng trễ",
                description="Đơn hàng giao trễ ba tuần.",
                unit=team.unit,
            ),
            channel=Channel.EMAIL,
            actor=Actor.channel("email"),
        ).complaint
        services.complaint_add_message(
            complaint=web,
            actor=Actor.channel("web"),
            direction=Message.Direction.INBOUND,
            body="Tôi gửi kèm biên lai.",
            attachments=[IncomingFile(name="biên lai.png", content=PNG)],
        )
        services.complaint_add_message(
            complaint=web,
            actor=Actor.for_user(team.handler),
            direction=Message.Direction.OUTBOUND,
            body="Chúng tôi đã nhận biên lai của chị.",
        )
        services.complaint_add_note(
            complaint=web,
            actor=Actor.for_user(team.handler),
            body="Ghi chú nội bộ: gọi kho.",
            attachments=[IncomingFile(name="kho.png", content=PNG + b"internal")],
        )
        for step in ("acknowledge", "assess", "investigate", "propose", "approve"):
            emailed = advance(emailed, team, step)
        for step in ("communicate", "accept", "settle", "close"):
            emailed = advance(emailed, team, step)
        services.complaint_rate(
            complaint=emailed,
            actor=Actor.channel("web"),
            overall=4,
            comment="Nhân viên nhiệt tình, nhưng hơi chậm.",
        )
    outbox_flush()
    other = receive(
        team,
        complainant=ComplainantFactory(full_name="Trần Văn Khác", email="khac@example.vn"),
        subject="Chuyện của người khác",
        description="Nội dung riêng của người khác.",
    ).complaint
    return {"web": web, "emailed": emailed, "other": other, "smtp": smtp}


def test_the_export_holds_everything_the_fixture_put_in_and_nothing_of_anyone_else(everything):
    web, emailed = everything["web"], everything["emailed"]
    data = person_export(email="hoa.le@example.VN")
    sections = data["sections"]
    assert data["format"] == "redress.person-export/1" and data["generated_at"]
    assert data["query"] == {"email": "hoa.le@example.vn", "phone": ""}

    [record] = sections["complainants"]
    assert (record["full_name"], record["email"], record["phone"]) == (NAME, EMAIL, PHONE)
    assert record["address"] == "12 Lý Thường Kiệt, Hà Nội"

    complaints = {c["reference"]: c for c in sections["complaints"]}
    assert set(complaints) == {web.reference, emailed.reference}
    first, second = complaints[web.reference], complaints[emailed.reference]
    assert (first["channel"], second["channel"]) == ("web", "email")
    assert first["subject"] == "Hóa đơn tính sai tiền"
    assert first["description"] == "Tôi bị tính tiền hai lần cho đơn hàng HD-88123."
    assert (first["amount_claimed"], first["remedy_requested"]) == (8_990_000, "Hoàn lại tiền")
    assert first["received_at"] == web.received_at.isoformat()
    assert first["deadlines"]["acknowledge_due_at"] == web.acknowledge_due_at.isoformat()
    assert (second["status"], second["outcome"]) == (Status.CLOSED, "upheld")
    assert [(r["type"], r["amount"]) for r in second["remedies"]] == [("refund", 100_000)]
    assert second["remedies"][0]["fulfilled_at"]
    assert second["decisions"][0]["summary"] == "Hoàn tiền"
    # The public timeline, as the portal shows it: the receipt and the decision, no staff step.
    actions = [step["action"] for step in second["timeline"]]
    assert actions[0] == "receive" and "communicate_decision" in actions and "close" in actions
    assert "approve_decision" not in actions and "propose_decision" not in actions
    assert [s["action"] for s in first["timeline"]] == ["receive", "add_message", "add_message"]

    bodies = [(m["complaint"], m["direction"], m["body"]) for m in sections["messages"]]
    assert (web.reference, "inbound", "Tôi gửi kèm biên lai.") in bodies
    assert (web.reference, "outbound", "Chúng tôi đã nhận biên lai của chị.") in bodies
    assert all(direction != "internal" for _ref, direction, _body in bodies)

    invoice, attachment = sections["attachments"]  # sent with the complaint, then a message
    assert (invoice["name"], invoice["type"], invoice["with_message"]) == (
        "hóa đơn.pdf",
        "application/pdf",
        False,
    )
    assert (attachment["complaint"], attachment["name"]) == (web.reference, "biên lai.png")
    assert attachment["with_message"] is True
    assert (attachment["size"], attachment["type"]) == (len(PNG), "image/png")
    assert attachment["file"] == f"attachments/{web.reference}/biên lai.png"
    assert len(attachment["sha256"]) == 64

    [consent] = [c for c in sections["consents"] if c["kind"] == "notice"]
    assert (consent["complaint"], consent["channel"]) == (web.reference, "web")
    assert consent["notice_version"] >= 1 and consent["given_at"]

    [answer] = sections["survey_answers"]
    assert (answer["complaint"], answer["overall"]) == (emailed.reference, 4)
    assert answer["comment"] == "Nhân viên nhiệt tình, nhưng hơi chậm."

    # Mail that really left through the SMTP server, each in the export as sent.
    delivered = {str(m["Message-ID"]) for m in everything["smtp"].messages}
    assert delivered and everything["smtp"].recipients[0] == [EMAIL]
    emails = sections["emails"]
    assert {e["state"] for e in emails} == {"sent"} and len(emails) == len(delivered)
    assert {e["to"] for e in emails} == {EMAIL}
    assert any(e["body"] == "Chúng tôi đã nhận biên lai của chị." for e in emails)
    receipt = next(e for e in emails if e["template_code"] == "receipt")
    assert web.reference in receipt["subject"] or emailed.reference in receipt["subject"]
    assert "••••" in receipt["body"]  # the tracking code stays masked

    text = person_export_json(data).decode()
    for foreign in ("Trần Văn Khác", "khac@example.vn", "Chuyện của người khác"):
        assert foreign not in text
    assert everything["other"].reference not in text
    assert "Ghi chú nội bộ" not in text and "kho.png" not in text


def test_the_same_person_is_found_by_phone(everything):
    by_phone = person_export(phone=f"  {PHONE} ")
    assert by_phone["query"] == {"email": "", "phone": PHONE}
    assert [c["reference"] for c in by_phone["sections"]["complaints"]] == [
        everything["web"].reference,
        everything["emailed"].reference,
    ]


@pytest.mark.parametrize(
    "written", ["0912 345 678", "0912.345.678", "+84912345678", "84-912-345-678"]
)
def test_the_phone_is_matched_in_any_written_form(everything, team, written):
    """The person gave their number one way on the form and another way when asking."""
    other_form = intake_receive(
        Submission(
            person=Person(full_name=NAME, phone="+84 912 345 678"),
            subject="Gọi lại giúp tôi",
            description="Số của tôi viết theo kiểu quốc tế.",
            unit=team.unit,
        ),
        channel=Channel.API,
        actor=Actor.channel("api"),
    ).complaint
    data = person_export(phone=written)
    assert [c["reference"] for c in data["sections"]["complaints"]] == [
        everything["web"].reference,
        everything["emailed"].reference,
        other_form.reference,
    ]
    # A number that merely ends the same is someone else.
    assert person_export(phone="0812 345 678")["sections"]["complaints"] == []


def test_a_person_with_no_records_gets_an_empty_export(everything):
    data = person_export(email="nobody@example.vn")
    assert data["sections"] == {name: [] for name, _provider in EXPORT_SECTIONS}


def test_the_zip_holds_the_json_the_readable_page_and_the_file_itself(everything):
    data = person_export(email=EMAIL)
    archive = zipfile.ZipFile(io.BytesIO(person_export_zip(data)))
    web = everything["web"]
    assert set(archive.namelist()) == {
        "data.json",
        "readable.html",
        f"attachments/{web.reference}/hóa đơn.pdf",
        f"attachments/{web.reference}/biên lai.png",
    }
    assert archive.read(f"attachments/{web.reference}/hóa đơn.pdf") == plain_pdf()
    assert archive.read(f"attachments/{web.reference}/biên lai.png") == PNG
    assert json.loads(archive.read("data.json")) == data
    page = archive.read("readable.html").decode()
    assert NAME in page and web.reference in page
    assert "8.990.000 ₫" in page
    # Times in Hà Nội's time zone, days first.
    local = web.received_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%d/%m/%Y %H:%M") in page


def test_the_readable_page_is_in_vietnamese_by_default(everything):
    data = person_export(email=EMAIL)
    assert 'lang="vi"' in person_export_html(data)
    assert 'lang="en"' in person_export_html(data, language="en")


def test_a_section_another_module_adds_is_exported(everything, monkeypatch):
    sections = [*EXPORT_SECTIONS, ("requests", lambda held: [{"n": len(held.complaints)}])]
    monkeypatch.setattr("redress.privacy.export.EXPORT_SECTIONS", sections)
    data = person_export(email=EMAIL)
    assert data["sections"]["requests"] == [{"n": 2}]
    assert "requests" in person_export_html(data)


@pytest.mark.parametrize(
    ("given", "field"),
    [({}, "email"), ({"email": "not-an-address"}, "email"), ({"phone": "abc"}, "phone")],
)
def test_bad_input_is_refused_naming_the_field(given, field):
    with pytest.raises(ValidationFailed) as refused:
        person_export(**given)
    assert field in refused.value.fields


def test_the_query_count_does_not_grow_with_the_complaints(team, django_assert_max_num_queries):
    person = ComplainantFactory(email="many@example.vn")
    for _n in range(6):
        complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team, complainant=person)
        services.complaint_add_message(
            complaint=complaint,
            actor=Actor.channel("web"),
            direction=Message.Direction.INBOUND,
            body="Thêm thông tin",
            attachments=[IncomingFile(name="a.png", content=PNG)],
        )
    with django_assert_max_num_queries(12):
        data = person_export(email="many@example.vn")
    assert len(data["sections"]["complaints"]) == 6
    assert len(data["sections"]["attachments"]) == 6


def test_the_command_prints_valid_json_and_is_audited(everything, capsys):
    before = AuditEntry.objects.filter(action="privacy.export").count()
    call_command("privacy", "export", "--email", EMAIL)
    printed = json.loads(capsys.readouterr().out)
    assert {c["reference"] for c in printed["sections"]["complaints"]} == {
        everything["web"].reference,
        everything["emailed"].reference,
    }
    entry = AuditEntry.objects.filter(action="privacy.export").order_by("-seq").first()
    assert AuditEntry.objects.filter(action="privacy.export").count() == before + 1
    assert entry.actor_kind == "system" and entry.actor_label.startswith("privacy export")
    assert entry.after["found_by"] == ["email"]
    assert entry.after["complaints"] == [
        everything["web"].reference,
        everything["emailed"].reference,
    ]
    # The audit entry names records, never the identifiers asked for.
    stored = json.dumps([entry.before, entry.after, entry.target_label], ensure_ascii=False)
    assert EMAIL.lower() not in stored.lower() and NAME not in stored


def test_the_command_refuses_bad_input_naming_the_option():
    with pytest.raises(CommandError, match="--email"):
        call_command("privacy", "export", "--email", "not-an-address")


def test_only_the_data_protection_officer_may_take_an_export(team):
    for person in (team.handler, team.manager, team.top, team.auditor):
        with pytest.raises(NotPermitted):
            person_export_take(actor=Actor.for_user(person), email=EMAIL)


def test_the_officer_downloads_the_zip_and_each_complaint_is_logged(client, team, everything):
    dpo = staff(Role.DPO, team.unit, username="baove")
    sign_in(client, dpo)
    url = reverse("backoffice:person_export")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": EMAIL.upper(), "phone": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    assert "hoa" not in response["Content-Disposition"].lower()
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read(f"attachments/{everything['web'].reference}/biên lai.png") == PNG
    logged = PersonalDataAccess.objects.filter(user=dpo, via="export")
    assert {row.complaint_id for row in logged} == {everything["web"].pk, everything["emailed"].pk}
    entry = AuditEntry.objects.filter(action="privacy.export").get()
    assert entry.actor_user_id == dpo.pk


def test_an_export_finding_nobody_is_still_logged_once(client, team):
    dpo = staff(Role.DPO, team.unit)
    sign_in(client, dpo)
    response = client.post(reverse("backoffice:person_export"), {"phone": "0900000000"})
    assert response.status_code == 200
    row = PersonalDataAccess.objects.get(user=dpo)
    assert (row.via, row.complaint_id) == ("export", None)


@pytest.mark.parametrize(
    ("sent", "field"), [({}, "email"), ({"email": "hoa@"}, "email"), ({"phone": "---"}, "phone")]
)
def test_the_page_refuses_bad_input_naming_the_field(client, team, sent, field):
    dpo = staff(Role.DPO, team.unit)
    sign_in(client, dpo)
    response = client.post(reverse("backoffice:person_export"), sent)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not PersonalDataAccess.objects.exists()
    assert not AuditEntry.objects.filter(action="privacy.export").exists()


def test_others_may_not_open_the_page(client, team):
    for person in (team.frontline, team.handler, team.manager, team.top, team.auditor):
        sign_in(client, person)
        assert client.get(reverse("backoffice:person_export")).status_code == 403
        assert client.post(reverse("backoffice:person_export"), {"email": EMAIL}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_navigation_shows_the_page_to_the_officer_only(client, team):
    dpo = staff(Role.DPO, team.unit)
    url = reverse("backoffice:person_export")
    sign_in(client, dpo)
    assert url in client.get(reverse("backoffice:access_log")).content.decode()
    sign_in(client, team.auditor)
    assert url not in client.get(reverse("backoffice:access_log")).content.decode()


def test_a_file_name_used_twice_in_a_complaint_gets_a_number_and_no_folder(team):
    person = ComplainantFactory(email="twice@example.vn")
    complaint = receive(
        team,
        complainant=person,
        attachments=[
            IncomingFile(name="../../scan.png", content=PNG),
            IncomingFile(name="SCAN.png", content=PNG + b"2"),
        ],
    ).complaint
    paths = [
        row["file"] for row in person_export(email="twice@example.vn")["sections"]["attachments"]
    ]
    assert paths == [
        f"attachments/{complaint.reference}/scan.png",
        f"attachments/{complaint.reference}/SCAN (2).png",
    ]
