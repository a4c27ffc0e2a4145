"""Administration pages: API tokens, webhooks, the mail quarantine and the mailboxes.

Only administrators open them (403 for every other role, and a refused change changes
nothing); lists make a fixed number of queries; secrets are never shown (token hashes,
mailbox passwords, webhook signing secrets); the raw token is shown once."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.models import OrgUnit
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import staff
from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail, Mailbox
from redress.intake.tests.mails import mail
from redress.integrations import services as integrations
from redress.integrations.models import ApiToken, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

# session, user, second factor, organisation (time zone), roles, rows, unread notices
TOKEN_PAGE_QUERIES = 7
# session, user, second factor, organisation, roles, subscriptions, deliveries, unread notices
WEBHOOK_PAGE_QUERIES = 8
# session, user, second factor, organisation, roles, rows, unread notices
QUARANTINE_PAGE_QUERIES = 7
# session, user, second factor, organisation, roles, rows, failing mailboxes (the alert), unread
# notices
MAILBOX_PAGE_QUERIES = 8

GET_PAGES = ["tokens", "token_create", "webhooks", "webhook_create", "quarantine", "mailboxes"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(team):
    organisation_get()  # made on first use; not a query the pages make once it exists
    return staff(Role.ADMIN, team.unit, username="quantri")


def system():
    return Actor.system("tests")


def subscription(name="CRM", **kwargs):
    return integrations.webhook_subscription_create(
        actor=system(),
        name=name,
        url="http://127.0.0.1:9/hooks",
        events=["complaint.received", "complaint.closed"],
        secret="whsec_khong-bao-gio-hien-ra-1234",
        **kwargs,
    )


def delivery(sub, state=WebhookDelivery.State.FAILED, **kwargs):
    return WebhookDelivery.objects.create(
        subscription=sub,
        event_id=f"evt_{WebhookDelivery.objects.count()}",
        event_type="complaint.received",
        body="{}",
        state=state,
        attempts=kwargs.pop("attempts", 8),
        last_status_code=kwargs.pop("last_status_code", 503),
        last_error=kwargs.pop("last_error", "Service Unavailable"),
        **kwargs,
    )


def quarantined(team, **kwargs):
    """A readable email that intake refused (no active unit at that moment): quarantined."""
    OrgUnit.objects.update(is_active=False)
    try:
        email = mail_ingest(raw=mail(**kwargs), source=InboundEmail.Source.FILE).email
    finally:
        OrgUnit.objects.update(is_active=True)
    assert email.outcome == InboundEmail.Outcome.QUARANTINED
    return email


def token(user, name="Tổng đài"):
    return integrations.token_create(actor=system(), user=user, name=name, scopes=["read"])


# --------------------------------------------------------------------------------------------
# Who may open the pages


@pytest.mark.parametrize("who", ["frontline", "handler", "manager", "top", "auditor"])
def test_other_roles_are_refused_every_page(team, signed_in, who):
    client = signed_in(getattr(team, who))
    sub = subscription()
    email = quarantined(team)
    urls = [reverse(f"backoffice:{name}") for name in GET_PAGES]
    urls += [
        reverse("backoffice:token_revoke", args=[token(team.handler).token.pk]),
        reverse("backoffice:quarantine_detail", args=[email.pk]),
        reverse("backoffice:quarantine_raw", args=[email.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert (
        'href="/staff/admin/'
        not in client.get(reverse("backoffice:queue", args=["all"])).content.decode()
    )
    assert WebhookSubscription.objects.get(pk=sub.pk).is_active


@pytest.mark.parametrize("who", ["handler", "manager", "auditor"])
def test_a_refused_change_changes_nothing(team, signed_in, who):
    sub = subscription()
    failed = delivery(sub)
    off = subscription("ERP")
    integrations.webhook_subscription_disable(subscription=off, actor=system(), reason="test")
    created = token(team.handler)
    email = quarantined(team)
    audit_before = AuditEntry.objects.count()
    client = signed_in(getattr(team, who))
    posts = [
        (
            reverse("backoffice:token_create"),
            {"name": "X", "kind": "personal", "user": team.handler.pk, "scopes": ["read"]},
        ),
        (reverse("backoffice:token_revoke", args=[created.token.pk]), {}),
        (reverse("backoffice:webhook_retry", args=[failed.pk]), {}),
        (reverse("backoffice:webhook_disable", args=[sub.pk]), {"reason": "x"}),
        (reverse("backoffice:webhook_enable", args=[off.pk]), {}),
        (reverse("backoffice:quarantine_dismiss", args=[email.pk]), {"note": "x"}),
        (reverse("backoffice:quarantine_reprocess", args=[email.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None
    assert WebhookDelivery.objects.get(pk=failed.pk).state == WebhookDelivery.State.FAILED
    assert WebhookSubscription.objects.get(pk=sub.pk).is_active
    assert not WebhookSubscription.objects.get(pk=off.pk).is_active
    assert InboundEmail.objects.get(pk=email.pk).outcome == InboundEmail.Outcome.QUARANTINED
    assert AuditEntry.objects.count() == audit_before


def test_signed_out_people_are_sent_to_sign_in(client, db):
    for name in GET_PAGES:
        response = client.get(reverse(f"backoffice:{name}"))
        assert response.status_code == 302 and "/login/" in response.url


def test_the_administrator_sees_the_links_and_the_pages(team, signed_in, admin):
    client = signed_in(admin)
    body = client.get(reverse("backoffice:queue", args=["all"])).content.decode()
    for name in GET_PAGES:
        if name not in ("token_create", "webhook_create"):
            assert f'href="{reverse(f"backoffice:{name}")}"' in body
        assert client.get(reverse(f"backoffice:{name}")).status_code == 200
    assert "Quản trị" in body and "Thư bị cách ly" in body


# --------------------------------------------------------------------------------------------
# Webhook subscriptions


def test_a_new_subscription_shows_its_secret_once_and_receives_events(team, signed_in, admin):
    from redress.integrations.services import webhooks_publish

    client = signed_in(admin)
    assert (
        'href="/staff/admin/webhooks/new/"'
        in client.get(reverse("backoffice:webhooks")).content.decode()
    )
    data = {
        "once": uuid.uuid4().hex,
        "name": "CRM",
        "url": "https://crm.example.vn/hooks/redress",
        "events": ["complaint.received", "complaint.closed"],
    }
    response = client.post(reverse("backoffice:webhook_create"), data)

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    created = WebhookSubscription.objects.get()
    assert (
        f'<p class="secret" id="webhook-secret">{integrations.webhook_secret(created)}</p>'
        in response.content.decode()
    )
    assert created.events == ["complaint.received", "complaint.closed"] and created.is_active
    assert AuditEntry.objects.filter(action="integrations.webhook_create").exists()
    assert webhooks_publish("complaint.closed", None) == 1  # this process sees it at once
    again = client.post(reverse("backoffice:webhook_create"), data, follow=True)
    assert (
        WebhookSubscription.objects.count() == 1
        and 'id="webhook-secret"' not in again.content.decode()
    )
    page = client.get(reverse("backoffice:webhooks")).content.decode()
    assert integrations.webhook_secret(created) not in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "CRM", "url": "ftp://crm.example.vn/", "events": ["complaint.closed"]}, "url"),
        ({"name": "CRM", "url": "https://crm.example.vn/", "events": []}, "events"),
        (
            {"name": "CRM", "url": "https://crm.example.vn/", "events": ["complaint.eaten"]},
            "events",
        ),
        (
            {
                "name": "CRM",
                "url": "https://crm.example.vn/",
                "events": ["complaint.closed"],
                "secret": "short",
            },
            "secret",
        ),
    ],
)
def test_bad_subscription_input_names_the_field_and_creates_nothing(
    team, signed_in, admin, data, field
):
    response = signed_in(admin).post(
        reverse("backoffice:webhook_create"), {"once": uuid.uuid4().hex, **data}
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert WebhookSubscription.objects.count() == 0


# --------------------------------------------------------------------------------------------
# API tokens


def test_a_new_token_is_shown_once_and_works(team, signed_in, admin):
    client = signed_in(admin)
    response = client.post(
        reverse("backoffice:token_create"),
        {
            "once": uuid.uuid4().hex,
            "name": "Tổng đài 1900",
            "kind": "integration",
            "user": team.frontline.pk,
            "scopes": ["read", "write"],
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    created = ApiToken.objects.get()
    body = response.content.decode()
    raw = body.split('<p class="secret" id="token-value">', 1)[1].split("</p>", 1)[0]
    assert raw.startswith("rdr_") and "sẽ không được hiển thị lại" in body
    found = integrations.token_authenticate(raw)
    assert found.pk == created.pk and found.user == team.frontline
    assert created.scopes == ["read", "write"] and created.source_system == "Tổng đài 1900"
    assert AuditEntry.objects.filter(
        action="integrations.token_create", actor_label="quantri"
    ).exists()

    listing = client.get(reverse("backoffice:tokens")).content.decode()
    assert "Tổng đài 1900" in listing and created.prefix in listing
    assert raw not in listing and created.key_hash not in listing and created.key_hash not in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "kind": "personal", "scopes": ["read"]}, "name"),
        ({"name": "CRM", "kind": "personal", "scopes": []}, "scopes"),
        ({"name": "CRM", "kind": "personal", "scopes": ["delete_everything"]}, "scopes"),
        ({"name": "CRM", "kind": "robot", "scopes": ["read"]}, "kind"),
        (
            {
                "name": "CRM",
                "kind": "personal",
                "scopes": ["read"],
                "expires_at": "2020-01-01T08:00",
            },
            "expires_at",
        ),
    ],
)
def test_bad_token_input_names_the_field_and_creates_nothing(team, signed_in, admin, data, field):
    response = signed_in(admin).post(
        reverse("backoffice:token_create"),
        {"once": uuid.uuid4().hex, "user": team.handler.pk, **data},
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert ApiToken.objects.count() == 0
    assert 'id="token-value"' not in response.content.decode()


def test_the_same_form_sent_twice_creates_one_token(team, signed_in, admin, monkeypatch):
    client = signed_in(admin)
    form = client.get(reverse("backoffice:token_create")).content.decode()
    once = form.split('name="once" value="', 1)[1].split('"', 1)[0]
    data = {
        "once": once,
        "name": "CRM",
        "kind": "personal",
        "user": team.handler.pk,
        "scopes": ["read"],
    }

    # The service refuses once (say, the person was switched off a moment ago): nothing was
    # created, so the same form may be sent again once corrected.
    real = integrations.token_create

    def refuse(**_kwargs):
        raise ValidationFailed("no", fields={"user": ["no"]})

    monkeypatch.setattr(integrations, "token_create", refuse)
    assert client.post(reverse("backoffice:token_create"), data).status_code == 422
    monkeypatch.setattr(integrations, "token_create", real)
    first = client.post(reverse("backoffice:token_create"), data)
    again = client.post(reverse("backoffice:token_create"), data, follow=True)

    assert first.status_code == 200 and 'id="token-value"' in first.content.decode()
    assert ApiToken.objects.count() == 1
    assert 'id="token-value"' not in again.content.decode()
    assert "Biểu mẫu này đã được gửi" in again.content.decode()


def test_a_token_for_an_inactive_person_is_refused_by_the_form(team, signed_in, admin):
    team.handler.is_active = False
    team.handler.save(update_fields=["is_active"])
    response = signed_in(admin).post(
        reverse("backoffice:token_create"),
        {
            "once": uuid.uuid4().hex,
            "name": "CRM",
            "kind": "personal",
            "user": team.handler.pk,
            "scopes": ["read"],
        },
    )
    assert response.status_code == 422 and "user" in response.context["form"].errors
    assert ApiToken.objects.count() == 0


def test_revoking_asks_first_then_the_token_stops_working(team, signed_in, admin):
    from redress.integrations.services import NotAuthenticated

    created = token(team.handler)
    client = signed_in(admin)
    url = reverse("backoffice:token_revoke", args=[created.token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and b'<form method="post">' in confirm.content
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("backoffice:tokens")
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(NotAuthenticated):
        integrations.token_authenticate(created.raw)
    assert "đã thu hồi" in client.get(reverse("backoffice:tokens")).content.decode()


def test_token_list_query_count_is_fixed(team, signed_in, admin, django_assert_num_queries):
    client = signed_in(admin)
    token(team.handler)
    with django_assert_num_queries(TOKEN_PAGE_QUERIES):
        assert client.get(reverse("backoffice:tokens")).status_code == 200
    for index in range(60):
        token(team.manager if index % 2 else team.frontline, name=f"Token {index}")
    with django_assert_num_queries(TOKEN_PAGE_QUERIES):
        body = client.get(reverse("backoffice:tokens") + "?page=2").content.decode()
    assert body.count('class="ref"') == 11 and 'rel="prev"' in body


# --------------------------------------------------------------------------------------------
# Webhooks


def test_delivery_log_filters_and_shows_local_times(team, signed_in, admin):
    crm, erp = subscription("CRM"), subscription("ERP")
    failed = delivery(crm)
    delivery(crm, state=WebhookDelivery.State.DELIVERED, last_status_code=200, last_error="")
    delivery(erp, last_error="Connection refused")
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        created_at=dt.datetime(2026, 1, 1, 17, 30, tzinfo=dt.UTC)
    )
    client = signed_in(admin)
    body = client.get(
        reverse("backoffice:webhooks") + f"?state=failed&subscription={crm.pk}"
    ).content.decode()
    assert body.count("HTTP 503") == 1 and "Connection refused" not in body
    assert "02/01/2026 00:30" in body  # 17:30 UTC is half past midnight in Hà Nội
    assert "whsec_khong-bao-gio-hien-ra" not in body
    body = client.get(reverse("backoffice:webhooks") + "?state=failed").content.decode()
    assert "Connection refused" in body and body.count("Gửi lại") == 2


def test_a_bad_filter_is_named_and_ignored(team, signed_in, admin):
    delivery(subscription())
    response = signed_in(admin).get(reverse("backoffice:webhooks") + "?state=lost&subscription=999")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"state", "subscription"}
    assert "HTTP 503" in response.content.decode()


def test_webhook_page_query_count_is_fixed(team, signed_in, admin, django_assert_num_queries):
    client = signed_in(admin)
    crm = subscription()
    delivery(crm)
    with django_assert_num_queries(WEBHOOK_PAGE_QUERIES):
        assert client.get(reverse("backoffice:webhooks")).status_code == 200
    erp = subscription("ERP")
    for index in range(60):
        delivery(crm if index % 2 else erp)
    with django_assert_num_queries(WEBHOOK_PAGE_QUERIES):
        body = client.get(
            reverse("backoffice:webhooks") + f"?state=failed&subscription={crm.pk}"
        ).content.decode()
    assert body.count("HTTP 503") == 31  # crm's 31 failed events, one page


def test_retry_puts_a_failed_event_back_in_the_outbox(team, signed_in, admin):
    sub = subscription()
    failed = delivery(sub)
    response = signed_in(admin).post(
        reverse("backoffice:webhook_retry", args=[failed.pk]) + "?state=failed"
    )
    assert (
        response.status_code == 302
        and response.url == reverse("backoffice:webhooks") + "?state=failed"
    )
    failed.refresh_from_db()
    assert failed.state == WebhookDelivery.State.PENDING and failed.attempts == 0
    assert AuditEntry.objects.filter(
        action="integrations.webhook_retry", actor_label="quantri"
    ).exists()


def test_retry_of_an_event_of_a_subscription_that_is_off_is_refused(team, signed_in, admin):
    sub = subscription()
    failed = delivery(sub)
    integrations.webhook_subscription_disable(subscription=sub, actor=system(), reason="test")
    response = signed_in(admin).post(
        reverse("backoffice:webhook_retry", args=[failed.pk]), follow=True
    )
    assert "Hãy bật đăng ký trước." in response.content.decode()
    assert WebhookDelivery.objects.get(pk=failed.pk).state == WebhookDelivery.State.FAILED


def test_a_subscription_switched_off_after_failures_is_an_alert_and_can_be_turned_on(
    team, signed_in, admin
):
    sub = subscription("CRM", disable_after=3)
    WebhookSubscription.objects.filter(pk=sub.pk).update(failed_in_row=3)
    integrations.webhook_subscription_disable(
        subscription=sub,
        actor=Actor.system("webhooks"),
        reason="3 sự kiện liên tiếp không gửi được.",
    )
    client = signed_in(admin)
    body = client.get(reverse("backoffice:webhooks")).content.decode()
    alert = body.split('<div class="alert" role="alert">', 1)[1].split("</div>", 1)[0]
    assert "CRM" in alert and "3 sự kiện liên tiếp không gửi được." in alert
    client.post(reverse("backoffice:webhook_enable", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.is_active and sub.failed_in_row == 0
    assert 'role="alert"' not in client.get(reverse("backoffice:webhooks")).content.decode()


def test_turning_a_subscription_off_cancels_what_waits(team, signed_in, admin):
    sub = subscription()
    waiting = delivery(sub, state=WebhookDelivery.State.PENDING, attempts=0)
    signed_in(admin).post(reverse("backoffice:webhook_disable", args=[sub.pk]), {"reason": ""})
    sub.refresh_from_db()
    assert not sub.is_active and "quantri" in sub.disabled_reason
    assert WebhookDelivery.objects.get(pk=waiting.pk).state == WebhookDelivery.State.CANCELLED


# --------------------------------------------------------------------------------------------
# Mail quarantine


def test_quarantine_lists_the_email_and_shows_its_headers(team, signed_in, admin):
    email = quarantined(team, subject="Khiếu nại: hóa đơn tháng 11", sender="binh@example.vn")
    client = signed_in(admin)
    body = client.get(reverse("backoffice:quarantine")).content.decode()
    assert (
        "binh@example.vn" in body
        and "Khiếu nại: hóa đơn tháng 11" in body
        and email.reason[:30] in body
    )
    detail = client.get(reverse("backoffice:quarantine_detail", args=[email.pk])).content.decode()
    assert '<table class="headers">' in detail
    assert '<th scope="row">Subject</th><td>Khiếu nại: hóa đơn tháng 11</td>' in detail
    assert '<th scope="row">Message-ID</th>' in detail


def test_an_unreadable_email_shows_what_can_be_read_and_downloads_whole(team, signed_in, admin):
    raw = b"From: x@example.vn\nSubject: =?utf-8?b?invalid\n\n\x00\xff garbage"
    email = mail_ingest(raw=b"\x00garbage", source=InboundEmail.Source.FILE).email
    other = mail_ingest(raw=raw, source=InboundEmail.Source.FILE).email
    client = signed_in(admin)
    for inbound, original in ((email, b"\x00garbage"), (other, raw)):
        assert (
            client.get(reverse("backoffice:quarantine_detail", args=[inbound.pk])).status_code
            == 200
        )
        response = client.get(reverse("backoffice:quarantine_raw", args=[inbound.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "message/rfc822"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == original


def test_dismissing_marks_it_reviewed_and_keeps_the_original(team, signed_in, admin):
    email = quarantined(team)
    client = signed_in(admin)
    response = client.post(
        reverse("backoffice:quarantine_dismiss", args=[email.pk]), {"note": "Thư rác"}
    )
    assert response.status_code == 302 and response.url == reverse("backoffice:quarantine")
    email.refresh_from_db()
    assert email.outcome == InboundEmail.Outcome.DISMISSED
    assert (
        email.reviewed_by == "quantri"
        and email.reviewed_at is not None
        and "Thư rác" in email.reason
    )
    assert (
        AuditEntry.objects.filter(action="intake.mail_dismiss", target_id=str(email.pk)).count()
        == 1
    )
    assert email.from_address not in client.get(reverse("backoffice:quarantine")).content.decode()
    assert (
        email.from_address
        in client.get(reverse("backoffice:quarantine") + "?show=dismissed").content.decode()
    )
    assert client.get(reverse("backoffice:quarantine_raw", args=[email.pk])).status_code == 200
    # A second dismissal is refused with a message and changes nothing.
    again = client.post(
        reverse("backoffice:quarantine_dismiss", args=[email.pk]), {"note": "lần hai"}, follow=True
    )
    assert "không còn trong khu cách ly" in again.content.decode()
    assert AuditEntry.objects.filter(action="intake.mail_dismiss").count() == 1


def test_a_too_long_note_is_refused_and_changes_nothing(team, signed_in, admin):
    email = quarantined(team)
    response = signed_in(admin).post(
        reverse("backoffice:quarantine_dismiss", args=[email.pk]), {"note": "x" * 1001}
    )
    assert response.status_code == 422 and "note" in response.context["form"].errors
    assert InboundEmail.objects.get(pk=email.pk).outcome == InboundEmail.Outcome.QUARANTINED


def test_processing_again_after_the_cause_is_fixed_makes_the_complaint(
    team, signed_in, admin, settings
):
    settings.REDRESS_MAIL_SENDER_LIMIT = 0
    email = quarantined(team)
    response = signed_in(admin).post(reverse("backoffice:quarantine_reprocess", args=[email.pk]))
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.outcome == InboundEmail.Outcome.COMPLAINT and email.complaint_id is not None
    assert email.reviewed_by == "quantri"
    assert AuditEntry.objects.filter(
        action="intake.mail_reprocess", target_id=str(email.pk)
    ).exists()


def test_quarantine_list_query_count_is_fixed(team, signed_in, admin, django_assert_num_queries):
    client = signed_in(admin)
    mail_ingest(raw=b"\x00garbage 0", source=InboundEmail.Source.FILE)
    with django_assert_num_queries(QUARANTINE_PAGE_QUERIES):
        assert client.get(reverse("backoffice:quarantine")).status_code == 200
    for index in range(1, 60):
        mail_ingest(raw=f"\x00garbage {index}".encode(), source=InboundEmail.Source.FILE)
    with django_assert_num_queries(QUARANTINE_PAGE_QUERIES):
        body = client.get(reverse("backoffice:quarantine")).content.decode()
    assert (
        len(re.findall(r'href="/staff/admin/quarantine/\d+/"', body)) == 2 * 50
    )  # two links a row


# --------------------------------------------------------------------------------------------
# Mailboxes


def mailbox(name, **kwargs):
    return Mailbox.objects.create(
        name=name,
        host="imap.example.vn",
        username=f"{name}@example.vn",
        password="mat-khau-bi-mat",
        **kwargs,
    )


def test_a_failing_mailbox_is_an_alert_and_passwords_are_never_shown(
    team, signed_in, admin, settings
):
    settings.REDRESS_MAILBOX_ALERT_AFTER = 3
    now = timezone.now()
    mailbox("khieunai", last_polled_at=now, last_success_at=now)
    mailbox(
        "hotro",
        last_polled_at=now,
        consecutive_failures=4,
        last_error="LOGIN failed: authentication failed",
        alert_raised_at=now,
    )
    mailbox("banhang", consecutive_failures=1, last_error="timed out")
    body = signed_in(admin).get(reverse("backoffice:mailboxes")).content.decode()
    assert "mat-khau-bi-mat" not in body
    alerts = body.split('<div class="alert" role="alert">')[1:]
    assert len(alerts) == 1
    assert "hotro" in alerts[0] and "LOGIN failed" in alerts[0] and "4" in alerts[0]
    assert "timed out" in body and "khieunai@example.vn" in body


def test_mailbox_list_query_count_is_fixed(team, signed_in, admin, django_assert_num_queries):
    client = signed_in(admin)
    mailbox("m0", unit=team.unit)
    with django_assert_num_queries(MAILBOX_PAGE_QUERIES):
        assert client.get(reverse("backoffice:mailboxes")).status_code == 200
    for index in range(1, 30):
        mailbox(f"m{index}", unit=team.unit, consecutive_failures=5, alert_raised_at=timezone.now())
    with django_assert_num_queries(MAILBOX_PAGE_QUERIES):
        assert client.get(reverse("backoffice:mailboxes")).status_code == 200


# --------------------------------------------------------------------------------------------
# Editing a subscription, and a new signing secret


def _edit(client, sub, **changes):
    data = {
        "name": sub.name,
        "url": sub.url,
        "events": sub.events,
        "max_attempts": sub.max_attempts,
        "disable_after": sub.disable_after,
        **changes,
    }
    return client.post(reverse("backoffice:webhook_edit", args=[sub.pk]), data)


def test_editing_a_subscription_changes_where_and_what_it_posts(team, signed_in, admin):
    from redress.integrations.services import webhooks_publish

    sub = subscription()
    client = signed_in(admin)
    assert (
        f'href="/staff/admin/webhooks/{sub.pk}/edit/"'
        in client.get(reverse("backoffice:webhooks")).content.decode()
    )
    form_page = client.get(reverse("backoffice:webhook_edit", args=[sub.pk])).content.decode()
    assert 'value="http://127.0.0.1:9/hooks"' in form_page
    assert "whsec_khong-bao-gio-hien-ra" not in form_page

    response = _edit(
        client,
        sub,
        url="https://crm.example.vn/redress",
        events=["complaint.status_changed"],
        max_attempts=3,
    )

    assert response.status_code == 302 and response.url == reverse("backoffice:webhooks")
    sub.refresh_from_db()
    assert (sub.url, sub.events, sub.max_attempts) == (
        "https://crm.example.vn/redress",
        ["complaint.status_changed"],
        3,
    )
    assert integrations.webhook_secret(sub) == "whsec_khong-bao-gio-hien-ra-1234"  # kept
    entry = AuditEntry.objects.get(action="integrations.webhook_update")
    assert entry.before == {
        "url": "http://127.0.0.1:9/hooks",
        "events": ["complaint.received", "complaint.closed"],
        "max_attempts": 8,
    }
    assert entry.after["url"] == "https://crm.example.vn/redress"
    # Published events follow the change at once in this process.
    assert webhooks_publish("complaint.closed", None) == 0
    assert webhooks_publish("complaint.status_changed", None) == 1
    # Saving again without a change records nothing.
    assert _edit(client, sub).status_code == 302
    assert AuditEntry.objects.filter(action="integrations.webhook_update").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://crm.example.vn/"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["complaint.eaten"]}, "events"),
        ({"name": "  "}, "name"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"disable_after": "nhiều"}, "disable_after"),
    ],
)
def test_bad_edits_name_the_field_and_change_nothing(team, signed_in, admin, changes, field):
    sub = subscription()
    before = WebhookSubscription.objects.filter(pk=sub.pk).values().get()
    response = _edit(signed_in(admin), sub, **changes)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert WebhookSubscription.objects.filter(pk=sub.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="integrations.webhook_update").exists()


def test_a_new_signing_secret_is_asked_for_then_shown_once_and_used(team, signed_in, admin):
    sub = subscription()
    client = signed_in(admin)
    url = reverse("backoffice:webhook_secret_rotate", args=[sub.pk])
    ask = client.get(url)
    assert ask.status_code == 200 and 'id="webhook-secret"' not in ask.content.decode()
    assert (
        integrations.webhook_secret(WebhookSubscription.objects.get(pk=sub.pk))
        == "whsec_khong-bao-gio-hien-ra-1234"
    )

    response = client.post(url)

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new = integrations.webhook_secret(WebhookSubscription.objects.get(pk=sub.pk))
    assert new != "whsec_khong-bao-gio-hien-ra-1234" and new.startswith("whsec_")
    assert f'<p class="secret" id="webhook-secret">{new}</p>' in response.content.decode()
    entry = AuditEntry.objects.get(action="integrations.webhook_secret_rotate")
    assert new not in str(entry.before) + str(entry.after)
    assert new not in client.get(reverse("backoffice:webhook_edit", args=[sub.pk])).content.decode()


@pytest.mark.parametrize("who", ["handler", "manager", "auditor"])
def test_others_can_neither_edit_a_subscription_nor_replace_its_secret(team, signed_in, who):
    sub = subscription()
    before = WebhookSubscription.objects.filter(pk=sub.pk).values().get()
    client = signed_in(getattr(team, who))
    assert client.get(reverse("backoffice:webhook_edit", args=[sub.pk])).status_code == 403
    assert client.get(reverse("backoffice:webhook_secret_rotate", args=[sub.pk])).status_code == 403
    assert _edit(client, sub, url="https://evil.example/").status_code == 403
    assert (
        client.post(reverse("backoffice:webhook_secret_rotate", args=[sub.pk])).status_code == 403
    )
    assert WebhookSubscription.objects.filter(pk=sub.pk).values().get() == before
