"""Everything an administrator changes in the Django admin is an entry in the audit chain, with
who, what, before and after, secrets masked; and the chain still verifies (issue 16, finding 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from redress.analytics.models import KpiTarget, kpi_choices
from redress.audit.models import AuditEntry
from redress.audit.tests.adminforms import admin_submit
from redress.audit.verify import audit_verify
from redress.complaints.models import Category
from redress.core.actors import Actor
from redress.core.models import Membership, Organisation, OrgUnit, User
from redress.core.roles import Role
from redress.core.testing import UnitFactory, UserFactory
from redress.notifications.models import MessageTemplate
from redress.sla.models import BusinessCalendar, EscalationLevel, SlaPolicy
from redress.transparency.models import ExternalBody, Notice
from redress.transparency.services import notice_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(admin_client, django_user_model):
    return django_user_model.objects.get(username="admin")


def _entries(obj, action=None):
    rows = AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return list(rows.filter(action=action) if action else rows)


def _only_entry(obj, action):
    [entry] = _entries(obj, action)
    return entry


def _assert_actor(entry, root):
    assert (entry.actor_kind, entry.actor_label, entry.actor_user_id) == (
        "user",
        "admin",
        root.pk,
    )


def _change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


# Each settings model an administrator edits: (object maker, field, new value in the form,
# before and after as the entry records them).
SETTINGS_CHANGES = {
    "policy": (
        lambda: SlaPolicy.objects.get(code="vn-negotiation"),
        "near_due_percent",
        "60",
        lambda policy: policy.near_due_percent,
        60,
    ),
    "calendar": (
        lambda: BusinessCalendar.objects.get(is_default=True),
        "day_end",
        "17:30:00",
        lambda calendar: calendar.day_end.isoformat(),
        "17:30:00",
    ),
    "template": (
        lambda: MessageTemplate.objects.filter(language="vi").order_by("pk").first(),
        "subject",
        "Tiêu đề mới",
        lambda template: template.subject,
        "Tiêu đề mới",
    ),
    "category": (
        lambda: Category.objects.create(code="billing", name_vi="Hóa đơn", name_en="Billing"),
        "name_vi",
        "Hóa đơn và cước",
        lambda category: "Hóa đơn",
        "Hóa đơn và cước",
    ),
    "unit": (
        lambda: UnitFactory(name="Phòng CSKH"),
        "name",
        "Phòng Chăm sóc khách hàng",
        lambda unit: "Phòng CSKH",
        "Phòng Chăm sóc khách hàng",
    ),
    "four-eyes threshold": (
        lambda: Organisation.objects.create(pk=1, four_eyes_threshold=Decimal("5000000")),
        "four_eyes_threshold",
        "10000000",
        lambda organisation: Decimal("5000000"),
        Decimal("10000000"),
    ),
    "escalation threshold": (
        lambda: EscalationLevel.objects.order_by("level").first(),
        "after_hours",
        "48",
        lambda level: level.after_hours,
        48,
    ),
    "KPI target": (
        lambda: KpiTarget.objects.create(kpi=kpi_choices()[0][0], target=Decimal("90")),
        "target",
        "95",
        lambda target: Decimal("90"),
        Decimal("95"),
    ),
    "public information": (
        lambda: notice_copy(notice=Notice.objects.get(version=1), actor=Actor.system("test")),
        "intro_vi",
        "Giới thiệu mới",
        lambda notice: notice.intro_vi,
        "Giới thiệu mới",
    ),
    "external body": (
        lambda: ExternalBody.objects.order_by("pk").first(),
        "name_vi",
        "Hội Bảo vệ người tiêu dùng",
        lambda body: body.name_vi,
        "Hội Bảo vệ người tiêu dùng",
    ),
}


@pytest.mark.parametrize("what", SETTINGS_CHANGES)
def test_a_settings_change_in_the_admin_is_audited_with_before_and_after(admin_client, root, what):
    make, field, value, before, after = SETTINGS_CHANGES[what]
    obj = make()
    expected_before = before(obj)

    admin_submit(admin_client, _change_url(obj), {field: value})

    entry = _only_entry(obj, "admin.change")
    _assert_actor(entry, root)
    assert entry.target_type == obj._meta.label_lower and entry.target_label
    assert list(entry.before) == list(entry.after) == [field]
    # Decimals are kept as text: as the database gives them back (5000000 or 5000000.00).
    as_stored = Decimal if isinstance(after, Decimal) else (lambda value: value)
    assert as_stored(entry.before[field]) == expected_before
    assert as_stored(entry.after[field]) == after
    assert audit_verify().ok


def test_a_page_saved_without_a_change_adds_nothing(admin_client):
    unit = UnitFactory()
    admin_submit(admin_client, _change_url(unit), {})
    assert _entries(unit) == []


def test_a_policy_s_categories_are_audited(admin_client):
    policy = SlaPolicy.objects.get(code="vn-negotiation")
    category = Category.objects.create(code="safety", name_vi="An toàn")
    admin_submit(admin_client, _change_url(policy), {"categories": [str(category.pk)]})
    entry = _only_entry(policy, "admin.change")
    assert (entry.before, entry.after) == ({"categories": []}, {"categories": [category.pk]})


def _person(**fields):
    # Saved with its password and a sign-up time to the second, as the admin's form shows it.
    person = UserFactory(date_joined=dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC), **fields)
    person.save()
    return person


def test_a_person_s_groups_and_active_flag_are_audited(admin_client, root):
    person = _person()
    group = Group.objects.create(name="Tổ giám sát")

    admin_submit(admin_client, _change_url(person), {"is_active": None, "groups": [str(group.pk)]})

    entry = _only_entry(person, "admin.change")
    _assert_actor(entry, root)
    assert entry.target_label == person.username
    assert entry.before == {"is_active": True, "groups": []}
    assert entry.after == {"is_active": False, "groups": [group.pk]}
    assert audit_verify().ok


def test_a_person_s_contact_details_are_audited_masked(admin_client):
    person = _person(email="lan.nguyen@example.vn")
    admin_submit(admin_client, _change_url(person), {"email": "lan.tran@example.vn"})
    entry = _only_entry(person, "admin.change")
    assert (entry.before, entry.after) == (
        {"email": "[personal data]"},
        {"email": "[personal data]"},
    )
    assert "example.vn" not in str(entry.before) + str(entry.after)


def test_a_new_person_is_audited_without_the_password_hash(admin_client):
    admin_submit(
        admin_client,
        "/admin/core/user/add/",
        {
            "username": "thu.ha",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    person = User.objects.get(username="thu.ha")
    entry = _only_entry(person, "admin.add")
    assert entry.before == {}
    assert entry.after["username"] == "thu.ha"
    assert entry.after["password"] == "[secret]"
    assert person.password not in str(entry.after)


def test_a_password_set_in_the_admin_is_audited_masked(admin_client):
    person = UserFactory()
    old_hash = person.password
    admin_submit(
        admin_client,
        f"/admin/core/user/{person.pk}/password/",
        {"password1": "another-long-phrase-7", "password2": "another-long-phrase-7"},
    )
    person.refresh_from_db()
    assert person.password != old_hash
    entry = _only_entry(person, "admin.change")
    assert entry.before == entry.after == {"password": "[secret]"}
    assert audit_verify().ok


def test_a_role_granted_and_revoked_in_the_admin_is_audited(admin_client, root):
    person = UserFactory()
    unit = UnitFactory()

    admin_submit(
        admin_client,
        "/admin/core/membership/add/",
        {"user": str(person.pk), "unit": str(unit.pk), "role": Role.COMPLAINTS_MANAGER},
    )
    membership = Membership.objects.get(user=person)
    granted = _only_entry(membership, "admin.add")
    _assert_actor(granted, root)
    assert granted.after == {
        "id": membership.pk,
        "user": person.pk,
        "unit": unit.pk,
        "role": "complaints_manager",
        "valid_from": None,
        "valid_to": None,
    }

    admin_submit(admin_client, f"/admin/core/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    revoked = _only_entry(membership, "admin.delete")
    assert (revoked.before["role"], revoked.before["user"], revoked.after) == (
        "complaints_manager",
        person.pk,
        {},
    )
    assert audit_verify().ok


def test_memberships_edited_on_a_person_s_page_are_audited_row_by_row(admin_client):
    person = _person()
    unit = UnitFactory()
    kept = Membership.objects.create(user=person, unit=unit, role=Role.HANDLER)
    dropped = Membership.objects.create(user=person, unit=unit, role=Role.FRONTLINE)
    page_rows = {kept.pk: None, dropped.pk: None}
    data = {}
    for index, pk in enumerate(sorted(page_rows)):
        if pk == dropped.pk:
            data[f"memberships-{index}-DELETE"] = "on"
        else:
            data[f"memberships-{index}-valid_to"] = "2026-12-31"
    data["memberships-2-unit"] = str(unit.pk)
    data["memberships-2-role"] = Role.AUDITOR

    admin_submit(admin_client, _change_url(person), data)

    changed = _only_entry(kept, "admin.change")
    assert (changed.before, changed.after) == ({"valid_to": None}, {"valid_to": "2026-12-31"})
    assert _only_entry(dropped, "admin.delete").before["role"] == "frontline"
    added = Membership.objects.get(user=person, role=Role.AUDITOR)
    assert _only_entry(added, "admin.add").after["role"] == "auditor"
    assert _entries(person) == []  # the person's own fields did not change
    assert audit_verify().ok


def test_a_group_and_its_permissions_are_audited(admin_client):
    permission = Permission.objects.get(codename="change_slapolicy")
    admin_submit(
        admin_client,
        "/admin/auth/group/add/",
        {"name": "Cấu hình SLA", "permissions": [str(permission.pk)]},
    )
    group = Group.objects.get(name="Cấu hình SLA")
    entry = _only_entry(group, "admin.add")
    assert entry.after == {"id": group.pk, "name": "Cấu hình SLA", "permissions": [permission.pk]}


def test_a_day_off_added_to_a_calendar_is_audited(admin_client):
    calendar = BusinessCalendar.objects.get(is_default=True)
    count = calendar.overrides.count()
    admin_submit(
        admin_client,
        _change_url(calendar),
        {
            f"overrides-{count}-date": "2026-07-15",
            f"overrides-{count}-kind": "day_off",
            f"overrides-{count}-name": "Nghỉ bù",
        },
    )
    day = calendar.overrides.get(date=dt.date(2026, 7, 15))
    entry = _only_entry(day, "admin.add")
    assert entry.after["date"] == "2026-07-15" and entry.after["name"] == "Nghỉ bù"


def test_people_deleted_from_the_list_are_audited_with_what_went_with_them(admin_client):
    unit = UnitFactory()
    person = _person()
    membership = Membership.objects.create(user=person, unit=unit, role=Role.HANDLER)
    admin_client.post(
        "/admin/core/user/",
        {"action": "delete_selected", "_selected_action": [str(person.pk)], "post": "yes"},
    )
    assert not User.objects.filter(pk=person.pk).exists()
    entry = _only_entry(person, "admin.delete")
    assert entry.before["username"] == person.username
    assert entry.before["email"] == "[personal data]"
    assert entry.before["password"] == "[secret]"
    assert entry.before["deleted_with"] == {"core.membership": [membership.pk]}
    assert audit_verify().ok


def test_a_webhook_secret_changed_in_the_admin_is_audited_masked(admin_client):
    from redress.integrations.models import WebhookSubscription
    from redress.integrations.services import webhook_subscription_create

    subscription = webhook_subscription_create(
        actor=Actor.system("test"),
        name="CRM",
        url="https://crm.example.test/hooks",
        events=["complaint.received"],
        secret="",
        max_attempts=5,
        disable_after=10,
    )
    admin_submit(
        admin_client, _change_url(subscription), {"secret": "a-new-secret-of-32-characters!!"}
    )
    entry = _only_entry(subscription, "admin.change")
    assert entry.before == entry.after == {"secret": "[secret]"}
    assert "a-new-secret" not in str(entry.after)
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret != subscription.secret


def test_a_change_a_service_records_is_not_recorded_twice(admin_client):
    from redress.integrations.models import ApiToken

    person = UserFactory()
    admin_submit(
        admin_client,
        "/admin/integrations/apitoken/add/",
        {"user": str(person.pk), "name": "Kết nối CRM", "kind": "integration", "scopes": ["read"]},
    )
    token = ApiToken.objects.get(name="Kết nối CRM")
    assert [e.action for e in _entries(token)] == ["integrations.token_create"]


def test_the_audit_trail_itself_cannot_be_changed_in_the_admin(admin_client):
    unit = UnitFactory()
    admin_submit(admin_client, _change_url(unit), {"name": "Phòng mới"})
    entry = AuditEntry.objects.get(target_id=str(unit.pk), target_type="core.orgunit")
    assert admin_client.post(_change_url(entry), {"action": "x"}).status_code == 403
    assert OrgUnit.objects.get(pk=unit.pk).name == "Phòng mới"


def test_a_change_in_the_list_s_editable_columns_is_audited(admin_client):
    level = EscalationLevel.objects.order_by("level").first()
    levels = list(EscalationLevel.objects.order_by("level"))
    admin_submit(
        admin_client,
        "/admin/sla/escalationlevel/",
        {"_save": "Save", "action": None, f"form-{levels.index(level)}-after_hours": "72"},
    )
    entry = _only_entry(level, "admin.change")
    assert (entry.before, entry.after) == ({"after_hours": level.after_hours}, {"after_hours": 72})
