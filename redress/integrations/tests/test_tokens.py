"""API tokens: created once, stored hashed, scoped, revocable; the CLI and the admin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.testing import UserFactory
from redress.handling.testing import make_team
from redress.integrations.models import ApiToken
from redress.integrations.services import (
    NotAuthenticated,
    token_authenticate,
    token_create,
    token_hash,
    token_revoke,
)


def test_a_token_is_shown_once_and_stored_hashed(db):
    team = make_team()

    created = token_create(
        actor=Actor.system("test"), user=team.handler, name="Tổng đài", scopes=["write", "read"]
    )

    assert created.raw.startswith("rdr_") and len(created.raw) >= 40
    stored = ApiToken.objects.get()
    assert stored.key_hash == token_hash(created.raw)
    assert created.raw not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == created.raw[:12]
    assert stored.scopes == ["read", "write"]
    assert AuditEntry.objects.filter(
        action="integrations.token_create", target_label=stored.prefix
    ).exists()


def test_authenticate_returns_the_token_with_its_user_and_marks_it_used(db):
    team = make_team()
    created = token_create(actor=Actor.system("test"), user=team.handler, name="t")

    token = token_authenticate(created.raw)

    assert token.user == team.handler
    assert token.last_used_at is not None
    with pytest.raises(NotAuthenticated):
        token_authenticate(created.raw + "x")
    with pytest.raises(NotAuthenticated):
        token_authenticate("")


def test_revoked_expired_and_inactive_tokens_are_refused(db):
    team = make_team()
    revoked = token_create(actor=Actor.system("t"), user=team.handler, name="a")
    expiring = token_create(
        actor=Actor.system("t"),
        user=team.manager,
        name="b",
        expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    inactive = token_create(actor=Actor.system("t"), user=team.frontline, name="c")

    token_revoke(token=revoked.token, actor=Actor.system("t"))
    token_revoke(token=revoked.token, actor=Actor.system("t"))  # twice changes nothing
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    team.frontline.is_active = False
    team.frontline.save()

    for raw, word in (
        (revoked.raw, "revoked"),
        (expiring.raw, "expired"),
        (inactive.raw, "not active"),
    ):
        with pytest.raises(NotAuthenticated) as refused:
            token_authenticate(raw)
        assert word in refused.value.message
    assert AuditEntry.objects.filter(action="integrations.token_revoke").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["read", "admin"]}, "scopes"),
        ({"name": "  "}, "name"),
        ({"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}, "expires_at"),
        ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
        ({"kind": "robot"}, "kind"),
    ],
)
def test_token_validation(db, kwargs, field):
    user = UserFactory()
    arguments = {"actor": Actor.system("t"), "user": user, "name": "x", **kwargs}

    with pytest.raises(ValidationFailed) as refused:
        token_create(**arguments)

    assert field in refused.value.fields
    assert not ApiToken.objects.exists()


def test_integration_tokens_record_their_source_system(db):
    created = token_create(
        actor=Actor.system("t"), user=UserFactory(), name="zalo-oa", kind="integration"
    )

    assert created.token.source_system == "zalo-oa"


def test_token_command_creates_lists_and_revokes(db):
    team = make_team()
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "token",
        "create",
        "--user",
        team.frontline.username,
        "--name",
        "Tổng đài",
        "--scopes",
        "read,write",
        "--integration",
        "call-centre",
        "--expires-days",
        "30",
        stdout=out,
        stderr=err,
    )

    raw = out.getvalue().strip()
    token = token_authenticate(raw)
    assert (token.user, token.scopes, token.source_system, token.kind) == (
        team.frontline,
        ["read", "write"],
        "call-centre",
        "integration",
    )
    assert "not shown again" in err.getvalue()
    listing = io.StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and raw not in listing.getvalue()
    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    with pytest.raises(NotAuthenticated):
        token_authenticate(raw)
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        call_command(
            "token",
            "create",
            "--user",
            team.frontline.username,
            "--name",
            "x",
            "--scopes",
            "everything",
        )


def test_admin_creates_a_token_through_the_service_and_shows_it_once(db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.save()  # the factory sets the password without saving it; the session checks its hash
    team = make_team()
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(
        "/admin/integrations/apitoken/add/",
        {
            "name": "Chat bridge",
            "kind": "integration",
            "user": team.frontline.pk,
            "scopes": ["read", "write"],
            "source_system": "chat",
            "rate_limit_per_minute": 120,
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    raw = next(
        part
        for m in shown
        for part in m.replace("<", " ").replace(">", " ").split()
        if part.startswith("rdr_")
    )
    assert token_authenticate(raw) == token
    assert token.created_by_label == admin.username
    assert client.get("/admin/integrations/apitoken/").status_code == 200
    assert client.get(f"/admin/integrations/apitoken/{token.pk}/change/").status_code == 200
    assert (
        raw not in client.get(f"/admin/integrations/apitoken/{token.pk}/change/").content.decode()
    )


def test_admin_pages_of_webhooks_render(db):
    from redress.integrations.services import webhook_subscription_create

    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.save()  # the factory sets the password without saving it; the session checks its hash
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/admin/integrations/webhooksubscription/add/",
        {
            "name": "CRM",
            "url": "https://crm.example.test/hook",
            "events": ["complaint.received"],
            "secret": "",
            "max_attempts": 8,
            "disable_after": 5,
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    subscription = webhook_subscription_create(
        actor=Actor.system("t"),
        name="Other",
        url="https://x.example.test/h",
        events=["complaint.closed"],
    )

    for path in (
        "/admin/integrations/webhooksubscription/",
        f"/admin/integrations/webhooksubscription/{subscription.pk}/change/",
        "/admin/integrations/webhookdelivery/",
    ):
        assert client.get(path).status_code == 200, path
    from redress.integrations.models import WebhookSubscription
    from redress.integrations.services import webhook_secret

    assert webhook_secret(WebhookSubscription.objects.get(name="CRM")).startswith("whsec_")

    # Editing: the secret is shown unsealed for the administrator, kept when left empty, and
    # sealed when a new one is entered.
    raw = webhook_secret(subscription)
    change = f"/admin/integrations/webhooksubscription/{subscription.pk}/change/"
    page = client.get(change).content.decode()
    assert raw in page and subscription.secret not in page
    form = {
        "name": "Other",
        "url": "https://x.example.test/h",
        "events": ["complaint.closed"],
        "secret": "",
        "max_attempts": 8,
        "disable_after": 5,
        "is_active": "on",
    }
    assert client.post(change, form).status_code == 302
    assert webhook_secret(WebhookSubscription.objects.get(pk=subscription.pk)) == raw
    assert client.post(change, {**form, "secret": "whsec_a-new-secret-0123"}).status_code == 302
    stored = WebhookSubscription.objects.get(pk=subscription.pk).secret
    assert (
        stored.startswith("sealed:v1:")
        and webhook_secret(WebhookSubscription.objects.get(pk=subscription.pk))
        == "whsec_a-new-secret-0123"
    )
