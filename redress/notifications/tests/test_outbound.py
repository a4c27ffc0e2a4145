"""Mail to the complainant, delivered to a real SMTP server on loopback (aiosmtpd)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redress.audit.models import AuditEntry
from redress.complaints.models import Message, PauseReason, Status
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, make_team, receive
from redress.notifications.delivery import email_bounced
from redress.notifications.models import Notification, OutboundEmail
from redress.notifications.services import email_retry
from redress.notifications.tasks import MAX_ATTEMPTS, deliver_now, outbox_flush
from redress.notifications.testing import SmtpSink

pytestmark = pytest.mark.django_db


def _subject(mail):
    # Django folds a long encoded subject onto the next line; readers drop the fold's space.
    return str(mail["Subject"]).strip()


def _receipt(complaint):
    return OutboundEmail.objects.get(complaint=complaint, template_code="receipt")


def test_receipt_reaches_the_smtp_server_with_reference_and_our_message_id(
    smtp, settings, django_capture_on_commit_callbacks
):
    team = make_team()
    person = ComplainantFactory(full_name="Trần Thị Bích", email="bich@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        received = receive(team, complainant=person, subject="Hóa đơn tính sai tiền")
    complaint = received.complaint

    assert outbox_flush() == 1

    [mail] = smtp.messages
    assert smtp.recipients == [["bich@example.vn"]]
    assert complaint.reference in mail["Subject"]
    assert _subject(mail) == f"Chúng tôi đã nhận khiếu nại {complaint.reference}"
    assert mail["Message-ID"] == _receipt(complaint).email_message_id
    assert mail["Message-ID"].endswith(f"@{settings.REDRESS_MAIL_DOMAIN}>")
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_content()
    assert "Kính gửi Trần Thị Bích" in body
    assert received.tracking_code in body
    message = Message.objects.get(complaint=complaint, direction="outbound")
    assert message.delivery_state == "sent"
    assert message.email_message_id == mail["Message-ID"]
    email = _receipt(complaint)
    assert (email.state, email.attempts, email.last_error) == ("sent", 1, "")
    # The outcome is an event on the complaint's record (issue: "logged as an event with its
    # delivery state"), with its audit entry; the stage does not move.
    event = complaint.events.get(action="record_delivery")
    assert event.data == {
        "delivery": "sent",
        "message": message.pk,
        "template": "receipt",
        "attempts": 1,
    }
    assert (event.from_status, event.to_status, event.actor_label) == (
        "received",
        "received",
        "outbox",
    )
    assert not event.visible_to_complainant
    assert AuditEntry.objects.filter(
        action="complaint.record_delivery", target_label=complaint.reference
    ).exists()


def test_english_complainant_gets_the_english_template(smtp):
    team = make_team()
    person = ComplainantFactory(email="james@example.com", preferred_language="en")
    complaint = receive(team, complainant=person).complaint

    outbox_flush()

    [mail] = smtp.messages
    assert _subject(mail) == f"We have received your complaint {complaint.reference}"
    assert "Dear " in mail.get_content()


def test_no_email_address_no_mail(smtp):
    team = make_team()
    complaint = receive(team, complainant=ComplainantFactory(email="")).complaint

    assert outbox_flush() == 0
    assert not OutboundEmail.objects.filter(complaint=complaint).exists()
    assert smtp.messages == []


def test_lifecycle_mails_use_templates_and_thread_to_the_previous_mail(smtp):
    team = make_team()
    complaint = complaint_in_state(Status.DECISION_APPROVED, team)
    services.complaint_communicate_decision(complaint=complaint, actor=Actor.for_user(team.handler))

    outbox_flush()

    codes = list(
        OutboundEmail.objects.filter(complaint=complaint)
        .order_by("pk")
        .values_list("template_code", flat=True)
    )
    assert codes == ["receipt", "acknowledgement", "decision"]
    receipt, acknowledgement, decision = smtp.messages
    assert acknowledgement["In-Reply-To"] == receipt["Message-ID"]
    assert decision["In-Reply-To"] == acknowledgement["Message-ID"]
    assert _subject(decision) == f"Kết quả giải quyết khiếu nại {complaint.reference}"
    text = decision.get_content()
    assert "Hoàn tiền" in text  # the decision summary
    assert "Sở Công Thương" in text  # how to contest it


def test_request_for_information_and_closure_are_mailed(smtp):
    team = make_team()
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    services.complaint_pause(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        reason=PauseReason.COMPLAINANT,
        note="Xin gửi ảnh hóa đơn.",
    )
    closed = complaint_in_state(Status.CLOSED, team)

    outbox_flush()

    subjects = [_subject(m) for m in smtp.messages]
    assert f"Cần thêm thông tin cho khiếu nại {complaint.reference}" in subjects
    assert f"Khiếu nại {closed.reference} đã được đóng" in subjects
    info = next(m for m in smtp.messages if "Cần thêm thông tin" in _subject(m))
    assert "Xin gửi ảnh hóa đơn." in info.get_content()
    assert OutboundEmail.objects.filter(
        complaint=closed, template_code="closure", state="sent"
    ).exists()


def test_handler_message_is_mailed_in_reply_to_the_complainants_email(smtp):
    team = make_team()
    complaint = receive(team, complainant=ComplainantFactory(email="an@example.vn")).complaint
    services.complaint_add_message(
        complaint=complaint,
        actor=Actor.channel("email"),
        direction="inbound",
        body="Tôi gửi thêm thông tin.",
        channel="email",
        email_message_id="<reply-1@mail.example.vn>",
    )
    services.complaint_add_message(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        direction="outbound",
        body="Chúng tôi đã nhận được.",
        subject="Trả lời",
    )

    outbox_flush()

    reply = smtp.messages[-1]
    assert _subject(reply) == f"[{complaint.reference}] Trả lời"
    assert reply["In-Reply-To"] == "<reply-1@mail.example.vn>"
    assert "Auto-Submitted" not in reply  # written by a person
    assert reply.get_content().strip() == "Chúng tôi đã nhận được."


def test_mail_server_down_then_back_retries_with_backoff():
    sink = SmtpSink()  # not started: nothing listens on its port
    team = make_team()
    with _pointed_at(sink):
        complaint = receive(team).complaint
        email = _receipt(complaint)

        assert deliver_now(email.pk) == "retrying"

        email.refresh_from_db()
        assert email.attempts == 1
        assert "ConnectionRefusedError" in email.last_error
        assert (
            timezone.now() + dt.timedelta(minutes=1)
            < email.next_attempt_at
            < timezone.now() + dt.timedelta(minutes=3)
        )
        assert Message.objects.get(pk=email.message_id).delivery_state == "retrying"
        # Besides the first attempt queued with the intake, a retry waits for its time.
        retry = DBTaskResult.objects.filter(
            task_path="redress.notifications.tasks.deliver_email", args_kwargs__args=[email.pk]
        ).latest("enqueued_at")
        assert retry.run_after == email.next_attempt_at
        # Not due yet: a sweep leaves it alone.
        assert outbox_flush() == 0

        sink.start()
        try:
            OutboundEmail.objects.filter(pk=email.pk).update(
                next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
            )
            assert outbox_flush() == 1
        finally:
            sink.stop()

    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(sink.messages) == 1
    assert Message.objects.get(pk=email.message_id).delivery_state == "sent"


def test_after_the_last_attempt_the_email_fails_and_the_owner_is_told():
    sink = SmtpSink()
    team = make_team()
    with _pointed_at(sink):
        complaint = receive(team).complaint
        services.complaint_assign(
            complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
        )
        email = _receipt(complaint)
        for _attempt in range(MAX_ATTEMPTS):
            OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
            state = deliver_now(email.pk)

    assert state == "failed"
    email.refresh_from_db()
    assert email.attempts == MAX_ATTEMPTS
    assert email.next_attempt_at is None
    assert Message.objects.get(pk=email.message_id).delivery_state == "failed"
    # One event for the final outcome, none for the retries before it.
    [event] = complaint.events.filter(action="record_delivery")
    assert (event.data["delivery"], event.data["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert AuditEntry.objects.filter(
        action="complaint.record_delivery", target_label=complaint.reference
    ).exists()
    notice = Notification.objects.get(kind="email_failed")
    assert (notice.recipient, notice.complaint) == (team.handler, complaint)
    # A failed email is not tried again by the sweep ...
    assert outbox_flush() == 0
    # ... until someone asks for it.
    assert email_retry(email=email) is True
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 0)


def test_a_sent_email_is_never_sent_twice(smtp):
    team = make_team()
    complaint = receive(team).complaint
    email = _receipt(complaint)

    assert deliver_now(email.pk) == "sent"
    assert deliver_now(email.pk) == "sent"
    assert outbox_flush() == 0
    assert email_retry(email=email) is False

    assert len(smtp.messages) == 1


def test_an_email_claimed_by_one_worker_is_not_sent_by_another(smtp):
    from redress.notifications.tasks import _claim

    team = make_team()
    email = _receipt(receive(team).complaint)

    assert _claim(email.pk) is not None  # a worker holds it (and then dies)
    assert deliver_now(email.pk) == "queued"
    assert outbox_flush() == 0
    assert smtp.messages == []
    # After the lease the sweep takes it over.
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert outbox_flush() == 1
    assert len(smtp.messages) == 1


def test_sending_happens_after_commit_with_an_immediate_task_backend(
    smtp, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    team = make_team()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint = receive(team).complaint
        assert smtp.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    assert len(smtp.messages) == 1
    assert _receipt(complaint).state == "sent"


def test_a_bounce_marks_the_email_bounced_and_tells_staff(smtp):
    team = make_team()
    complaint = receive(team).complaint
    email = _receipt(complaint)
    deliver_now(email.pk)

    email_bounced(message_id=email.email_message_id, detail="550 5.1.1 user unknown")

    email.refresh_from_db()
    assert email.state == "bounced"
    assert Message.objects.get(pk=email.message_id).delivery_state == "bounced"
    assert Notification.objects.filter(kind="email_failed", complaint=complaint).count() == 1
    # Sent, then bounced: both are on the record, in that order.
    assert [e.data["delivery"] for e in complaint.events.filter(action="record_delivery")] == [
        "sent",
        "bounced",
    ]
    assert advance(complaint, team, "acknowledge").status == Status.ACKNOWLEDGED


class _pointed_at:  # noqa: N801 - used as a context manager
    """Point Django's SMTP backend at a sink (running or not) for the block."""

    def __init__(self, sink: SmtpSink):
        from django.test import override_settings

        self._override = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_USE_TLS=False,
            EMAIL_TIMEOUT=5,
        )

    def __enter__(self):
        self._override.enable()
        return self

    def __exit__(self, *exc):
        self._override.disable()


def test_plain_text_mail_keeps_what_people_wrote_unescaped():
    team = make_team()
    person = ComplainantFactory(full_name="Seán O'Brien", preferred_language="en")
    complaint = receive(team, complainant=person, subject="Bill <A> & <B>").complaint
    body = _receipt(complaint).body
    assert "Seán O'Brien" in body and "&#x27;" not in body and "&lt;" not in body


def test_every_outward_step_tells_the_complainant(smtp):
    """Not accepted (with the reason), withdrawn, reopened and referred: each sends its own
    message, in the complainant's language, recorded on the complaint (ISO 10002 7.3, 7.8)."""
    team = make_team()
    refused = complaint_in_state(Status.ACKNOWLEDGED, team)
    services.complaint_assess(
        complaint=refused,
        actor=Actor.for_user(team.handler),
        classification="out_of_scope",
        severity="low",
        priority="normal",
        reason="Sản phẩm do một công ty khác cung cấp.",
    )
    withdrawn = complaint_in_state(Status.ACKNOWLEDGED, team)
    services.complaint_withdraw(
        complaint=withdrawn, actor=Actor.for_user(team.handler), reason="Đã tự giải quyết."
    )
    reopened = complaint_in_state(Status.CLOSED, team)
    services.complaint_reopen(
        complaint=reopened, actor=Actor.for_user(team.manager), reason="Có chứng cứ mới."
    )
    referred = complaint_in_state(Status.UNDER_REVIEW, team)
    services.complaint_refer_external(
        complaint=referred,
        actor=Actor.for_user(team.manager),
        provider="Sở Công Thương TP. Hồ Chí Minh",
        consent=True,
        note="Hồ sơ đã được gửi kèm.",
    )

    outbox_flush()

    def sent(complaint, code):
        email = OutboundEmail.objects.get(complaint=complaint, template_code=code)
        assert email.state == "sent" and email.message is not None
        return email.body

    assert "Sản phẩm do một công ty khác cung cấp." in sent(refused, "not_accepted")
    assert "Đã tự giải quyết." in sent(withdrawn, "withdrawal")
    assert "Có chứng cứ mới." in sent(reopened, "reopened")
    body = sent(referred, "referral")
    assert "Sở Công Thương TP. Hồ Chí Minh" in body and "Hồ sơ đã được gửi kèm." in body
    subjects = [_subject(m) for m in smtp.messages]
    assert f"Về yêu cầu {refused.reference} của Quý khách" in subjects
