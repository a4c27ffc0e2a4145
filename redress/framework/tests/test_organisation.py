"""Units, people and roles kept by administrators (``framework.services.organisation``): every
change validated (each problem named by field, nothing written) and audited; people are
deactivated, never deleted; a role ends, and is not held the day after."""

import pytest
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import user_roles
from redress.core.testing import UnitFactory, staff
from redress.framework.services import organisation as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory.create()


@pytest.fixture
def admin(unit):
    return Actor.for_user(staff(Role.ADMIN, unit, username="quantri"))


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_an_administrator_adds_a_unit_and_the_trail_records_it(admin, unit):
    created = services.unit_create(
        actor=admin, code="cskh-hanoi", name="CSKH Hà Nội", name_en="Hanoi care", parent=unit
    )
    assert (created.code, created.parent, created.is_active) == ("cskh-hanoi", unit, True)
    entry = AuditEntry.objects.get(action="organisation.unit_create")
    assert entry.target_id == str(created.pk)
    assert entry.after["name"] == "CSKH Hà Nội"
    assert entry.actor_user_id == admin.user_id


def test_a_bad_unit_names_each_field_and_adds_nothing(admin, unit):
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_create(actor=admin, code=unit.code.upper(), name="  ")
    assert set(refused.value.fields) == {"code", "name"}
    with pytest.raises(ValidationFailed) as refused:
        services.unit_create(actor=admin, code="có dấu", name="X")
    assert set(refused.value.fields) == {"code"}
    assert OrgUnit.objects.count() == before
    assert not AuditEntry.objects.filter(action__startswith="organisation.unit").exists()


def test_a_unit_cannot_move_under_its_own_sub_unit(admin, unit):
    child = services.unit_create(actor=admin, code="con", name="Con", parent=unit)
    with pytest.raises(ValidationFailed) as refused:
        services.unit_update(
            actor=admin,
            unit=unit,
            name=unit.name,
            name_en="",
            parent=child,
            calendar=None,
            is_active=True,
        )
    assert set(refused.value.fields) == {"parent"}


def test_a_unit_with_active_sub_units_is_not_deactivated(admin, unit):
    services.unit_create(actor=admin, code="con", name="Con", parent=unit)
    with pytest.raises(ValidationFailed) as refused:
        services.unit_update(
            actor=admin,
            unit=unit,
            name=unit.name,
            name_en="",
            parent=None,
            calendar=None,
            is_active=False,
        )
    assert set(refused.value.fields) == {"is_active"}
    unit.refresh_from_db()
    assert unit.is_active


def test_an_unchanged_unit_records_nothing(admin, unit):
    services.unit_update(
        actor=admin,
        unit=unit,
        name=unit.name,
        name_en=unit.name_en,
        parent=None,
        calendar=None,
        is_active=True,
    )
    assert not AuditEntry.objects.filter(action="organisation.unit_update").exists()


def test_only_administrators_change_the_organisation(unit):
    manager = Actor.for_user(staff(Role.COMPLAINTS_MANAGER, unit))
    with pytest.raises(NotPermitted):
        services.unit_create(actor=manager, code="x", name="X")
    with pytest.raises(NotPermitted):
        services.person_create(
            actor=manager,
            username="moi",
            first_name="Lan",
            last_name="Trần",
            email="lan@example.vn",
            unit=unit,
            role=Role.HANDLER,
        )
    assert not User.objects.filter(username="moi").exists()


def test_a_new_person_has_a_role_from_today_no_password_and_a_masked_email(admin, unit):
    person = services.person_create(
        actor=admin,
        username="tranlan",
        first_name="Lan",
        last_name="Trần Thị",
        email="lan@example.vn",
        phone="0901 234 567",
        unit=unit,
        role=Role.HANDLER,
    )
    person = fresh(person)
    assert not person.has_usable_password()
    assert user_roles(person) == {Role.HANDLER: {unit.pk}}
    entry = AuditEntry.objects.get(action="organisation.person_create")
    assert entry.after["email"] == "[personal data]"
    assert entry.after["phone"] == "[personal data]"
    assert entry.after["username"] == "tranlan"
    assert AuditEntry.objects.filter(action="organisation.role_grant").count() == 1


def test_a_taken_user_name_or_email_is_refused_by_field(admin, unit):
    staff(Role.HANDLER, unit, username="xuly", email="xuly@example.vn")
    with pytest.raises(ValidationFailed) as refused:
        services.person_create(
            actor=admin,
            username="XuLy",
            first_name="",
            last_name="",
            email="XULY@example.vn",
            unit=unit,
            role="wizard",
        )
    assert set(refused.value.fields) == {"username", "first_name", "email", "role"}


def test_people_are_deactivated_never_by_themselves(admin, unit):
    other = staff(Role.HANDLER, unit)
    with pytest.raises(ValidationFailed):
        services.person_set_active(actor=admin, person=admin.user, active=False)
    services.person_set_active(actor=admin, person=other, active=False)
    assert not fresh(other).is_active
    assert User.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(action="organisation.person_deactivate").count() == 1
    services.person_set_active(actor=admin, person=other, active=True)
    assert fresh(other).is_active


def test_a_role_ended_is_no_longer_held_and_may_be_given_again(admin, unit):
    other = staff(Role.HANDLER, unit)
    membership = Membership.objects.get(user=other)
    services.role_end(actor=admin, membership=membership)
    assert user_roles(fresh(other)) == {}
    membership.refresh_from_db()
    assert membership.valid_to < timezone.localdate()
    services.role_grant(actor=admin, person=fresh(other), unit=unit, role=Role.HANDLER)
    assert user_roles(fresh(other)) == {Role.HANDLER: {unit.pk}}
    assert Membership.objects.filter(user=other).count() == 1  # taken up again, not doubled
    with pytest.raises(ValidationFailed) as refused:
        services.role_grant(actor=admin, person=fresh(other), unit=unit, role=Role.HANDLER)
    assert set(refused.value.fields) == {"role"}


def test_an_administrator_does_not_end_their_own_administrator_role(admin):
    own = Membership.objects.get(user=admin.user, role=Role.ADMIN)
    with pytest.raises(ValidationFailed):
        services.role_end(actor=admin, membership=own)
    assert Role.ADMIN in user_roles(fresh(admin.user))
