"""The second factor at sign-in (issue 16, staff authentication): TOTP required for
administrators, complaints managers, top management, auditors and Django-admin accounts,
optional for the others; recovery codes; the administrator's reset; the API unaffected."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from redress.audit.models import AuditEntry
from redress.core.roles import Role
from redress.core.testing import UnitFactory, UserFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]
PASSWORD = "pass-1234-word"


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    # django-otp doubles the wait after each wrong code; these tests type codes back to back.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def person(role, username):
    user = staff(role, UnitFactory(), username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username):
    return client.post(reverse("backoffice:login"), {"username": username, "password": PASSWORD})


def code_now(device, ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def opens(client):
    """Whether a staff page opens (rather than sending the person to the second factor)."""
    return client.get(reverse("backoffice:notifications")).status_code == 200


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR, Role.DPO]
)
def test_a_required_role_without_a_device_is_sent_to_enrolment(client, role):
    person(role, "canbo")
    assert sign_in(client, "canbo").status_code == 302
    queue = reverse("backoffice:queue", args=["all"])
    response = client.get(queue)
    assert response.status_code == 302
    assert response.url == reverse("backoffice:second_factor_enrol") + "?next=" + queue.replace(
        "/", "%2F"
    )
    # The Django admin too.
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302 and admin.url.startswith(
        reverse("backoffice:second_factor_enrol")
    )


def test_enrolment_shows_a_qr_code_and_the_key_and_a_right_code_confirms_it(client):
    user = person(Role.COMPLAINTS_MANAGER, "quanly2")
    sign_in(client, "quanly2")
    page = client.get(reverse("backoffice:second_factor_enrol"), HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="otp-secret"' in html
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "href" not in svg and "style" not in svg  # drawn here: nothing fetched, no inline style
    assert "Not now" not in html and 'id="otp-skip"' not in html  # required: no skipping
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    wrong = client.post(reverse("backoffice:second_factor_enrol"), {"code": "000000"})
    assert wrong.status_code == 422
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    done = client.post(reverse("backoffice:second_factor_enrol"), {"code": code_now(device)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("backoffice:queue", args=["all"])).status_code == 200
    assert AuditEntry.objects.filter(action="core.second_factor_enrol").count() == 1
    assert not any(code in str(AuditEntry.objects.values_list("after")) for code in codes)


def test_a_wrong_code_is_refused_and_the_right_one_admits(client):
    user = person(Role.AUDITOR, "kiemtoan2")
    device = enrolled(user)
    sign_in(client, "kiemtoan2")
    home = client.get(reverse("backoffice:home"))
    assert home.url.startswith(reverse("backoffice:second_factor"))
    url = reverse("backoffice:second_factor")
    wrong = client.post(url, {"code": code_now(device, ahead=5), "next": "/staff/search/"})
    assert wrong.status_code == 422 and wrong.context["form"].errors["code"]
    assert not opens(client)  # still refused
    right = client.post(url, {"code": code_now(device), "next": "/staff/search/"})
    assert right.status_code == 302 and right.url == "/staff/search/"
    assert opens(client)
    # The same code cannot be used twice (another session, same time step).
    other = client.__class__()
    other.post(reverse("backoffice:login"), {"username": "kiemtoan2", "password": PASSWORD})
    assert other.post(url, {"code": code_now(device)}).status_code == 422


def test_the_session_key_changes_when_the_second_factor_is_given(client):
    user = person(Role.ADMIN, "quantri2")
    device = enrolled(user)
    sign_in(client, "quantri2")
    before = client.session.session_key
    client.post(reverse("backoffice:second_factor"), {"code": code_now(device)})
    assert client.session.session_key != before


def test_a_recovery_code_works_once(client):
    user = person(Role.TOP_MANAGEMENT, "lanhdao2")
    device = enrolled(user)
    sign_in(client, "lanhdao2")
    codes = client.post(reverse("backoffice:second_factor_enrol"), {"code": code_now(device)})
    # Verified already? No: the person has a device, so enrolment first asks for its code.
    assert codes.status_code == 302 and codes.url.startswith(reverse("backoffice:second_factor"))
    client.post(reverse("backoffice:second_factor"), {"code": code_now(device)})
    page = client.post(reverse("backoffice:second_factor_recovery_codes"))
    recovery = re.findall(r"<code>([a-z0-9-]{19})</code>", page.content.decode())
    assert len(recovery) == 10
    client.post(reverse("backoffice:logout"))

    sign_in(client, "lanhdao2")
    used = recovery[3].upper().replace("-", " ")  # typed as read: spaces, capitals
    response = client.post(reverse("backoffice:second_factor"), {"code": used})
    assert response.status_code == 302
    assert opens(client)
    assert StaticDevice.objects.get(user=user).token_set.count() == 9
    client.post(reverse("backoffice:logout"))

    sign_in(client, "lanhdao2")
    again = client.post(reverse("backoffice:second_factor"), {"code": recovery[3]})
    assert again.status_code == 422
    assert not opens(client)


def test_recovery_codes_are_stored_only_as_digests(client):
    # ASVS 2.6.2: someone who reads the database (a backup, a replica) cannot sign in with
    # what it holds.
    user = person(Role.TOP_MANAGEMENT, "lanhdao3")
    device = enrolled(user)
    sign_in(client, "lanhdao3")
    client.post(reverse("backoffice:second_factor"), {"code": code_now(device)})
    page = client.post(reverse("backoffice:second_factor_recovery_codes"))
    shown = {
        code.replace("-", "")
        for code in re.findall(r"<code>([a-z0-9-]{19})</code>", page.content.decode())
    }
    stored = set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    assert len(shown) == len(stored) == 10
    assert not shown & stored
    client.post(reverse("backoffice:logout"))

    sign_in(client, "lanhdao3")
    stolen = client.post(reverse("backoffice:second_factor"), {"code": sorted(stored)[0]})
    assert stolen.status_code == 422
    assert not opens(client)


def test_recovery_codes_made_in_clear_are_hashed_by_the_migration_and_still_work():
    from importlib import import_module

    from django.apps import apps

    from redress.integrations.secondfactor import second_factor_verify

    migration = import_module("redress.integrations.migrations.0004_recovery_codes_hashed")
    user = person(Role.AUDITOR, "kiemtoan3")
    old = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    old.token_set.create(token="abcd2345efgh6789")
    migration._hash_existing(apps, None)
    migration._hash_existing(apps, None)  # twice changes nothing
    assert old.token_set.get().token != "abcd2345efgh6789"
    assert second_factor_verify(user=user, code="abcd-2345-efgh-6789") == old
    assert not old.token_set.exists()


@pytest.mark.parametrize("role", [Role.HANDLER, Role.FRONTLINE])
def test_an_optional_role_may_skip_and_may_enrol(client, role):
    user = person(role, "xuly2")
    sign_in(client, "xuly2")
    assert opens(client)  # no second factor asked
    page = client.get(reverse("backoffice:second_factor_enrol"))
    assert page.status_code == 200 and 'id="otp-skip"' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("backoffice:second_factor_enrol"), {"code": code_now(device)})
    client.post(reverse("backoffice:logout"))
    # Once enrolled, the code is asked at each sign-in.
    sign_in(client, "xuly2")
    assert client.get(reverse("backoffice:home")).url.startswith(
        reverse("backoffice:second_factor")
    )


def test_an_unverified_session_cannot_take_recovery_codes_or_pages_by_htmx(client):
    user = person(Role.COMPLAINTS_MANAGER, "quanly3")
    enrolled(user)
    sign_in(client, "quanly3")
    assert client.post(reverse("backoffice:second_factor_recovery_codes")).status_code == 302
    assert not StaticDevice.objects.filter(user=user).exists()
    partial = client.get(reverse("backoffice:notifications"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 204 and partial["HX-Redirect"].startswith(
        reverse("backoffice:second_factor")
    )


def test_an_administrator_resets_a_persons_second_factor(client):
    admin = person(Role.ADMIN, "quantri3")
    admin_device = enrolled(admin)
    lost = person(Role.AUDITOR, "kiemtoan3")
    enrolled(lost)
    StaticDevice.objects.create(user=lost, name="codes")
    sign_in(client, "quantri3")
    client.post(reverse("backoffice:second_factor"), {"code": code_now(admin_device)})
    listing = client.get(reverse("backoffice:second_factor_people"))
    assert listing.status_code == 200 and "kiemtoan3" in listing.content.decode()
    response = client.post(reverse("backoffice:second_factor_reset", args=[lost.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert not StaticDevice.objects.filter(user=lost).exists()
    entry = AuditEntry.objects.get(action="core.second_factor_reset")
    assert entry.actor_user_id == admin.pk and entry.target_label == "kiemtoan3"


def test_only_an_administrator_may_reset(client):
    manager = person(Role.COMPLAINTS_MANAGER, "quanly4")
    device = enrolled(manager)
    victim = person(Role.AUDITOR, "kiemtoan4")
    enrolled(victim)
    sign_in(client, "quanly4")
    client.post(reverse("backoffice:second_factor"), {"code": code_now(device)})
    assert (
        client.post(reverse("backoffice:second_factor_reset", args=[victim.pk])).status_code == 403
    )
    assert TOTPDevice.objects.filter(user=victim).exists()


def test_a_reset_ends_the_verified_sessions(client):
    user = person(Role.AUDITOR, "kiemtoan5")
    device = enrolled(user)
    sign_in(client, "kiemtoan5")
    client.post(reverse("backoffice:second_factor"), {"code": code_now(device)})
    assert opens(client)
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get(reverse("backoffice:home")).url.startswith(
        reverse("backoffice:second_factor_enrol")
    )


def test_a_superuser_needs_it_for_the_django_admin(client):
    root = UserFactory(username="goc", is_superuser=True, is_staff=True)
    root.set_password(PASSWORD)
    root.save()
    client.post(reverse("admin:login"), {"username": "goc", "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:second_factor_enrol"))


def test_the_api_takes_its_token_without_a_second_factor(client):
    from redress.core.actors import Actor
    from redress.integrations.services import token_create

    auditor = person(Role.AUDITOR, "kiemtoan6")
    created = token_create(actor=Actor.for_user(auditor), user=auditor, name="bi")
    response = client.get("/api/v1/complaints", HTTP_AUTHORIZATION=f"Bearer {created.raw}")
    assert response.status_code == 200
