"""The organisation's structure as administrators keep it day to day (ISO 10002 5.3): its units,
its people and the roles they hold in each unit.

Only an administrator (the administrator role, or a superuser) or a system job may change it.
Every change is validated first (each problem named by field, nothing written) and audited
(``organisation.<action>``), staff contact details masked as in the Django admin's entries.
People are never deleted — their names stay on the complaints they handled — they are
deactivated (and may be reactivated); a role is ended, never removed, so who held it when stays
known. A new person has no password: they set one with "Forgot your password?" on the sign-in
page, which mails them a link, so no administrator ever knows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.adminsite import audit_mask
from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import FieldProblems, NotPermitted, ValidationFailed
from redress.core.memo import memo_clear
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import unit_descendant_ids, user_roles
from redress.sla.models import BusinessCalendar
from redress.sla.services import sla_recompute_schedule

PERSON_FIELDS = ("username", "first_name", "last_name", "email", "phone", "language")
UNIT_FIELDS = ("code", "name", "name_en", "parent", "calendar", "is_active")


def administrator_check(actor: Actor) -> None:
    """Refuse unless the actor is an administrator, a superuser or a system job."""
    if actor.kind == "system":
        return
    user = actor.user
    if user is None or not (Role.ADMIN in user_roles(user) or user.is_superuser):
        raise NotPermitted(_("Only administrators may change the organisation's settings."))


def _required(problems: FieldProblems, field: str, value: str, *, limit: int) -> None:
    if not value.strip():
        problems.add(field, _("This field is required."))
    elif len(value.strip()) > limit:
        problems.add(field, _("At most %(count)d characters.") % {"count": limit})


def _record(actor: Actor, action: str, target: Any, label: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=f"organisation.{action}",
        target=target,
        target_label=label,
        before=audit_mask(User, changes.get("before", {})),
        after=audit_mask(User, changes.get("after", {})),
    )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {n: before.get(n) for n in changed}, {n: after[n] for n in changed}


# ---- units -------------------------------------------------------------------------------


def _unit_values(unit: OrgUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "parent": unit.parent_id,
        "calendar": unit.calendar_id,
        "is_active": unit.is_active,
    }


def _unit_check(
    *,
    unit: OrgUnit | None,
    code: str,
    name: str,
    name_en: str,
    parent: OrgUnit | None,
    is_active: bool,
) -> FieldProblems:
    problems = FieldProblems()
    if unit is None:
        problems.new_code(
            "code",
            code,
            taken=OrgUnit.objects.filter(code__iexact=code.strip()),
            taken_message=_("Another unit already has this code."),
        )
    _required(problems, "name", name, limit=200)
    if len(name_en.strip()) > 200:
        problems.add("name_en", _("At most %(count)d characters.") % {"count": 200})
    if parent is not None:
        if unit is not None and parent.pk in unit_descendant_ids([unit.pk]):
            problems.add(
                "parent", _("A unit cannot be placed under itself or one of its sub-units.")
            )
        elif not parent.is_active and (unit is None or parent.pk != unit.parent_id):
            problems.add("parent", _("This unit is no longer active."))
    if (
        unit is not None
        and unit.is_active
        and not is_active
        and unit.children.filter(is_active=True).exists()
    ):
        problems.add(
            "is_active", _("This unit has active sub-units: deactivate or move them first.")
        )
    return problems


def _calendar_changed(unit_ids: list[int]) -> None:
    """Deadlines of the units' open complaints follow their new calendar (queued on commit)."""
    sla_recompute_schedule(unit_ids=unit_ids)


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    name_en: str = "",
    parent: OrgUnit | None = None,
    calendar: BusinessCalendar | None = None,
) -> OrgUnit:
    """A new active unit under ``parent`` (at the top when empty), working to ``calendar`` (the
    organisation's default when empty). Raises ``ValidationFailed`` naming each bad field
    (code taken or not a slug, name missing, parent inactive) and ``NotPermitted``."""
    administrator_check(actor)
    _unit_check(
        unit=None, code=code, name=name, name_en=name_en, parent=parent, is_active=True
    ).raise_if_any(_("The unit cannot be saved."))
    unit = OrgUnit.objects.create(
        code=code.strip().lower(),
        name=name.strip(),
        name_en=name_en.strip(),
        parent=parent,
        calendar=calendar,
    )
    _record(actor, "unit_create", unit, unit.name, after=_unit_values(unit))
    transaction.on_commit(memo_clear)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    name_en: str,
    parent: OrgUnit | None,
    calendar: BusinessCalendar | None,
    is_active: bool,
) -> OrgUnit:
    """Rename, move, change the calendar of, deactivate or reactivate a unit (its code stays:
    imports and integrations name units by code). A unit with active sub-units cannot be
    deactivated; a unit cannot move under itself. A new calendar recomputes the deadlines of
    the unit's open complaints. Nothing changed, nothing recorded."""
    administrator_check(actor)
    locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _unit_check(
        unit=locked,
        code=locked.code,
        name=name,
        name_en=name_en,
        parent=parent,
        is_active=is_active,
    ).raise_if_any(_("The unit cannot be saved."))
    before = _unit_values(locked)
    locked.name, locked.name_en = name.strip(), name_en.strip()
    locked.parent, locked.calendar, locked.is_active = parent, calendar, is_active
    old, new = _diff(before, _unit_values(locked))
    if not new:
        return locked
    locked.save(update_fields=["name", "name_en", "parent", "calendar", "is_active"])
    _record(actor, "unit_update", locked, locked.name, before=old, after=new)
    if "calendar" in new:
        _calendar_changed([locked.pk])
    else:
        transaction.on_commit(memo_clear)
    return locked


# ---- people ------------------------------------------------------------------------------


def _person_values(person: User) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_FIELDS} | {"is_active": person.is_active}


def _person_check(
    *,
    person: User | None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    language: str,
) -> FieldProblems:
    problems = FieldProblems()
    others = User.objects.exclude(pk=person.pk) if person is not None else User.objects.all()
    if person is None:
        if not username.strip():
            problems.add("username", _("This field is required."))
        else:
            try:
                UnicodeUsernameValidator()(username.strip())
            except ValidationError:
                problems.add(
                    "username",
                    _("Use only letters, digits and the characters @ . + - _ (no spaces)."),
                )
            else:
                if len(username.strip()) > 150:
                    problems.add("username", _("At most %(count)d characters.") % {"count": 150})
                elif others.filter(username__iexact=username.strip()).exists():
                    problems.add("username", _("Another person already has this user name."))
    _required(problems, "first_name", first_name, limit=150)
    if len(last_name.strip()) > 150:
        problems.add("last_name", _("At most %(count)d characters.") % {"count": 150})
    if not email.strip():
        problems.add("email", _("This field is required."))
    else:
        try:
            validate_email(email.strip())
        except ValidationError:
            problems.add("email", _("Enter a valid email address."))
        else:
            if others.filter(email__iexact=email.strip()).exists():
                problems.add("email", _("Another person already has this email address."))
    if len(phone.strip()) > 32:
        problems.add("phone", _("At most %(count)d characters.") % {"count": 32})
    if language not in {"vi", "en"}:
        problems.add("language", _("Choose Vietnamese or English."))
    return problems


def _membership_check(
    problems: FieldProblems, *, unit: OrgUnit | None, role: str, field_unit: str = "unit"
) -> None:
    if unit is None:
        problems.add(field_unit, _("This field is required."))
    elif not unit.is_active:
        problems.add(field_unit, _("This unit is no longer active."))
    if role not in Role.values:
        problems.add("role", _("Choose a role from the list."))


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    language: str = "vi",
    unit: OrgUnit | None,
    role: str,
) -> User:
    """A new member of staff with their first role in a unit, from today. They have no
    password until they set one through "Forgot your password?" (the link is mailed to
    ``email``). Raises ``ValidationFailed`` naming each bad field (user name or email taken
    or malformed, given name missing, unit inactive, unknown role) and ``NotPermitted``."""
    administrator_check(actor)
    problems = _person_check(
        person=None,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        language=language,
    )
    _membership_check(problems, unit=unit, role=role)
    problems.raise_if_any(_("The person cannot be saved."))
    assert unit is not None  # checked above
    person = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        language=language,
    )
    person.set_unusable_password()
    person.save()
    membership = Membership.objects.create(
        user=person, unit=unit, role=role, valid_from=timezone.localdate()
    )
    _record(actor, "person_create", person, person.get_username(), after=_person_values(person))
    _record(
        actor,
        "role_grant",
        membership,
        person.get_username(),
        after={
            "user": person.pk,
            "unit": unit.pk,
            "role": role,
            "valid_from": membership.valid_from,
        },
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Actor,
    person: User,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    language: str,
) -> User:
    """Change a person's name, contact details and language (the user name stays: it is how
    they sign in and how the audit trail names them). Nothing changed, nothing recorded."""
    administrator_check(actor)
    locked = User.objects.select_for_update().get(pk=person.pk)
    _person_check(
        person=locked,
        username=locked.username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        language=language,
    ).raise_if_any(_("The person cannot be saved."))
    before = _person_values(locked)
    locked.first_name, locked.last_name = first_name.strip(), last_name.strip()
    locked.email, locked.phone, locked.language = email.strip(), phone.strip(), language
    old, new = _diff(before, _person_values(locked))
    if new:
        locked.save(update_fields=list(new))
        _record(actor, "person_update", locked, locked.get_username(), before=old, after=new)
    return locked


@transaction.atomic
def person_set_active(*, actor: Actor, person: User, active: bool) -> User:
    """Deactivate a person (they can no longer sign in; their name stays on everything they
    did) or reactivate them. Nobody deactivates themselves. Raises ``ValidationFailed``."""
    administrator_check(actor)
    locked = User.objects.select_for_update().get(pk=person.pk)
    if not active and locked.pk == actor.user_id:
        message = _("You cannot deactivate yourself: ask another administrator.")
        raise ValidationFailed(message, fields={"is_active": [message]})
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    _record(
        actor,
        "person_activate" if active else "person_deactivate",
        locked,
        locked.get_username(),
        before={"is_active": not active},
        after={"is_active": active},
    )
    return locked


@transaction.atomic
def role_grant(*, actor: Actor, person: User, unit: OrgUnit | None, role: str) -> Membership:
    """Give a person a role in a unit from today. The same role in the same unit held before
    (and ended) is taken up again; one still held is refused. Raises ``ValidationFailed``."""
    administrator_check(actor)
    problems = FieldProblems()
    _membership_check(problems, unit=unit, role=role)
    if not person.is_active:
        problems.add("role", _("This person is deactivated: reactivate them first."))
    problems.raise_if_any(_("The role cannot be given."))
    assert unit is not None  # checked above
    today = timezone.localdate()
    membership = (
        Membership.objects.select_for_update().filter(user=person, unit=unit, role=role).first()
    )
    if membership is not None:
        held = (membership.valid_from is None or membership.valid_from <= today) and (
            membership.valid_to is None or membership.valid_to >= today
        )
        if held:
            message = _("This person already holds this role in this unit.")
            raise ValidationFailed(message, fields={"role": [message]})
        before = {"valid_from": membership.valid_from, "valid_to": membership.valid_to}
        membership.valid_from, membership.valid_to = today, None
        membership.save(update_fields=["valid_from", "valid_to"])
    else:
        before = {}
        membership = Membership.objects.create(user=person, unit=unit, role=role, valid_from=today)
    _record(
        actor,
        "role_grant",
        membership,
        person.get_username(),
        before=before,
        after={"user": person.pk, "unit": unit.pk, "role": role, "valid_from": today},
    )
    return membership


@transaction.atomic
def role_end(*, actor: Actor, membership: Membership) -> Membership:
    """End a role at the end of yesterday: from today the person no longer holds it. An
    administrator does not end their own administrator role (another must). Raises
    ``ValidationFailed`` for a role already ended."""
    administrator_check(actor)
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    today = timezone.localdate()
    if locked.valid_to is not None and locked.valid_to < today:
        raise ValidationFailed(_("This role has already ended."))
    if locked.user_id == actor.user_id and locked.role == Role.ADMIN:
        raise ValidationFailed(
            _("You cannot end your own administrator role: ask another administrator.")
        )
    before = {"valid_to": locked.valid_to}
    locked.valid_to = today - dt.timedelta(days=1)
    if locked.valid_from is not None and locked.valid_from > locked.valid_to:
        locked.valid_from = locked.valid_to  # granted today and ended today: held for no day
    locked.save(update_fields=["valid_from", "valid_to"])
    _record(
        actor,
        "role_end",
        locked,
        locked.user.get_username(),
        before=before,
        after={"valid_to": locked.valid_to, "role": locked.role, "unit": locked.unit_id},
    )
    return locked
