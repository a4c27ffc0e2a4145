"""Email intake keeps every message right: broken structure and undecodable text go to the
quarantine, UTF-8 declared as Latin-1 is read as UTF-8, a reused Message-ID does not lose a
message, the actual sender of a threaded reply is kept, file names are NFC, late mail is
received when it arrived, and the original email reaches the people who may read it."""

import datetime as dt
import quopri
import unicodedata
from email.utils import format_datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from redress.complaints.models import Attachment, Complaint, Message
from redress.complaints.references import tracking_code_hash, tracking_code_new
from redress.core.models import User
from redress.handling.testing import make_team
from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail
from redress.intake.tests.mails import (
    PDF,
    cp1258,
    mail,
    multipart_bytes,
    text_part,
)
from redress.notifications.models import OutboundEmail
from redress.sla.selectors import clocks_of

pytestmark = pytest.mark.django_db

FILE = InboundEmail.Source.FILE
BODY = "Tôi đã gọi tổng đài ba lần nhưng không ai giải quyết việc hoàn tiền cho đơn hàng."


@pytest.fixture
def team():
    return make_team()


def login(client, user) -> None:
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    client.force_login(User.objects.get(pk=user.pk))


def ingest(raw: bytes):
    return mail_ingest(raw=raw, source=FILE)


def assert_quarantined(raw: bytes, *words: str) -> InboundEmail:
    email = ingest(raw).email
    assert email.outcome == "quarantined"
    for word in words:
        assert word in email.reason
    assert Complaint.objects.count() == 0
    assert not OutboundEmail.objects.filter(template_code="receipt").exists()
    with default_storage.open(email.raw.name, "rb") as kept:
        assert kept.read() == raw
    return email


# 1. Broken structure and text that cannot be decoded are quarantined, never garbled.


def test_a_multipart_email_without_its_closing_boundary_is_quarantined(team):
    raw = multipart_bytes([("Content-Type: text/plain; charset=utf-8", BODY.encode())], close=False)

    assert_quarantined(raw, "CloseBoundaryNotFoundDefect")


def test_a_part_invalid_in_its_declared_charset_is_quarantined_naming_the_charset(team):
    # Windows-1258 bytes declared as UTF-8: neither the declared charset nor UTF-8 reads them.
    raw = text_part(
        quopri.encodestring(cp1258(BODY)),
        "text/plain; charset=utf-8",
        encoding="quoted-printable",
    )

    assert_quarantined(raw, "utf-8")


def test_a_multipart_part_invalid_in_its_charset_is_quarantined(team):
    raw = multipart_bytes(
        [
            ("Content-Type: text/plain; charset=utf-8", cp1258(BODY)),
            (
                "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf",
                b"%PDF",
            ),
        ]
    )

    assert_quarantined(raw, "utf-8")


def test_utf8_bytes_declared_as_us_ascii_are_repaired_as_utf8(team):
    complaint = ingest(text_part(BODY.encode(), "text/plain; charset=us-ascii")).email.complaint

    assert complaint.description == BODY


@pytest.mark.parametrize(
    ("body", "expected"),
    [(BODY.encode(), BODY), (cp1258(BODY), BODY)],
    ids=["utf-8", "windows-1258"],
)
def test_a_part_without_a_charset_is_read_as_utf8_then_windows_1258(team, body, expected):
    complaint = ingest(text_part(body, "text/plain")).email.complaint

    assert complaint.description == expected


def test_a_part_without_a_charset_that_neither_reads_is_quarantined(team):
    assert_quarantined(text_part(b"Kh\x81ng \x8a\x9e tr\x90", "text/plain"), "Windows-1258")


# 2. UTF-8 declared as a Western single-byte charset is read as UTF-8 (no mojibake).


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "us-ascii"])
def test_utf8_declared_as_a_western_charset_is_read_as_utf8(team, charset):
    raw = text_part(
        quopri.encodestring(BODY.encode()),
        f"text/plain; charset={charset}",
        encoding="quoted-printable",
    )

    complaint = ingest(raw).email.complaint

    assert complaint.description == BODY
    assert "Ã" not in complaint.description


def test_real_latin1_text_is_still_read_as_latin1(team):
    text = "Café crème à Hà Nội était froid."
    raw = text_part(text.replace("ộ", "o").encode("iso-8859-1"), "text/plain; charset=iso-8859-1")

    assert ingest(raw).email.complaint.description == text.replace("ộ", "o")


# 3. A reused Message-ID does not lose a different message; the same message is taken once.


def test_a_different_email_reusing_a_message_id_is_kept(team):
    first = ingest(mail(message_id="<same@mail.example.vn>", body="Đơn hàng giao thiếu."))
    second = ingest(
        mail(
            message_id="<same@mail.example.vn>",
            subject="Nhân viên thái độ không tốt",
            body="Nhân viên cửa hàng quận 3 nói chuyện thiếu lịch sự.",
        )
    )

    assert second.created is True
    assert second.email.pk != first.email.pk
    assert Complaint.objects.count() == 2
    assert {e.email_message_id for e in InboundEmail.objects.all()} == {"<same@mail.example.vn>"}


def test_the_same_email_fetched_twice_with_other_received_headers_is_taken_once(team):
    raw = mail(message_id="<lan-hai@mail.example.vn>")
    relayed = (
        b"Received: from mx2.example.vn by mail.redress.local; Tue, 24 Nov 2026 09:16:00 +0700\r\n"
        + raw
    )

    first = ingest(raw)
    again = ingest(relayed)

    assert again.created is False
    assert again.email.pk == first.email.pk
    assert Complaint.objects.count() == 1


def test_an_email_taken_before_fingerprints_still_deduplicates(team):
    raw = mail(message_id="<cu@mail.example.vn>")
    older = ingest(raw).email
    # As a row written before content fingerprints: keyed by the bare Message-ID.
    InboundEmail.objects.filter(pk=older.pk).update(
        dedupe_key="<cu@mail.example.vn>", fingerprint=""
    )

    again = ingest(b"Received: by mx; Tue, 24 Nov 2026 09:16:00 +0700\r\n" + raw)
    different = ingest(mail(message_id="<cu@mail.example.vn>", body="Một khiếu nại khác hẳn."))

    assert (again.created, again.email.pk) == (False, older.pk)
    assert different.created is True
    assert InboundEmail.objects.get(pk=older.pk).fingerprint  # worked out once, then kept


# 4. A reply threaded from another address keeps and shows its actual sender.


def reply_from_a_relative(complaint: Complaint) -> bytes:
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    return mail(
        sender="chi.hoa@example.vn",
        name="Nguyễn Thị Hoa",
        subject="Fwd: Chúng tôi đã nhận khiếu nại",
        body="Tôi là chị của An, gửi thêm hóa đơn giúp em.",
        headers={"In-Reply-To": receipt.email_message_id},
    )


def test_a_reply_from_another_address_records_its_sender(team, client):
    complaint = ingest(mail()).email.complaint

    ingest(reply_from_a_relative(complaint))

    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert message.from_address == "chi.hoa@example.vn"
    login(client, team.handler)
    page = client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    html = page.content.decode()
    assert 'data-sender="chi.hoa@example.vn"' in html
    assert "chi.hoa@example.vn" in html


def test_the_portal_does_not_present_a_relatives_email_as_the_complainants(team, client):
    complaint = ingest(mail()).email.complaint
    ingest(reply_from_a_relative(complaint))
    code = tracking_code_new()
    Complaint.objects.filter(pk=complaint.pk).update(
        tracking_code_hash=tracking_code_hash(complaint.reference, code)
    )

    response = client.post("/en/track/", {"reference": complaint.reference, "code": code})
    html = client.get(response["Location"]).content.decode()

    assert "Tôi là chị của An" in html
    assert "Sent from another email address" in html
    assert "We received a message about your complaint from another email address." in html
    assert "From you" not in html
    assert "You sent us a message." not in html


def test_a_reply_from_the_complainant_is_shown_as_theirs(team, client):
    complaint = ingest(mail(message_id="<goc@mail.example.vn>")).email.complaint

    ingest(mail(body="Tôi bổ sung thông tin.", headers={"In-Reply-To": "<goc@mail.example.vn>"}))

    assert (
        Message.objects.get(complaint=complaint, direction="inbound").from_address
        == "an@example.vn"
    )
    login(client, team.handler)
    html = client.get(reverse("backoffice:complaint", args=[complaint.reference])).content
    assert b"data-sender=" not in html


# 5. Attachment names are NFC.


def test_a_decomposed_vietnamese_file_name_is_normalised_to_nfc(team):
    name = unicodedata.normalize("NFD", "biên lai hoàn tiền.pdf")
    assert name != unicodedata.normalize("NFC", name)

    complaint = ingest(mail(attachments=[(name, PDF, "application/pdf")])).email.complaint

    stored = Attachment.objects.get(complaint=complaint).original_name
    assert stored == unicodedata.normalize("NFC", "biên lai hoàn tiền.pdf")


# 6. Mail read late is received when it arrived.


def arrived(at: dt.datetime) -> dict[str, str]:
    return {"Received": f"from mx.example.vn by mail.redress.local; {format_datetime(at)}"}


def test_mail_read_late_is_received_when_it_arrived_and_deadlines_start_then(team):
    arrival = (timezone.now() - dt.timedelta(days=3)).replace(microsecond=0)

    complaint = ingest(mail(headers=arrived(arrival))).email.complaint

    assert complaint.received_at == arrival
    on_time = ingest(mail()).email.complaint
    late_due = min(c.due_at for c in clocks_of(complaint) if c.due_at)
    fresh_due = min(c.due_at for c in clocks_of(on_time) if c.due_at)
    assert late_due < fresh_due  # the clock started three days earlier


@pytest.mark.parametrize(
    "offset", [dt.timedelta(days=45), dt.timedelta(hours=-2)], ids=["too-old", "future"]
)
def test_an_implausible_arrival_time_is_not_believed(team, offset):
    before = timezone.now()

    complaint = ingest(mail(headers=arrived(timezone.now() - offset))).email.complaint

    assert complaint.received_at >= before


def test_the_oldest_arrival_believed_is_configurable(team, settings):
    settings.REDRESS_MAIL_ARRIVAL_MAX_DAYS = 2
    before = timezone.now()

    complaint = ingest(mail(headers=arrived(timezone.now() - dt.timedelta(days=3)))).email.complaint

    assert complaint.received_at >= before


# 7. The original email (with the files not taken) for those who may read the complaint.


def test_the_original_email_with_refused_files_is_downloadable_from_the_workspace(team, client):
    raw = mail(attachments=[("macro.docm", b"PK\x03\x04 not allowed", "application/octet-stream")])
    email = ingest(raw).email
    complaint = email.complaint
    url = reverse("backoffice:original_email", args=[complaint.reference, email.pk])

    login(client, team.handler)
    page = client.get(reverse("backoffice:complaint", args=[complaint.reference])).content.decode()
    response = client.get(url)

    assert url in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == raw
    assert response["Content-Type"] == "message/rfc822"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_original_email_of_a_reply_is_offered_on_its_message(team, client):
    complaint = ingest(mail()).email.complaint
    reply = ingest(reply_from_a_relative(complaint)).email

    login(client, team.handler)
    page = client.get(reverse("backoffice:complaint", args=[complaint.reference])).content.decode()

    assert reverse("backoffice:original_email", args=[complaint.reference, reply.pk]) in page


@pytest.mark.parametrize("who", ["top", "auditor"])
def test_masked_roles_cannot_get_the_original_email(team, client, who):
    email = ingest(mail()).email
    complaint = email.complaint
    url = reverse("backoffice:original_email", args=[complaint.reference, email.pk])

    login(client, getattr(team, who))

    assert client.get(url).status_code == 403
    page = client.get(reverse("backoffice:complaint", args=[complaint.reference])).content.decode()
    assert url not in page


def test_an_email_of_another_complaint_is_not_found(team, client):
    first = ingest(mail()).email
    second = ingest(mail(body="Khiếu nại thứ hai về phí dịch vụ.")).email
    login(client, team.handler)

    url = reverse("backoffice:original_email", args=[first.complaint.reference, second.pk])

    assert client.get(url).status_code == 404
