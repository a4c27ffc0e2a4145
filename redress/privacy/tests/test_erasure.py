"""Erasure by anonymisation (issue 15 items 5 and 9): after `redress privacy erase`, a dump of
the whole database and of the media storage holds none of the person's identifiers, the audit
chain verifies, the KPI figures of the period are unchanged and another complainant's data is
untouched; an open complaint, a legal hold or bad input is refused and changes nothing."""

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import CATALOGUE, kpis_compute
from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Attachment, Complainant, Complaint, Message
from redress.complaints.testing import plain_pdf
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.closure import complaint_rate
from redress.handling.messages import complaint_add_message
from redress.handling.testing import PATHS, advance, make_team
from redress.intake.importing import batch_check_and_write, mapping_guess
from redress.intake.mail import mail_ingest
from redress.intake.models import ImportBatch, InboundEmail
from redress.intake.receive import Consent, Person, Submission, intake_receive
from redress.intake.tests.mails import PNG, handmade, mail
from redress.integrations.models import EventType, WebhookDelivery, WebhookSubscription
from redress.notifications.models import OutboundEmail
from redress.notifications.tasks import outbox_flush
from redress.notifications.testing import smtp  # noqa: F401 - the shared fixture
from redress.privacy.erasure import complaints_anonymise, person_erase
from redress.privacy.legal_hold import complaint_is_held, legal_hold_place, legal_hold_release
from redress.privacy.models import AnonymisedComplaint, Erasure
from redress.privacy.scrub import Identifiers, phone_forms

pytestmark = pytest.mark.django_db

NAME = "Bùi Thị Zephyrine"
EMAIL = "Zephyrine.Bui@example.vn"
PHONE = "0912 345 678"
ADDRESS = "17 ngõ Quỳnh Mai, Hai Bà Trưng"
ORGANISATION = "Xưởng Gốm Zephyrus"
REPRESENTATIVE = "Đoàn Văn Quixote"
PHONE_FORMS = ["0912345678", "0912 345 678", "+84912345678", "+84 912 345 678", "0912.345.678"]

OTHER_NAME = "Trần Văn Kiểm"
OTHER_EMAIL = "kiem.tran@example.vn"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDRESS_MAIL_SENDER_LIMIT = 0


def _person(name=NAME, email=EMAIL, phone=PHONE, address=ADDRESS, organisation=ORGANISATION):
    return Person(
        full_name=name, email=email, phone=phone, address=address, organisation=organisation
    )


def _submit(team, channel, person, *, description, files=(), **extra):
    return intake_receive(
        Submission(
            person=person,
            subject=f"Khiếu nại của {person.full_name}",
            description=description,
            unit=team.unit,
            attachments=files,
            consent=Consent(method="web", evidence={"form": "test"}),
            **extra,
        ),
        channel=channel,
        actor=Actor.channel(channel),
    ).complaint


def _close(complaint, team):
    for step in PATHS["closed"]:
        complaint = advance(complaint, team, step)
    return complaint


@pytest.fixture
def world(smtp):  # noqa: F811 - the fixture
    """The person complained on the portal (with a file and a representative), through the API
    and by email (then replied by email; a broken email of theirs sits in the quarantine); staff
    wrote to them; they rated the handling, naming themselves; every complaint is closed.
    Another complainant's closed complaint is there too."""
    team = make_team()
    WebhookSubscription.objects.create(
        name="CRM", url="https://crm.example.test/hook", events=[e.value for e in EventType]
    )
    text = (
        f"Tôi là {NAME}, điện thoại 0912345678 hoặc +84912345678, email {EMAIL.lower()}, "
        f"địa chỉ {ADDRESS}. Hợp đồng của {ORGANISATION}."
    )
    web = _submit(
        team,
        "web",
        _person(),
        description=text,
        files=[IncomingFile("ho-so.pdf", plain_pdf())],  # the same file as the other's
        representative_name=REPRESENTATIVE,
        representative_relation="con trai",
        representative_contact="0987 654 321",
        order_ref="HD-ZEPH-7788",
    )
    api = _submit(team, "api", _person(), description=f"Liên hệ {NAME.upper()} qua 0912.345.678")
    emailed = mail_ingest(
        raw=mail(
            sender=EMAIL,
            name=NAME,
            subject="Giao hàng trễ",
            body=f"Tôi, {NAME}, số 0912 345 678, chờ 10 ngày rồi.",
            attachments=[("anh.png", PNG + NAME.encode(), "image/png")],
        ),
        source=InboundEmail.Source.FILE,
    ).email.complaint
    Complaint.objects.filter(pk=emailed.pk).update(unit=team.unit)
    mail_ingest(
        raw=mail(
            sender=EMAIL,
            name=NAME,
            subject=f"Re: {web.reference}",
            body=f"Bổ sung: {NAME}, +84 912 345 678.",
        ),
        source=InboundEmail.Source.FILE,
    )
    mail_ingest(
        raw=handmade(
            [
                ("From", EMAIL),
                ("Subject", f"{NAME} gửi"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "multipart/mixed"),
            ],
            f"--???\r\nbroken {NAME}\r\n".encode(),
        ),
        source=InboundEmail.Source.FILE,
    )
    complaint_add_message(
        complaint=web,
        actor=Actor.for_user(team.handler),
        direction=Message.Direction.OUTBOUND,
        subject=f"Gửi chị {NAME}",
        body=f"Chào chị {NAME}, chúng tôi sẽ gọi số {PHONE}.",
    )
    closed = [_close(Complaint.objects.get(pk=c.pk), team) for c in (web, api, emailed)]
    complaint_rate(
        complaint=closed[0],
        actor=Actor.channel("web"),
        overall=4,
        speed=3,
        comment=f"{NAME} hài lòng với cách xử lý.",
    )
    # A hold placed and released: its reason, in the audit trail too, names the person.
    dpo = staff(Role.DPO, team.unit)
    legal_hold_place(
        complaint=closed[0], actor=Actor.for_user(dpo), reason=f"Vụ kiện của {NAME} ({EMAIL})"
    )
    legal_hold_release(complaint=closed[0], actor=Actor.for_user(dpo))
    other = _submit(
        team,
        "web",
        _person(OTHER_NAME, OTHER_EMAIL, "0903 111 222", "5 Lý Thường Kiệt", ""),
        description=f"Tôi là {OTHER_NAME}, gọi 0903 111 222.",
        files=[IncomingFile("kiem.pdf", plain_pdf())],
    )
    other = _close(other, team)
    complaint_rate(complaint=other, actor=Actor.channel("web"), overall=2, comment="Chậm")
    imported = _import(team)
    outbox_flush()
    assert OutboundEmail.objects.filter(state="sent").count() >= 3
    assert smtp.collector.received
    assert WebhookDelivery.objects.filter(complaint__in=closed).exists()
    return {"team": team, "complaints": closed, "other": other, "imported": imported}


def _import(team):
    """A spreadsheet of two people, uploaded and imported as the admin does (the file kept in
    media storage): the person, written their own way, and the other complainant."""
    rows = [
        ["Họ tên", "Email", "Điện thoại", "Địa chỉ", "Tiêu đề", "Nội dung", "Số hợp đồng"],
        [
            NAME,
            EMAIL.lower(),
            "0912.345.678",
            ADDRESS,
            "Cước sai",
            f"{NAME} bị tính cước sai.",
            "HD-ZEPH-7788",
        ],
        [
            OTHER_NAME,
            OTHER_EMAIL,
            "0903 111 222",
            "5 Lý Thường Kiệt",
            "Mất sóng",
            "Mất sóng cả tuần.",
        ],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    content = out.getvalue().encode("utf-8-sig")
    batch = ImportBatch(
        original_name="khieu-nai-thang-3.csv",
        sha256=ImportBatch.hash(content),
        mapping=mapping_guess(rows[0]),
        default_channel="phone",
    )
    batch.file.save(batch.sha256, ContentFile(content), save=False)
    batch.save()
    result = batch_check_and_write(batch, actor=Actor.system("test"))
    assert result is not None and result.created == 2, batch.errors
    Complaint.objects.filter(source_system=f"import:{batch.pk}").update(
        status="closed", unit=team.unit
    )
    return ImportBatch.objects.get(pk=batch.pk)


def _kpis():
    today = timezone.localdate()
    cohort = Cohort(
        user=None,
        period=Period(today.replace(day=1), today),
        now=timezone.now() + timezone.timedelta(days=1),
    )
    return {r.kpi.code: r.figure for r in kpis_compute(cohort, list(CATALOGUE))}


def _as_text(value):
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    text = str(value)
    if text[:1] in ("{", "["):
        # JSON as stored on SQLite escapes letters with diacritics: search it decoded too.
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _database_dump():
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                rows.append(f"{table}: " + " | ".join(_as_text(v) for v in row))
    return "\n".join(rows)


def _media_dump(settings):
    root = Path(settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def _forms():
    texts = [NAME, EMAIL, ADDRESS, ORGANISATION, REPRESENTATIVE, "HD-ZEPH-7788", "0987 654 321"]
    forms = {t.lower() for t in texts} | {"bui thi zephyrine", "zephyrine.bui@example.vn"}
    return forms | {f.lower() for f in PHONE_FORMS} | {"912345678"}


def _found(dump):
    lowered = dump.lower()
    return sorted(form for form in _forms() if form in lowered)


def test_after_erase_no_table_and_no_file_holds_the_person_and_figures_stay(
    world, settings, capsys, django_capture_on_commit_callbacks
):
    # The fixture did put the person everywhere.
    before = _found(_database_dump())
    assert set(before) == _forms()
    assert any(NAME.encode() in content for content in _media_dump(settings).values())
    other = world["other"]
    other_before = (
        Complainant.objects.filter(pk=other.complainant_id).values().get(),
        Complaint.objects.filter(pk=other.pk).values().get(),
    )
    other_files = list(Attachment.objects.filter(complaint=other).values_list("file", flat=True))
    figures = _kpis()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "privacy", "erase", "--email", EMAIL.upper(), "--reason", "Yêu cầu xoá", "--yes"
        )

    out = capsys.readouterr().out
    assert "4 complaint(s) of 1 complainant record(s) anonymised" in out
    assert "1 import file(s) rewritten" in out
    dump = _database_dump()
    assert _found(dump) == [], [line for line in dump.splitlines() if _found(line)][:5]
    for name, content in _media_dump(settings).items():
        lowered = content.lower()
        assert not any(form.encode() in lowered for form in _forms()), name
    report = audit_verify()
    assert report.ok, report.problem
    assert report.redacted > 0
    assert _kpis() == figures
    # The statistics are still there.
    for complaint in world["complaints"]:
        fresh = Complaint.objects.get(pk=complaint.pk)
        assert (fresh.status, fresh.channel, fresh.unit_id, fresh.received_at) == (
            complaint.status,
            complaint.channel,
            complaint.unit_id,
            complaint.received_at,
        )
        assert fresh.complainant.full_name == "[đã xoá]"
    assert world["complaints"][0].satisfaction.overall == 4
    assert AnonymisedComplaint.objects.count() == 4
    # The stored spreadsheet is rewritten: the person's cells are placeholders, the other
    # complainant's row is as it was.
    batch = ImportBatch.objects.get(pk=world["imported"].pk)
    with default_storage.open(batch.file.name, "rb") as handle:
        sheet = handle.read().decode("utf-8-sig")
    assert "[đã xoá]" in sheet and OTHER_NAME in sheet and OTHER_EMAIL in sheet
    assert "Cước sai" in sheet and batch.sha256 == ImportBatch.hash(sheet.encode("utf-8-sig"))
    assert not default_storage.exists(world["imported"].file.name)
    # Original emails gone; the quarantined one, which cannot be processed again, dismissed.
    assert not InboundEmail.objects.filter(complaint__in=world["complaints"]).exclude(raw="")
    assert InboundEmail.objects.get(outcome="dismissed").reviewed_by == "erasure"
    assert not InboundEmail.objects.filter(outcome="quarantined").exists()
    # The other complainant is untouched, files included.
    assert (
        Complainant.objects.filter(pk=other.complainant_id).values().get(),
        Complaint.objects.filter(pk=other.pk).values().get(),
    ) == other_before
    assert all(default_storage.exists(name) for name in other_files)
    assert OTHER_NAME in dump
    # The audit entry of the erasure names no identifier.
    entry = AuditEntry.objects.get(action="privacy.erase")
    imported = Complaint.objects.filter(source_system=f"import:{world['imported'].pk}")
    erased = [*world["complaints"], imported.get(complainant__full_name="[đã xoá]")]
    assert entry.after["complaint_ids"] == sorted(c.pk for c in erased)
    assert entry.after["complainants"] == 1
    assert not _found(json.dumps(entry.after, ensure_ascii=False) + entry.target_label)


def test_an_erasure_by_phone_finds_the_person_in_another_written_form(world):
    report = person_erase(phone="+84912345678", actor=Actor.system("test"), reason="Yêu cầu")

    assert len(report.complaint_ids) == 4
    assert not Complainant.objects.filter(email__iexact=EMAIL).exists()
    assert Complainant.objects.filter(email=OTHER_EMAIL).exists()


def test_an_open_complaint_is_refused_and_nothing_changes(world):
    team = world["team"]
    _submit(team, "web", _person(), description="Lại bị tính tiền.")
    count = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="still being handled") as refused:
        call_command("privacy", "erase", "--email", EMAIL, "--reason", "Yêu cầu", "--yes")

    assert "refused" in str(refused.value)
    assert Complainant.objects.filter(email=EMAIL).count() == 1
    assert AuditEntry.objects.count() == count
    assert not Erasure.objects.exists()


def test_a_legal_hold_refuses_until_released(world):
    team = world["team"]
    dpo = staff(Role.DPO, team.unit, username="dpo2")
    held = world["complaints"][1]
    hold = legal_hold_place(complaint=held, actor=Actor.for_user(dpo), reason="Tòa án thụ lý")
    assert complaint_is_held(held)
    with pytest.raises(Conflict):
        legal_hold_place(complaint=held, actor=Actor.for_user(team.manager), reason="Lần hai")

    with pytest.raises(ValidationFailed, match="legal hold") as refused:
        person_erase(email=EMAIL, actor=Actor.for_user(dpo), reason="Yêu cầu")
    assert held.reference in refused.value.message
    assert Complainant.objects.filter(email=EMAIL).exists()

    legal_hold_release(complaint=held, actor=Actor.for_user(team.manager))
    assert not complaint_is_held(held)
    assert hold.pk and AuditEntry.objects.filter(action="privacy.legal_hold_release").exists()
    person_erase(email=EMAIL, actor=Actor.for_user(dpo), reason="Yêu cầu")
    assert not Complainant.objects.filter(email=EMAIL).exists()


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"reason": "Yêu cầu"}, "email"),
        ({"email": EMAIL, "reason": "  "}, "reason"),
        ({"phone": "12", "reason": "Yêu cầu"}, "phone"),
        ({"email": "nobody@example.vn", "reason": "Yêu cầu"}, "email"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, arguments, field):
    with pytest.raises(ValidationFailed) as refused:
        person_erase(actor=Actor.system("test"), **arguments)
    assert field in refused.value.fields
    assert Complainant.objects.filter(email=EMAIL).exists()


def test_the_command_refuses_bad_input_with_status_one(world):
    with pytest.raises(CommandError, match="reason"):
        call_command("privacy", "erase", "--email", EMAIL, "--yes")


def test_only_the_dpo_erases_and_only_dpo_or_manager_place_holds(world):
    team = world["team"]
    with pytest.raises(NotPermitted):
        person_erase(email=EMAIL, actor=Actor.for_user(team.manager), reason="x")
    with pytest.raises(NotPermitted):
        legal_hold_place(
            complaint=world["complaints"][0], actor=Actor.for_user(team.handler), reason="x"
        )
    with pytest.raises(NotPermitted):
        complaints_anonymise(
            [world["complaints"][0].pk], actor=Actor.for_user(team.handler), reason="x"
        )


def test_anonymising_one_complaint_keeps_its_figures_and_verifies(world):
    complaint = world["complaints"][2]
    report = complaints_anonymise([complaint.pk], actor=Actor.system("retention"), reason="Hết hạn")
    assert report.complaint_ids == [complaint.pk]
    assert report.files_deleted >= 1
    assert audit_verify().ok


def test_identifiers_match_every_written_form():
    ids = Identifiers.of([NAME, EMAIL], [PHONE])
    for form in PHONE_FORMS + ["(+84) 912 345 678", "84912345678"]:
        assert ids.replace(f"gọi {form}.") == "gọi [đã xoá].", form
    assert ids.replace("BÙI THỊ ZEPHYRINE và bui thi zephyrine") == "[đã xoá] và [đã xoá]"
    assert ids.replace("zephyrine.bui@EXAMPLE.vn") == "[đã xoá]"
    # Longer numbers that merely contain the digits are left alone.
    assert ids.replace("số 109123456789") == "số 109123456789"
    assert "0912 345 678" in phone_forms("+84912345678")


def test_the_command_asks_for_confirmation(world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("privacy", "erase", "--email", EMAIL, "--reason", "Yêu cầu")
    assert Complainant.objects.filter(email=EMAIL).exists()


def _sign_in(client, person):
    client.force_login(User.objects.get(pk=person.pk))


def test_the_dpo_erases_on_the_staff_site_and_a_refusal_changes_nothing(world, client):
    team = world["team"]
    dpo = staff(Role.DPO, team.unit, username="baove")
    url = reverse("backoffice:person_erase")
    _sign_in(client, team.manager)
    assert client.get(url).status_code == 403
    _sign_in(client, dpo)
    assert client.get(url).status_code == 200
    form = {"email": EMAIL, "reason": "Yêu cầu", "confirm": "on"}

    assert client.post(url, {**form, "confirm": ""}).status_code == 422
    _submit(team, "web", _person(), description="Lại bị tính tiền.")
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert Complainant.objects.filter(email=EMAIL).count() == 1

    Complaint.objects.filter(complainant__email=EMAIL, status="received").delete()
    done = client.post(url, form)
    assert done.status_code == 302
    assert not Complainant.objects.filter(email=EMAIL).exists()
    assert Erasure.objects.get().by_id == dpo.pk


def test_a_person_with_many_complaints_is_erased_in_one_go(world):
    """Each complaint adds identifiers (its representative, their contact, the order), each
    searched in several forms in every text column: the searches go in batches that SQLite
    accepts (one condition of them all is "Expression tree is too large" there)."""
    team = world["team"]
    for n in range(12):
        _submit(
            team,
            "web",
            _person(),
            description=f"Lần {n}: {NAME} gọi 0912 345 678.",
            representative_name=f"Người Đại Diện Số {n:02d}",
            representative_relation="người thân",
            representative_contact=f"dai.dien.{n:02d}@example.vn",
            order_ref=f"HD-NHIEU-{n:04d}",
        )
    Complaint.objects.filter(complainant__email=EMAIL).update(status="closed")

    report = person_erase(email=EMAIL, actor=Actor.system("test"), reason="Yêu cầu")

    assert len(report.complaint_ids) == 16
    dump = _database_dump().lower()
    for n in range(12):
        assert f"người đại diện số {n:02d}" not in dump
        assert f"dai.dien.{n:02d}@example.vn" not in dump
        assert f"hd-nhieu-{n:04d}" not in dump
    assert _found(dump) == []
    assert audit_verify().ok
