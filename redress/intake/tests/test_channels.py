"""The ways email reaches intake: IMAP mailboxes (a real Dovecot server on loopback), the
inbound webhook, the ``mail`` command; and the admin's quarantine and mailbox views."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from redress.complaints.models import Complaint, Message
from redress.core.roles import Role
from redress.core.sealing import seal, unseal
from redress.core.testing import UserFactory, staff
from redress.handling.testing import make_team
from redress.intake.imap import mailbox_poll, mailboxes_due
from redress.intake.models import InboundEmail, Mailbox
from redress.intake.tasks import mail_sweep
from redress.intake.tests.mails import mail
from redress.notifications.models import Notification, OutboundEmail
from redress.notifications.testing import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def _mailbox(server, **kwargs):
    defaults = {
        "name": "Khiếu nại",
        "host": "127.0.0.1",
        "port": server.port,
        "security": Mailbox.Security.NONE,
        "username": server.user,
        "password": seal(server.password),
    }
    return Mailbox.objects.create(**{**defaults, **kwargs})


def test_polling_takes_new_mail_from_the_imap_server_once(team, imap):
    imap.append(mail(subject="Hóa đơn tính sai tiền", message_id="<p1@mail.example.vn>"))
    imap.append(
        mail(
            subject="Giao hàng trễ hẹn",
            sender="binh@example.vn",
            name="Trần Bình",
            message_id="<p2@mail.example.vn>",
        )
    )
    box = _mailbox(imap, unit=team.unit)

    result = mailbox_poll(box)

    assert (result.ok, result.fetched, result.new) == (True, 2, 2)
    complaints = Complaint.objects.order_by("pk")
    assert [c.subject for c in complaints] == ["Hóa đơn tính sai tiền", "Giao hàng trễ hẹn"]
    assert {c.unit for c in complaints} == {team.unit}
    assert all(e.source == "imap" and e.mailbox == box for e in InboundEmail.objects.all())
    box.refresh_from_db()
    assert box.last_uid == 2 and box.uid_validity and box.last_success_at
    assert all(b"\\Seen" in flags for flags in imap.flags())

    # Nothing new: nothing taken.
    assert mailbox_poll(box).fetched == 0
    # A new message arrives.
    imap.append(mail(subject="Nhân viên thái độ không tốt", message_id="<p3@mail.example.vn>"))
    assert mailbox_poll(box).new == 1
    assert Complaint.objects.count() == 3


def test_a_message_fetched_again_is_not_taken_twice(team, imap):
    imap.append(mail(message_id="<again@mail.example.vn>"))
    box = _mailbox(imap)
    mailbox_poll(box)

    Mailbox.objects.filter(pk=box.pk).update(
        last_uid=0, uid_validity=None
    )  # e.g. the server was rebuilt
    box.refresh_from_db()
    result = mailbox_poll(box)

    assert (result.fetched, result.new) == (1, 0)
    assert Complaint.objects.count() == 1


def test_a_reply_in_the_mailbox_is_threaded_to_its_complaint(team, imap):
    imap.append(mail(message_id="<t1@mail.example.vn>"))
    box = _mailbox(imap)
    mailbox_poll(box)
    complaint = Complaint.objects.get()
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    imap.append(
        mail(
            subject="Re: đã nhận",
            body="Cảm ơn, tôi chờ kết quả.",
            headers={"In-Reply-To": receipt.email_message_id},
        )
    )

    mailbox_poll(box)

    assert Complaint.objects.count() == 1
    assert (
        Message.objects.get(complaint=complaint, direction="inbound").body
        == "Cảm ơn, tôi chờ kết quả."
    )


def test_a_mailbox_that_keeps_failing_alerts_the_administrators_once(team, imap, settings):
    settings.REDRESS_MAILBOX_ALERT_AFTER = 3
    admin = staff(Role.ADMIN, team.unit)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    box = _mailbox(imap, password="sai-mat-khau")

    results = [mailbox_poll(box) for _ in range(4)]

    assert [r.ok for r in results] == [False] * 4
    assert "LOGIN" in results[0].error or "AUTHENTICATIONFAILED" in results[0].error
    box.refresh_from_db()
    assert box.consecutive_failures == 4
    assert box.is_failing
    notices = Notification.objects.filter(kind="mailbox_failing")
    assert sorted(n.recipient_id for n in notices) == sorted(
        [admin.pk, superuser.pk]
    )  # once each, not per failure

    box.password = seal(imap.password)
    box.save()
    assert mailbox_poll(box).ok
    box.refresh_from_db()
    assert (box.consecutive_failures, box.is_failing, box.last_error) == (0, False, "")


def test_an_unreachable_server_counts_as_a_failure(team):
    box = Mailbox.objects.create(
        name="Tắt",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.NONE,
        username="x",
        password="y",
    )

    result = mailbox_poll(box)

    assert not result.ok
    assert "ConnectionRefused" in result.error
    box.refresh_from_db()
    assert box.consecutive_failures == 1 and not box.is_failing


def test_the_sweep_polls_only_the_mailboxes_that_are_due(team, imap):
    imap.append(mail())
    due = _mailbox(imap)
    _mailbox(imap, name="Tạm dừng", is_active=False)

    assert mailboxes_due() == [due]
    assert mail_sweep() == 1
    assert mailboxes_due() == []  # just polled


def test_mail_poll_command(team, imap):
    imap.append(mail())
    _mailbox(imap)
    out = io.StringIO()

    call_command("mail", "poll", stdout=out)

    assert "1" in out.getvalue()
    assert Complaint.objects.count() == 1


def test_mail_poll_command_fails_loudly_for_a_broken_mailbox(team, imap):
    _mailbox(imap, password="sai")

    with pytest.raises(CommandError):
        call_command("mail", "poll", stdout=io.StringIO(), stderr=io.StringIO())


def test_mail_ingest_command_reads_eml_files(team, tmp_path):
    path = tmp_path / "khieu-nai.eml"
    path.write_bytes(mail())
    out = io.StringIO()

    call_command("mail", "ingest", str(path), stdout=out)
    call_command("mail", "ingest", str(path), stdout=out)

    complaint = Complaint.objects.get()
    lines = out.getvalue().splitlines()
    assert complaint.reference in lines[0]
    assert "already taken" in lines[1]


# --- the inbound webhook ---------------------------------------------------------------

URL = "/intake/mail/"


@pytest.fixture
def secret(settings):
    settings.REDRESS_MAIL_WEBHOOK_SECRET = "bi-mat-chung-dai-du"
    return settings.REDRESS_MAIL_WEBHOOK_SECRET


def test_webhook_takes_a_raw_email(team, client, secret):
    response = client.post(
        URL,
        mail(message_id="<w1@x.vn>"),
        content_type="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200
    body = response.json()
    complaint = Complaint.objects.get()
    assert body == {
        "id": InboundEmail.objects.get().pk,
        "outcome": "complaint",
        "duplicate": False,
        "reference": complaint.reference,
        "reason": "",
    }
    assert InboundEmail.objects.get().source == "webhook"
    # The provider retries: nothing new.
    again = client.post(
        URL,
        mail(message_id="<w1@x.vn>"),
        content_type="message/rfc822",
        HTTP_X_REDRESS_SECRET=secret,
    )
    assert again.json()["duplicate"] is True
    assert Complaint.objects.count() == 1


def test_webhook_takes_a_form_field(team, client, secret):
    response = client.post(URL, {"email": mail().decode()}, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.json()["outcome"] == "complaint"


@pytest.mark.parametrize(
    "headers", [{}, {"HTTP_AUTHORIZATION": "Bearer sai"}, {"HTTP_X_REDRESS_SECRET": "sai"}]
)
def test_webhook_refuses_a_wrong_secret(team, client, secret, headers):
    response = client.post(URL, mail(), content_type="message/rfc822", **headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"
    assert InboundEmail.objects.count() == 0


def test_webhook_is_off_without_a_secret(team, client, settings):
    settings.REDRESS_MAIL_WEBHOOK_SECRET = ""

    assert (
        client.post(
            URL, mail(), content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer "
        ).status_code
        == 404
    )


def test_webhook_bad_requests(team, client, secret, settings):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(URL, **auth).status_code == 405
    assert client.post(URL, b"", content_type="message/rfc822", **auth).status_code == 400
    settings.REDRESS_MAIL_MAX_BYTES = 100
    assert client.post(URL, mail(), content_type="message/rfc822", **auth).status_code == 413
    assert InboundEmail.objects.count() == 0


def test_webhook_keeps_an_unreadable_email_in_quarantine(team, client, secret):
    response = client.post(
        URL,
        b"\x00\x01 garbage",
        content_type="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "quarantined"


# --- admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    user.save()  # the factory sets the password without saving it; the session checks it
    client.force_login(user)
    return client


def test_the_quarantine_is_listed_in_the_admin_with_the_original(team, admin_client):
    from redress.intake.mail import mail_ingest

    quarantined = mail_ingest(raw=b"\x00\x01 broken mail", source="file").email
    mail_ingest(raw=mail(subject="Bình thường"), source="file")

    page = admin_client.get(
        reverse("admin:intake_inboundemail_changelist") + "?attention=quarantine"
    )

    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert list(rows) == [quarantined]
    raw = admin_client.get(reverse("admin:intake_inboundemail_raw", args=[quarantined.pk]))
    assert b"".join(raw.streaming_content) == b"\x00\x01 broken mail"
    detail = admin_client.get(reverse("admin:intake_inboundemail_change", args=[quarantined.pk]))
    assert detail.status_code == 200


def test_a_failing_mailbox_is_flagged_in_the_admin_list(team, admin_client):
    Mailbox.objects.create(
        name="Hỏng",
        host="127.0.0.1",
        port=1,
        username="x",
        password="y",
        consecutive_failures=5,
        alert_raised_at="2026-11-24T00:00:00Z",
    )

    page = admin_client.get(reverse("admin:intake_mailbox_changelist"))

    assert page.status_code == 200
    assert "⚠ Đang lỗi" in page.content.decode()  # staff pages speak the user's language (vi)


def test_the_mailbox_form_keeps_the_password_when_left_empty(team, admin_client, imap):
    box = _mailbox(imap)
    url = reverse("admin:intake_mailbox_change", args=[box.pk])

    response = admin_client.post(
        url,
        {
            "name": box.name,
            "host": box.host,
            "port": box.port,
            "security": box.security,
            "username": box.username,
            "password": "",
            "folder": "INBOX",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    box.refresh_from_db()
    assert unseal(box.password) == imap.password
    assert imap.password not in admin_client.get(url).content.decode()


def test_a_password_entered_in_the_admin_is_stored_sealed_and_still_logs_in(
    team, admin_client, imap, settings
):
    box = _mailbox(imap, password="")
    form = {
        "name": box.name,
        "host": box.host,
        "port": box.port,
        "security": box.security,
        "username": box.username,
        "password": imap.password,
        "folder": "INBOX",
        "is_active": "on",
    }
    assert (
        admin_client.post(reverse("admin:intake_mailbox_change", args=[box.pk]), form).status_code
        == 302
    )

    box.refresh_from_db()
    assert box.password.startswith("sealed:v1:") and imap.password not in box.password
    assert mailbox_poll(box).ok  # against the real IMAP server

    # Another key (the secret key was changed): the mailbox fails visibly, naming the cause.
    settings.REDRESS_SEALING_KEY = "another-key"
    result = mailbox_poll(box)
    assert not result.ok and "enter it again" in result.error
