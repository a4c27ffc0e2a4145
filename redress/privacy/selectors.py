"""Reads of the breach register, for the people ``roles.Permission.BREACH_READ`` names."""

from __future__ import annotations

from django.db.models import QuerySet

from redress.core.errors import NotFound
from redress.core.models import User
from redress.privacy.models import BreachIncident
from redress.privacy.roles import Permission, may, permission_check


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
