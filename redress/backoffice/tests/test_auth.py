"""Sign-in, lockout after repeated failures, password reset by email, language per person."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import UnitFactory, UserFactory, staff

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


@pytest.fixture
def handler():
    user = staff(Role.HANDLER, UnitFactory(), username="xuly", email="xuly@example.test")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password):
    return client.post(reverse("backoffice:login"), {"username": username, "password": password})


def test_staff_pages_need_sign_in(client):
    response = client.get(reverse("backoffice:queue", args=["mine"]))
    assert response.status_code == 302 and response.url.startswith(reverse("backoffice:login"))


def test_sign_in_and_out(client, handler):
    response = sign_in(client, "xuly", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("backoffice:home")
    home = client.get(reverse("backoffice:home"))  # a handler's dashboard: their work first
    assert home.status_code == 200 and home.context["board"] == "handler"
    client.post(reverse("backoffice:logout"))
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, handler):
    response = sign_in(client, "xuly", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors and b'role="alert"' in response.content


def test_lockout_after_five_failures_even_with_the_right_password(client, handler, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "xuly", "wrong").status_code == 200
    assert sign_in(client, "xuly", "wrong").status_code == 429
    response = sign_in(client, "xuly", PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_username_is_not_locked(client, handler):
    other = UserFactory(username="khac")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(5):
        sign_in(client, "xuly", "wrong")
    assert sign_in(client, "khac", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, handler):
    for _ in range(4):
        sign_in(client, "xuly", "wrong")
    assert sign_in(client, "xuly", PASSWORD).status_code == 302
    client.post(reverse("backoffice:logout"))
    for _ in range(4):
        sign_in(client, "xuly", "wrong")
    assert sign_in(client, "xuly", PASSWORD).status_code == 302


def test_password_reset_by_email(client, handler):
    response = client.post(reverse("backoffice:password_reset"), {"email": "xuly@example.test"})
    assert response.status_code == 302 and response.url == reverse("backoffice:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["xuly@example.test"]
    link = re.search(
        r"http://testserver(/staff/password-reset/\S+/\S+/)", mail.outbox[0].body
    ).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "Mật-khẩu-mới-2026", "new_password2": "Mật-khẩu-mới-2026"}
    )
    assert response.status_code == 302 and response.url == reverse(
        "backoffice:password_reset_complete"
    )
    assert User.objects.get(pk=handler.pk).check_password("Mật-khẩu-mới-2026")
    # The change is in the audit chain, without the password.
    from redress.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.target_id == str(handler.pk) and "Mật-khẩu" not in str(entry.after)


def test_language_switch_is_remembered_on_the_person(client, handler):
    sign_in(client, "xuly", PASSWORD)
    page = reverse("backoffice:queue", args=["mine"])
    assert "Khiếu nại của tôi" in client.get(page).content.decode()
    response = client.post(reverse("backoffice:language"), {"language": "en", "next": page})
    assert response.status_code == 302 and response.url == page
    assert User.objects.get(pk=handler.pk).language == "en"
    assert "My complaints" in client.get(page).content.decode()


def test_language_switch_never_redirects_elsewhere(client, handler):
    sign_in(client, "xuly", PASSWORD)
    response = client.post(
        reverse("backoffice:language"), {"language": "vi", "next": "https://evil.example/"}
    )
    assert response.url == reverse("backoffice:home")


def test_behind_a_proxy_one_persons_failures_do_not_lock_out_the_others(client, handler, settings):
    """The address counter counts the client's address, not the proxy's (issue 16, finding 6)."""
    settings.REDRESS_PROXY_COUNT = 1
    settings.REDRESS_LOGIN_IP_FAILURES = 3
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "REMOTE_ADDR": "10.0.0.1"}
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.8", "REMOTE_ADDR": "10.0.0.1"}
    url = reverse("backoffice:login")
    for name in ("a1", "a2", "a3"):
        client.post(url, {"username": name, "password": "wrong"}, **attacker)
    locked = client.post(url, {"username": "xuly", "password": PASSWORD}, **attacker)
    assert locked.status_code == 429
    signed_in = client.post(url, {"username": "xuly", "password": PASSWORD}, **colleague)
    assert signed_in.status_code == 302


def _from(address):
    return {"REMOTE_ADDR": address}


def test_failures_on_one_account_from_many_addresses_lock_that_account(client, handler, settings):
    """N failures on one account from anywhere lock that account (issue 16, finding 6)."""
    url = reverse("backoffice:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "xuly", "password": "wrong"}, **_from(f"198.51.100.{n}"))
    refused = client.post(
        url,
        {"username": "xuly", "password": PASSWORD},
        **_from("192.0.2.200"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "tài khoản này" in refused.content.decode()
    # The addresses are not locked: another account signs in from the same machines.
    other = UserFactory(username="khac")
    other.set_password(PASSWORD)
    other.save()
    fine = client.post(url, {"username": "khac", "password": PASSWORD}, **_from("198.51.100.0"))
    assert fine.status_code == 302


def test_failures_from_one_address_on_many_accounts_lock_that_address(client, handler, settings):
    """M failures from one address across accounts lock that address, whatever the account
    (issue 16, finding 6)."""
    settings.REDRESS_LOGIN_IP_FAILURES = 6
    url = reverse("backoffice:login")
    for n in range(6):  # never more than one failure per account
        client.post(url, {"username": f"doan-{n}", "password": "wrong"}, **_from("203.0.113.9"))
    refused = client.post(
        url,
        {"username": "xuly", "password": PASSWORD},
        **_from("203.0.113.9"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 429
    assert "địa chỉ này" in refused.content.decode()
    # The account itself is not locked: its owner signs in from elsewhere.
    assert (
        client.post(
            url, {"username": "xuly", "password": PASSWORD}, **_from("192.0.2.5")
        ).status_code
        == 302
    )


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, handler, settings):
    settings.REDRESS_LOGIN_IP_FAILURES = 4
    url = reverse("backoffice:login")
    for n in range(3):
        client.post(url, {"username": f"doan-{n}", "password": "wrong"}, **_from("203.0.113.10"))
    assert (
        client.post(
            url, {"username": "xuly", "password": PASSWORD}, **_from("203.0.113.10")
        ).status_code
        == 302
    )
    client.post(reverse("backoffice:logout"))
    client.post(url, {"username": "doan-9", "password": "wrong"}, **_from("203.0.113.10"))
    assert (
        client.post(
            url, {"username": "xuly", "password": PASSWORD}, **_from("203.0.113.10")
        ).status_code
        == 429
    )


def test_the_lockout_ends_after_the_cool_off(client, handler, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    url = reverse("backoffice:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "xuly", "password": "wrong"})
    assert client.post(url, {"username": "xuly", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    assert client.post(url, {"username": "xuly", "password": PASSWORD}).status_code == 302


def test_a_session_ends_after_idle_time_and_after_its_longest_life(client, handler, settings):
    assert sign_in(client, "xuly", PASSWORD).status_code == 302
    home = reverse("backoffice:home")
    assert client.get(home).status_code == 200
    session = client.session
    session["redress_seen"] -= settings.REDRESS_SESSION_IDLE_MINUTES * 60 + 5
    session.save()
    assert client.get(home).status_code == 302  # idle too long: signed out

    assert sign_in(client, "xuly", PASSWORD).status_code == 302
    assert client.get(home).status_code == 200
    session = client.session
    session["redress_started"] -= settings.REDRESS_SESSION_MAX_HOURS * 3600 + 5
    session.save()
    assert client.get(home).status_code == 302  # active, but signed in too long ago


def test_a_password_needs_twelve_characters_and_not_a_common_one(handler):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("ngan-qua-1", "password1234", "xuly@example.test"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=handler)
    validate_password("sông-Hồng-mùa-thu-2026", user=handler)


def test_password_reset_requests_are_limited_per_address(client, handler, settings):
    """Each request sends an email: past the limit nothing is sent (issue 16, finding 6)."""
    from django.core.cache import cache

    cache.clear()
    settings.REDRESS_PASSWORD_RESET_RATE = "3/3600"
    url = reverse("backoffice:password_reset")
    for _ in range(3):
        assert client.post(url, {"email": "xuly@example.test"}).status_code == 302
    refused = client.post(url, {"email": "xuly@example.test"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 429
    assert len(mail.outbox) == 3
    assert "phút" in refused.content.decode() or "minutes" in refused.content.decode()
    # Another address is not held back by this one's requests.
    other = client.post(url, {"email": "xuly@example.test"}, REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302 and len(mail.outbox) == 4
