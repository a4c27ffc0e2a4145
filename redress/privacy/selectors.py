"""Reads of the breach register, for the people ``roles.Permission.BREACH_READ`` names, and
the complainant records of a person as the export and the erasure find them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from redress.complaints.models import Complainant
from redress.core.errors import NotFound
from redress.core.models import User
from redress.privacy.models import BreachIncident
from redress.privacy.roles import Permission, may, permission_check
from redress.privacy.scrub import phone_forms, phone_national


def breaches_for(user: User, *, open_only: bool = False) -> QuerySet[BreachIncident]:
    """The register, newest first (refuses who may not read it)."""
    permission_check(user, Permission.BREACH_READ)
    rows = BreachIncident.objects.select_related("reported_by")
    return rows.filter(closed_at__isnull=True) if open_only else rows


def breach_get_for(user: User, pk: int) -> BreachIncident:
    found = breaches_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(str(pk))
    return found


def reads_breaches(user: User) -> bool:
    return may(user, Permission.BREACH_READ)


def complainants_matching(*, email: str = "", phone: str = "") -> list[Complainant]:
    """The complainant records with this email (any case) or this phone in any written form
    ("0912 345 678", "0912.345.678", "+84912345678" are one number: ``scrub.phone_national``),
    by id order. A number too short to be one is matched as written."""
    found: dict[int, Complainant] = {}
    if email.strip():
        for person in Complainant.objects.filter(email__iexact=email.strip()):
            found[person.pk] = person
    national = phone_national(phone)
    if phone.strip() and len(national) < 6:
        for person in Complainant.objects.filter(phone=phone.strip()):
            found[person.pk] = person
    elif national:
        nearby = Complainant.objects.filter(
            Q(phone__in=phone_forms(phone)) | Q(phone__contains=national[-4:])
        )
        for person in nearby:
            if phone_national(person.phone) == national:
                found[person.pk] = person
    return [found[pk] for pk in sorted(found)]
