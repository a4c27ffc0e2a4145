"""Adding and editing mailboxes in the back office (``intake.mailboxes``).

Administrators only (403 for every other role, and nothing changes); the password is stored
sealed, never shown or echoed back, never in the audit trail; an empty password keeps the
stored one; bad input names the field (422) and changes nothing; the create form sent twice
adds one mailbox; "Test the connection" signs in to a real IMAP server (Dovecot on loopback)
and leaves the failure count alone."""

import json
import uuid

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.models import OrgUnit
from redress.core.roles import Role
from redress.core.sealing import unseal
from redress.core.selectors import organisation_get
from redress.core.testing import UserFactory, staff
from redress.intake import mailboxes
from redress.intake.imap import folder_name, mailbox_login_check, mailbox_poll
from redress.intake.models import Mailbox
from redress.intake.testing import Dovecot
from redress.intake.tests.mails import mail
from redress.notifications.testing import free_port

pytestmark = pytest.mark.django_db

SECRET = "mật-khẩu-rất-bí-mật-42"  # noqa: S105 - what must never show
NEW_SECRET = "mat-khau-moi-9876"  # noqa: S105


@pytest.fixture
def admin(team):
    organisation_get()
    return staff(Role.ADMIN, team.unit, username="quantri")


@pytest.fixture(scope="module")
def dovecot_server():
    server = Dovecot().start()
    yield server
    server.remove()


def form_data(team, **changes):
    return {
        "once": uuid.uuid4().hex,
        "name": "Khiếu nại",
        "host": "imap.example.vn",
        "port": "993",
        "security": "ssl",
        "username": "khieunai@example.vn",
        "password": SECRET,
        "folder": "INBOX",
        "unit": str(team.unit.pk),
        "is_active": "on",
        **changes,
    }


def existing(team, **kwargs):
    defaults = {
        "name": "Khiếu nại",
        "host": "imap.example.vn",
        "port": 993,
        "security": Mailbox.Security.SSL,
        "username": "khieunai@example.vn",
        "password": SECRET,
        "folder": "INBOX",
        "unit": team.unit,
        "is_active": True,
    }
    return mailboxes.mailbox_create(actor=Actor.system("tests"), **{**defaults, **kwargs})


def audit_text(action):
    entries = AuditEntry.objects.filter(action=action)
    return json.dumps([[e.before, e.after] for e in entries], ensure_ascii=False)


def assert_no_password(body, *passwords):
    for password in passwords:
        assert password not in body


# --------------------------------------------------------------------------------------------
# Adding


def test_an_administrator_adds_a_mailbox_from_the_list(team, signed_in, admin):
    client = signed_in(admin)
    listing = client.get(reverse("backoffice:mailboxes")).content.decode()
    assert 'href="/staff/admin/mailboxes/new/"' in listing

    form = client.get(reverse("backoffice:mailbox_create"))
    assert form.status_code == 200
    body = form.content.decode()
    assert 'type="password"' in body and f'<option value="{team.unit.pk}">' in body

    response = client.post(reverse("backoffice:mailbox_create"), form_data(team), follow=True)

    assert response.status_code == 200
    box = Mailbox.objects.get()
    assert (box.name, box.host, box.port, box.security, box.username, box.folder) == (
        "Khiếu nại",
        "imap.example.vn",
        993,
        "ssl",
        "khieunai@example.vn",
        "INBOX",
    )
    assert box.unit == team.unit and box.is_active
    assert box.password != SECRET and box.password.startswith("sealed:v1:")
    assert unseal(box.password) == SECRET
    page = response.content.decode()
    assert "Đã thêm hộp thư “Khiếu nại”." in page
    assert f'href="/staff/admin/mailboxes/{box.pk}/edit/"' in page
    assert_no_password(page, SECRET, box.password)
    entry = AuditEntry.objects.get(action="intake.mailbox_create")
    assert entry.actor_user_id == admin.pk and entry.target_label == "Khiếu nại"
    assert entry.after["host"] == "imap.example.vn" and entry.after["password_set"] is True
    assert_no_password(audit_text("intake.mailbox_create"), SECRET, "sealed:")


def test_the_create_form_sent_twice_adds_one_mailbox(team, signed_in, admin):
    client = signed_in(admin)
    data = form_data(team)

    assert client.post(reverse("backoffice:mailbox_create"), data).status_code == 302
    again = client.post(reverse("backoffice:mailbox_create"), data, follow=True)

    assert Mailbox.objects.count() == 1
    assert AuditEntry.objects.filter(action="intake.mailbox_create").count() == 1
    assert "Biểu mẫu này đã được gửi" in again.content.decode()
    assert_no_password(again.content.decode(), SECRET)


def test_a_refused_create_leaves_the_same_form_usable(team, signed_in, admin):
    existing(team, name="Hỗ trợ")
    client = signed_in(admin)
    data = form_data(team, name="hỗ trợ")  # the same name, another case

    refused = client.post(reverse("backoffice:mailbox_create"), data)
    assert refused.status_code == 422 and "name" in refused.context["form"].errors
    accepted = client.post(reverse("backoffice:mailbox_create"), {**data, "name": "Bán hàng"})

    assert accepted.status_code == 302
    assert sorted(Mailbox.objects.values_list("name", flat=True)) == ["Bán hàng", "Hỗ trợ"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"name": "  "}, "name", "Trường này là bắt buộc."),
        ({"port": "0"}, "port", None),
        ({"port": "70000"}, "port", None),
        ({"host": ""}, "host", "Trường này là bắt buộc."),
        ({"host": "imaps://imap.example.vn"}, "host", "Chỉ nhập tên hoặc địa chỉ của máy chủ"),
        ({"host": "imap.example.vn:993"}, "host", "Chỉ nhập tên hoặc địa chỉ của máy chủ"),
        ({"password": ""}, "password", "Nhập mật khẩu của hộp thư."),
        ({"security": "telnet"}, "security", None),
        ({"username": ""}, "username", "Trường này là bắt buộc."),
        ({"folder": ""}, "folder", "Trường này là bắt buộc."),
        ({"unit": "999999"}, "unit", None),
    ],
)
def test_bad_input_names_the_field_and_adds_nothing(team, signed_in, admin, changes, field, reason):
    response = signed_in(admin).post(
        reverse("backoffice:mailbox_create"), form_data(team, **changes)
    )

    assert response.status_code == 422
    assert field in response.context["form"].errors
    body = response.content.decode()
    if reason:
        assert reason in body
    assert_no_password(body, SECRET)
    assert Mailbox.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="intake.mailbox").exists()


def test_a_mailbox_on_this_machine_needs_no_password(team, signed_in, admin):
    data = form_data(team, security="none", host="127.0.0.1", port="143", password="")

    assert signed_in(admin).post(reverse("backoffice:mailbox_create"), data).status_code == 302
    box = Mailbox.objects.get()
    assert box.password == "" and box.security == "none"
    assert AuditEntry.objects.get(action="intake.mailbox_create").after["password_set"] is False


def test_a_unit_switched_off_is_not_offered(team, signed_in, admin):
    old = OrgUnit.objects.create(code="cu", name="Phòng cũ", is_active=False)
    client = signed_in(admin)

    assert (
        f'value="{old.pk}"' not in client.get(reverse("backoffice:mailbox_create")).content.decode()
    )
    response = client.post(reverse("backoffice:mailbox_create"), form_data(team, unit=str(old.pk)))

    assert response.status_code == 422 and "unit" in response.context["form"].errors
    assert Mailbox.objects.count() == 0


# --------------------------------------------------------------------------------------------
# Editing


def test_editing_with_an_empty_password_keeps_the_stored_one(team, signed_in, admin):
    other = OrgUnit.objects.create(code="cskh", name="Phòng Chăm sóc khách hàng")
    box = existing(team)
    stored = box.password
    client = signed_in(admin)
    url = reverse("backoffice:mailbox_edit", args=[box.pk])

    form = client.get(url)
    body = form.content.decode()
    assert form.status_code == 200
    assert 'value="imap.example.vn"' in body and "Để trống để giữ mật khẩu hiện tại" in body
    assert 'name="once"' not in body
    assert_no_password(body, SECRET, stored)

    data = form_data(team, password="", host="mail.example.vn", unit=str(other.pk))
    response = client.post(url, data, follow=True)

    assert (
        response.status_code == 200 and "Đã lưu hộp thư “Khiếu nại”." in response.content.decode()
    )
    box.refresh_from_db()
    assert box.password == stored and unseal(box.password) == SECRET
    assert box.host == "mail.example.vn" and box.unit == other
    entry = AuditEntry.objects.get(action="intake.mailbox_update")
    assert entry.before == {"host": "imap.example.vn", "unit": team.unit.pk}
    assert entry.after == {"host": "mail.example.vn", "unit": other.pk}
    assert_no_password(client.get(url).content.decode(), SECRET, stored)


def test_editing_with_a_new_password_stores_it_sealed(team, signed_in, admin):
    box = existing(team)
    client = signed_in(admin)
    url = reverse("backoffice:mailbox_edit", args=[box.pk])

    response = client.post(url, form_data(team, password=NEW_SECRET))

    assert response.status_code == 302
    box.refresh_from_db()
    assert unseal(box.password) == NEW_SECRET
    assert box.password != NEW_SECRET and NEW_SECRET not in box.password
    entry = AuditEntry.objects.get(action="intake.mailbox_update")
    assert entry.after == {"password_changed": True} and entry.before == {}
    assert_no_password(audit_text("intake.mailbox_update"), SECRET, NEW_SECRET, "sealed:")
    assert_no_password(client.get(url).content.decode(), SECRET, NEW_SECRET, box.password)


def test_bad_edit_input_names_the_field_and_changes_nothing(team, signed_in, admin):
    existing(team, name="Hỗ trợ")
    box = existing(team)
    before = Mailbox.objects.values().get(pk=box.pk)
    client = signed_in(admin)
    url = reverse("backoffice:mailbox_edit", args=[box.pk])

    for changes, field in [
        ({"name": "Hỗ trợ", "password": NEW_SECRET}, "name"),
        ({"port": "65536", "password": NEW_SECRET}, "port"),
        ({"host": "imap example vn", "password": NEW_SECRET}, "host"),
    ]:
        response = client.post(url, form_data(team, **changes))
        assert response.status_code == 422
        assert field in response.context["form"].errors
        assert 'id="password-again"' in response.content.decode()  # type it once more
        assert_no_password(response.content.decode(), SECRET, NEW_SECRET, box.password)

    assert Mailbox.objects.values().get(pk=box.pk) == before
    assert not AuditEntry.objects.filter(action="intake.mailbox_update").exists()


def test_saving_without_a_change_records_nothing(team, signed_in, admin):
    box = existing(team)

    response = signed_in(admin).post(
        reverse("backoffice:mailbox_edit", args=[box.pk]), form_data(team, password="")
    )

    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="intake.mailbox_update").exists()


def test_another_folder_is_read_from_its_first_message(team):
    box = existing(team)
    Mailbox.objects.filter(pk=box.pk).update(uid_validity=77, last_uid=120)
    box.refresh_from_db()
    settings = {f: getattr(box, f) for f in ("name", "host", "port", "security", "username")}

    mailboxes.mailbox_update(
        mailbox=box,
        actor=Actor.system("tests"),
        **settings,
        password="",
        folder="Khieu nai",
        unit=box.unit,
        is_active=False,
    )

    box.refresh_from_db()
    assert (box.folder, box.is_active, box.uid_validity, box.last_uid) == (
        "Khieu nai",
        False,
        None,
        0,
    )


def test_a_secured_connection_needs_a_stored_or_new_password(team):
    box = existing(team, security=Mailbox.Security.NONE, host="127.0.0.1", password="")
    settings = {f: getattr(box, f) for f in ("name", "host", "port", "username", "folder")}

    with pytest.raises(ValidationFailed) as refused:
        mailboxes.mailbox_update(
            mailbox=box,
            actor=Actor.system("tests"),
            **settings,
            security=Mailbox.Security.STARTTLS,
            password="",
            unit=None,
            is_active=True,
        )

    assert list(refused.value.fields) == ["password"]
    assert Mailbox.objects.get(pk=box.pk).security == Mailbox.Security.NONE


# --------------------------------------------------------------------------------------------
# Who may


@pytest.mark.parametrize("who", ["frontline", "handler", "manager", "top", "auditor"])
def test_other_roles_are_refused_and_nothing_changes(team, signed_in, who):
    box = existing(team)
    before = Mailbox.objects.values().get(pk=box.pk)
    audit_before = AuditEntry.objects.count()
    client = signed_in(getattr(team, who))

    for url in [
        reverse("backoffice:mailbox_create"),
        reverse("backoffice:mailbox_edit", args=[box.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    posts = [
        (reverse("backoffice:mailbox_create"), form_data(team, name="Khác")),
        (reverse("backoffice:mailbox_edit", args=[box.pk]), form_data(team, password=NEW_SECRET)),
        (reverse("backoffice:mailbox_test", args=[box.pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert_no_password(response.content.decode(), SECRET, NEW_SECRET)

    assert Mailbox.objects.count() == 1
    assert Mailbox.objects.values().get(pk=box.pk) == before
    assert AuditEntry.objects.count() == audit_before


def test_signed_out_people_are_sent_to_sign_in(client, team):
    box = existing(team)
    for url in [
        reverse("backoffice:mailbox_create"),
        reverse("backoffice:mailbox_edit", args=[box.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


# --------------------------------------------------------------------------------------------
# Testing the connection (a real IMAP server)


def imap_box(team, server, password):
    return existing(
        team,
        host="127.0.0.1",
        port=server.port,
        security=Mailbox.Security.NONE,
        username=server.user,
        password=password,
    )


def test_the_connection_test_signs_in_and_changes_nothing(team, signed_in, admin, dovecot_server):
    box = imap_box(team, dovecot_server, dovecot_server.password)
    Mailbox.objects.filter(pk=box.pk).update(consecutive_failures=4, last_error="timed out")
    before = Mailbox.objects.values().get(pk=box.pk)
    client = signed_in(admin)
    edit = client.get(reverse("backoffice:mailbox_edit", args=[box.pk])).content.decode()
    assert f'action="/staff/admin/mailboxes/{box.pk}/test/"' in edit

    response = client.post(reverse("backoffice:mailbox_test", args=[box.pk]), follow=True)

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("backoffice:mailbox_edit", args=[box.pk])
    assert "Đã kết nối" in body and "127.0.0.1" in body
    assert_no_password(body, dovecot_server.password)
    assert Mailbox.objects.values().get(pk=box.pk) == before  # counters and place untouched


def test_the_connection_test_shows_a_wrong_password(team, signed_in, admin, dovecot_server):
    box = imap_box(team, dovecot_server, "sai-mat-khau-123")
    before = Mailbox.objects.values().get(pk=box.pk)

    response = signed_in(admin).post(reverse("backoffice:mailbox_test", args=[box.pk]), follow=True)

    body = response.content.decode()
    assert "Kết nối không thành công. Máy chủ từ chối tên đăng nhập hoặc mật khẩu." in body
    assert "AUTHENTICATIONFAILED" in body
    assert_no_password(body, "sai-mat-khau-123")
    assert Mailbox.objects.values().get(pk=box.pk) == before


def test_the_connection_test_names_a_missing_folder(team, dovecot_server):
    box = imap_box(team, dovecot_server, dovecot_server.password)
    Mailbox.objects.filter(pk=box.pk).update(folder="Khong-co")
    box.refresh_from_db()

    check = mailbox_login_check(box)

    assert (check.ok, check.stage) == (False, "folder")
    assert "EXAMINE" in check.detail


def test_the_connection_test_names_a_server_that_cannot_be_reached(team, signed_in, admin):
    box = existing(team, host="127.0.0.1", port=free_port(), security=Mailbox.Security.NONE)

    response = signed_in(admin).post(reverse("backoffice:mailbox_test", args=[box.pk]), follow=True)

    assert f"Không kết nối được máy chủ 127.0.0.1 ở cổng {box.port}." in response.content.decode()


def test_the_connection_test_asks_again_for_a_password_sealed_with_another_key(
    team, signed_in, admin, settings
):
    box = existing(team)
    settings.REDRESS_SEALING_KEY = "another-key"

    response = signed_in(admin).post(reverse("backoffice:mailbox_test", args=[box.pk]), follow=True)

    assert mailbox_login_check(box).stage == "password"
    assert "hãy nhập lại mật khẩu và lưu" in response.content.decode()


def test_a_folder_with_a_vietnamese_name_is_opened_and_read(
    team, dovecot_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert folder_name("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"  # RFC 3501
    assert folder_name("Khiếu nại & góp ý") == "Khi&Hr8-u n&HqE-i &- g&APM-p &AP0-"
    client = dovecot_server.client()
    try:
        client.create('"Khi&Hr8-u n&HqE-i"')
        client.append('"Khi&Hr8-u n&HqE-i"', None, None, mail(message_id="<vn@mail.example.vn>"))
    finally:
        client.logout()
    box = imap_box(team, dovecot_server, dovecot_server.password)
    Mailbox.objects.filter(pk=box.pk).update(folder="Khiếu nại")
    box.refresh_from_db()

    check = mailbox_login_check(box)
    result = mailbox_poll(box)

    assert (check.ok, check.messages) == (True, 1)
    assert result.ok and result.new == 1


def test_the_connection_test_is_a_post(team, signed_in, admin):
    box = existing(team)
    assert (
        signed_in(admin).get(reverse("backoffice:mailbox_test", args=[box.pk])).status_code == 405
    )


# --------------------------------------------------------------------------------------------
# The Django admin saves through the same services


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    user.save()
    client.force_login(user)
    return client


def test_the_django_admin_adds_through_the_services(team, superuser_client):
    data = {k: v for k, v in form_data(team).items() if k != "once"}

    response = superuser_client.post(reverse("admin:intake_mailbox_add"), data)

    assert response.status_code == 302
    box = Mailbox.objects.get()
    assert unseal(box.password) == SECRET and box.password.startswith("sealed:v1:")
    assert AuditEntry.objects.filter(action="intake.mailbox_create").count() == 1
    assert_no_password(audit_text("intake.mailbox_create"), SECRET, "sealed:")


def test_the_django_admin_shows_the_services_refusal_on_the_field(team, superuser_client):
    existing(team, name="Hỗ trợ")
    data = {k: v for k, v in form_data(team, name="hỗ trợ", password="").items() if k != "once"}

    response = superuser_client.post(reverse("admin:intake_mailbox_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"name", "password"}
    assert Mailbox.objects.count() == 1


# --------------------------------------------------------------------------------------------
# Reading a mailbox now (a real IMAP server)


def test_read_now_takes_the_new_mail_in_once(team, signed_in, admin, dovecot_server):
    from redress.complaints.models import Complaint

    box = imap_box(team, dovecot_server, dovecot_server.password)
    dovecot_server.append(
        mail(subject="Đọc ngay: nước sinh hoạt bị đục", message_id="<read-now-1@example.vn>")
    )
    client = signed_in(admin)
    listing = client.get(reverse("backoffice:mailboxes")).content.decode()
    assert f'action="/staff/admin/mailboxes/{box.pk}/read/"' in listing

    response = client.post(reverse("backoffice:mailbox_read", args=[box.pk]), follow=True)

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("backoffice:mailboxes")
    assert Complaint.objects.filter(subject="Đọc ngay: nước sinh hoạt bị đục").count() == 1
    assert "khiếu nại mới" in body
    assert_no_password(body, dovecot_server.password)
    # Read again: the same message is not taken twice.
    client.post(reverse("backoffice:mailbox_read", args=[box.pk]))
    assert Complaint.objects.filter(subject="Đọc ngay: nước sinh hoạt bị đục").count() == 1
    assert Mailbox.objects.get(pk=box.pk).consecutive_failures == 0


def test_read_now_says_why_a_mailbox_cannot_be_read(team, signed_in, admin, dovecot_server):
    box = imap_box(team, dovecot_server, "sai-mat-khau-123")

    response = signed_in(admin).post(reverse("backoffice:mailbox_read", args=[box.pk]), follow=True)

    body = response.content.decode()
    assert "Không đọc được hộp thư" in body and "AUTHENTICATIONFAILED" in body
    assert_no_password(body, "sai-mat-khau-123")
    assert Mailbox.objects.get(pk=box.pk).consecutive_failures == 1  # a poll like any other


@pytest.mark.parametrize("who", ["handler", "manager", "auditor"])
def test_only_administrators_read_a_mailbox_now(team, signed_in, admin, who):
    box = existing(team)
    before = Mailbox.objects.values().get(pk=box.pk)
    client = signed_in(getattr(team, who))
    assert client.post(reverse("backoffice:mailbox_read", args=[box.pk])).status_code == 403
    assert (
        signed_in(admin).get(reverse("backoffice:mailbox_read", args=[box.pk])).status_code == 405
    )
    assert Mailbox.objects.values().get(pk=box.pk) == before
