"""Email in: new complaints, threading, automatic mail, quarantine, encodings, attachments."""

import base64
import quopri

import pytest
from django.core.files.storage import default_storage

from redress.complaints.models import Attachment, Complaint, Message, Status
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import complaint_in_state, make_team
from redress.intake.mail import mail_dismiss, mail_ingest, mail_reprocess
from redress.intake.models import InboundEmail
from redress.intake.tests.mails import PDF, PNG, cp1258, encoded_word, handmade, mail
from redress.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

FILE = InboundEmail.Source.FILE


@pytest.fixture
def team():
    return make_team()


def ingest(raw: bytes):
    return mail_ingest(raw=raw, source=FILE)


def test_a_new_email_becomes_a_complaint_from_its_sender(team):
    raw = mail(message_id="<first@mail.example.vn>")

    result = ingest(raw)

    email = result.email
    assert (email.outcome, result.created) == ("complaint", True)
    complaint = email.complaint
    assert complaint.channel == "email"
    assert complaint.status == Status.RECEIVED
    assert complaint.subject == "Hóa đơn tính sai tiền"
    assert complaint.description == "Tôi bị tính tiền hai lần cho cùng một đơn hàng."
    assert (complaint.complainant.full_name, complaint.complainant.email) == (
        "Nguyễn Văn An",
        "an@example.vn",
    )
    assert complaint.complainant.preferred_language == "vi"
    assert complaint.events.get().actor_label == "email"
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    assert (receipt.to, receipt.in_reply_to) == ("an@example.vn", "<first@mail.example.vn>")
    with default_storage.open(email.raw.name, "rb") as kept:
        assert kept.read() == raw


def test_the_same_email_twice_is_taken_once(team):
    raw = mail(message_id="<twice@mail.example.vn>")

    first = ingest(raw)
    second = ingest(raw)

    assert second.created is False
    assert second.email.pk == first.email.pk
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_the_same_email_without_message_id_is_taken_once_by_its_content(team):
    raw = handmade(
        [("From", "an@example.vn"), ("Subject", "Giao hàng trễ")], b"Don hang tre 10 ngay.\r\n"
    )

    ingest(raw)
    again = ingest(raw)

    assert again.created is False
    assert again.email.email_message_id == ""
    assert again.email.fingerprint
    assert Complaint.objects.count() == 1


def test_a_reply_is_threaded_by_in_reply_to_to_our_email(team):
    complaint = ingest(mail()).email.complaint
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    reply = mail(
        subject="Re: Chúng tôi đã nhận khiếu nại",  # no reference: headers decide
        body="Tôi gửi thêm ảnh hóa đơn.\n\nVào 24/11/2026 lúc 09:20, Redress <khieunai@redress.local> đã viết:\n> Kính gửi...",
        headers={"In-Reply-To": receipt.email_message_id, "References": receipt.email_message_id},
        message_id="<reply-1@mail.example.vn>",
    )

    result = ingest(reply)

    assert result.email.outcome == "reply"
    assert result.email.complaint == complaint
    assert Complaint.objects.count() == 1
    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert message.body == "Tôi gửi thêm ảnh hóa đơn."  # the quoted history is left out
    assert (message.channel, message.email_message_id) == ("email", "<reply-1@mail.example.vn>")
    assert complaint.events.filter(action="add_message", actor_label="email").count() == 1


def test_a_reply_is_threaded_by_references_even_from_another_address(team):
    complaint = ingest(mail(message_id="<orig@mail.example.vn>")).email.complaint
    reply = mail(
        sender="an.nguyen@work.example.vn",
        subject="Bổ sung thông tin",
        headers={"References": "<unrelated@x.example> <orig@mail.example.vn>"},
    )

    result = ingest(reply)

    assert (result.email.outcome, result.email.complaint) == ("reply", complaint)


def test_a_reply_is_threaded_by_the_reference_in_the_subject_only(team):
    complaint = ingest(mail()).email.complaint
    reply = mail(
        subject=f"TL: Về khiếu nại {complaint.reference}", body="Tôi vẫn chưa nhận được tiền hoàn."
    )

    result = ingest(reply)

    assert (result.email.outcome, result.email.complaint) == ("reply", complaint)
    assert (
        Message.objects.get(complaint=complaint, direction="inbound").body
        == "Tôi vẫn chưa nhận được tiền hoàn."
    )


def test_a_reference_in_the_subject_from_a_stranger_does_not_reach_the_complaint(team):
    complaint = ingest(mail()).email.complaint
    other = mail(
        sender="la@example.com",
        name="Người lạ",
        subject=f"Re: {complaint.reference}",
        body="Tôi cũng bị như vậy.",
    )

    result = ingest(other)

    assert result.email.outcome == "complaint"
    assert result.email.complaint != complaint
    assert not Message.objects.filter(complaint=complaint, direction="inbound").exists()


def test_a_reply_to_a_closed_complaint_opens_a_new_linked_complaint(team):
    person = ComplainantFactory(email="an@example.vn", full_name="Nguyễn Văn An")
    closed = complaint_in_state(Status.CLOSED, team, complainant=person)

    result = ingest(
        mail(subject=f"Re: [{closed.reference}] Khiếu nại đã được đóng", body="Tôi chưa đồng ý.")
    )

    assert result.email.outcome == "complaint"
    new = result.email.complaint
    assert new != closed
    assert closed.reference in new.description
    assert "Tôi chưa đồng ý." in new.description


def test_a_reply_to_a_merged_complaint_goes_on_the_complaint_that_goes_on(team):
    from redress.core.actors import Actor
    from redress.handling.services import complaint_merge
    from redress.handling.testing import receive

    person = ComplainantFactory(email="an@example.vn", full_name="Nguyễn Văn An")
    survivor = receive(team, complainant=person, subject="Hóa đơn sai").complaint
    merged = receive(team, complainant=person, subject="Hóa đơn sai").complaint
    complaint_merge(complaint=merged, actor=Actor.for_user(team.handler), other=survivor.reference)

    result = ingest(mail(subject=f"Re: [{merged.reference}] Hợp nhất", body="Thêm chứng từ."))

    assert result.email.complaint == survivor
    assert Message.objects.filter(
        complaint=survivor, direction="inbound", body__contains="Thêm chứng từ."
    ).exists()


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Chúng tôi đã nhận khiếu nại"),
        ({"X-Autoreply": "yes"}, "Re: khiếu nại"),
        ({"Precedence": "bulk"}, "Bản tin khuyến mãi"),
        ({"Precedence": "auto_reply"}, "Re: khiếu nại"),
        ({}, "Out of Office: Re: Chúng tôi đã nhận khiếu nại"),
        ({}, "Automatic reply: khiếu nại"),
        ({}, "Trả lời tự động: Tôi đang nghỉ phép"),
    ],
)
def test_automatic_replies_are_kept_but_make_no_complaint(team, headers, subject):
    result = ingest(mail(subject=subject, headers=headers))

    assert result.email.outcome == "auto_reply"
    assert result.email.reason
    assert Complaint.objects.count() == 0


def test_an_auto_reply_to_our_email_is_linked_to_the_complaint_without_a_message(team):
    complaint = ingest(mail()).email.complaint
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")

    result = ingest(
        mail(
            subject="Out of office",
            headers={"In-Reply-To": receipt.email_message_id, "Auto-Submitted": "auto-replied"},
        )
    )

    assert (result.email.outcome, result.email.complaint) == ("auto_reply", complaint)
    assert not Message.objects.filter(complaint=complaint, direction="inbound").exists()


def test_a_complaint_about_a_vacation_is_not_an_auto_reply(team):
    result = ingest(mail(subject="Vacation package was cancelled without refund"))

    assert result.email.outcome == "complaint"


def test_a_bounce_of_our_email_marks_it_bounced_and_makes_no_complaint(team):
    complaint = ingest(mail(sender="wrong@example.vn")).email.complaint
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    dsn = handmade(
        [
            ("From", "Mail Delivery System <MAILER-DAEMON@mx.example.vn>"),
            ("To", "khieunai@redress.local"),
            ("Subject", "Undelivered Mail Returned to Sender"),
            ("Message-ID", "<dsn-1@mx.example.vn>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'multipart/report; report-type=delivery-status; boundary="B"'),
        ],
        (
            "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.vn\r\n\r\n"
            "Final-Recipient: rfc822; wrong@example.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
            "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"Message-ID: {receipt.email_message_id}\r\nSubject: receipt\r\n"
            "--B--\r\n"
        ).encode(),
    )

    result = ingest(dsn)

    assert result.email.outcome == "bounce"
    assert "550 5.1.1" in result.email.reason
    assert result.email.complaint == complaint
    receipt.refresh_from_db()
    assert receipt.state == "bounced"
    assert Message.objects.get(pk=receipt.message_id).delivery_state == "bounced"
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"message_id": "<17954.1.2@redress.local>"},  # our own Message-ID domain
        {"sender": "khieunai@redress.local", "name": "Redress"},  # our own address
    ],
)
def test_our_own_email_coming_back_is_a_loop(team, overrides):
    result = ingest(mail(**overrides))

    assert result.email.outcome == "loop"
    assert Complaint.objects.count() == 0


def test_a_sender_flooding_new_complaints_is_held_as_a_loop(team, settings):
    settings.REDRESS_MAIL_SENDER_LIMIT = 2
    outcomes = [ingest(mail(subject=f"Khiếu nại số {n}")).email.outcome for n in range(3)]

    assert outcomes == ["complaint", "complaint", "loop"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01\x02 not an email \xff\xfe", "no headers"),
        (
            handmade(
                [
                    ("From", "an@example.vn"),
                    ("Subject", "x"),
                    ("MIME-Version", "1.0"),
                    ("Content-Type", "multipart/mixed"),
                ],
                b"--???\r\nbroken\r\n",
            ),
            "structure",
        ),
        (handmade([("From", "not an address"), ("Subject", "Khiếu nại")], b"text\r\n"), "sender"),
        (b"   \r\n", "empty"),
    ],
)
def test_an_unreadable_email_is_quarantined_and_kept(team, raw, reason):
    result = ingest(raw)

    email = result.email
    assert email.outcome == "quarantined"
    assert reason in email.reason
    assert Complaint.objects.count() == 0
    with default_storage.open(email.raw.name, "rb") as kept:
        assert kept.read() == raw
    # Taken once, like any email.
    assert ingest(raw).created is False


def test_a_quarantined_email_can_be_dismissed_or_processed_again(team, settings):
    settings.REDRESS_MAIL_SENDER_LIMIT = 0
    raw = mail(attachments=[])
    # Simulate a refusal by the services: no unit is configured to receive complaints yet.
    from redress.core.models import OrgUnit

    OrgUnit.objects.update(is_active=False)
    email = ingest(raw).email
    assert email.outcome == "quarantined"
    assert "No organisation unit" in email.reason

    OrgUnit.objects.update(is_active=True)
    again = mail_reprocess(inbound=email, actor_label="quantri")
    assert again.outcome == "complaint"
    assert again.reviewed_by == "quantri"

    broken = ingest(b"\x00garbage").email
    assert mail_dismiss(inbound=broken, actor_label="quantri").outcome == "dismissed"


VIETNAMESE_SUBJECT = "Khiếu nại: điện thoại hỏng sau một tuần"
VIETNAMESE_BODY = (
    "Tôi mua điện thoại ngày 10/11, sau một tuần máy không lên nguồn. Đề nghị đổi máy mới."
)


def _single_part(
    subject_header: str,
    charset: str,
    encoding: str,
    body: bytes,
    name: str = "=?UTF-8?B?TmfDtCBUaOG7iyBIdeG7hw==?=",
) -> bytes:
    return handmade(
        [
            ("From", f"{name} <hue@example.vn>"),
            ("To", "khieunai@redress.local"),
            ("Subject", subject_header),
            ("Message-ID", f"<{encoding}-{charset}@mail.example.vn>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", f"text/plain; charset={charset}"),
            ("Content-Transfer-Encoding", encoding),
        ],
        body,
    )


@pytest.mark.parametrize(
    "raw",
    [
        _single_part(
            encoded_word(VIETNAMESE_SUBJECT, "b"), "utf-8", "8bit", VIETNAMESE_BODY.encode("utf-8")
        ),
        _single_part(
            encoded_word(VIETNAMESE_SUBJECT, "q"),
            "utf-8",
            "quoted-printable",
            quopri.encodestring(VIETNAMESE_BODY.encode("utf-8")),
        ),
        _single_part(
            encoded_word(VIETNAMESE_SUBJECT, "b"),
            "UTF-8",
            "base64",
            base64.encodebytes(VIETNAMESE_BODY.encode("utf-8")),
        ),
        _single_part(
            encoded_word(VIETNAMESE_SUBJECT, "q"),
            "windows-1258",
            "quoted-printable",
            quopri.encodestring(cp1258(VIETNAMESE_BODY)),
        ),
    ],
    ids=["utf8-8bit", "quoted-printable", "base64", "windows-1258"],
)
def test_vietnamese_in_every_common_encoding(team, raw):
    complaint = ingest(raw).email.complaint

    assert complaint.subject == VIETNAMESE_SUBJECT
    assert complaint.description == VIETNAMESE_BODY
    assert complaint.complainant.full_name == "Ngô Thị Huệ"


def test_vietnamese_in_a_utf8_header_without_encoded_words(team):
    raw = handmade([("From", "an@example.vn"), ("Message-ID", "<raw8@x.vn>")], b"")
    raw = (
        raw.replace(
            b"\r\n\r\n",
            f"\r\nSubject: {VIETNAMESE_SUBJECT}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".encode(),
        )
        + VIETNAMESE_BODY.encode()
    )

    complaint = ingest(raw).email.complaint

    assert (complaint.subject, complaint.description) == (VIETNAMESE_SUBJECT, VIETNAMESE_BODY)


def test_an_html_only_email_is_read_as_text(team):
    raw = handmade(
        [
            ("From", "an@example.vn"),
            ("Subject", encoded_word("Hàng giao bị móp", "b")),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Transfer-Encoding", "base64"),
        ],
        base64.encodebytes(
            "<html><body><p>Thùng hàng bị <b>móp</b> &amp; trầy.</p><p>Xin đổi hàng.</p></body></html>".encode()
        ),
    )

    complaint = ingest(raw).email.complaint

    assert complaint.description == "Thùng hàng bị móp & trầy.\nXin đổi hàng."


def test_an_english_email_makes_an_english_speaking_complainant(team):
    raw = mail(
        subject="Charged twice",
        body="I was charged twice for my order and the refund has not arrived. Please help.",
        name="James Miller",
    )

    complaint = ingest(raw).email.complaint

    assert complaint.complainant.preferred_language == "en"
    assert complaint.language == "en"


def test_attachments_are_kept_and_refused_files_are_named(team):
    raw = mail(
        attachments=[
            ("hóa đơn.png", PNG, "image/png"),
            ("hợp đồng.pdf", PDF, "application/pdf"),
            ("macro.docm", b"PK\x03\x04 not allowed", "application/octet-stream"),
        ]
    )

    email = ingest(raw).email

    complaint = email.complaint
    names = sorted(
        Attachment.objects.filter(complaint=complaint).values_list("original_name", "content_type")
    )
    assert names == [("hóa đơn.png", "image/png"), ("hợp đồng.pdf", "application/pdf")]
    assert "macro.docm" in complaint.description
    assert "macro.docm" in email.reason


def test_a_reply_with_an_attachment_adds_it_to_the_message(team):
    complaint = ingest(mail(message_id="<a1@mail.example.vn>")).email.complaint

    ingest(
        mail(
            subject="Re: ảnh",
            body="Ảnh đây.",
            headers={"In-Reply-To": "<a1@mail.example.vn>"},
            attachments=[("ảnh.png", PNG, "image/png")],
        )
    )

    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert list(message.attachments.values_list("original_name", flat=True)) == ["ảnh.png"]


def test_a_subject_only_email_uses_the_subject_as_text(team):
    complaint = ingest(mail(subject="Đồng hồ nước chạy sai", body="")).email.complaint

    assert complaint.description == "Đồng hồ nước chạy sai"
