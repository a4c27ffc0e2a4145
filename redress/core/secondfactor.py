"""Who must sign in with a second factor, and what a person has enrolled (reads only).

The second factor is a TOTP authenticator app (django-otp's ``TOTPDevice``), with ten
single-use recovery codes (its ``StaticDevice``). The writes are in
``redress.integrations.secondfactor``; the gate on staff pages and the admin is
``redress.backoffice.middleware.SecondFactorMiddleware``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from redress.core.models import Membership, User
from redress.core.roles import SECOND_FACTOR_ROLES
from redress.core.selectors import user_roles


def second_factor_required(user: Any) -> bool:
    """Whether this person may use staff pages or the admin only after a second factor: one of
    ``SECOND_FACTOR_ROLES`` today, or an account of the Django admin (staff or superuser)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(SECOND_FACTOR_ROLES & set(user_roles(user)))


def second_factor_device(user: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def people_requiring_second_factor() -> set[int]:
    """The ids of everyone ``second_factor_required`` holds for today (two queries, for lists)."""
    day = timezone.localdate()
    ids = set(
        Membership.objects.filter(role__in=SECOND_FACTOR_ROLES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("user_id", flat=True)
    )
    ids.update(
        User.objects.filter(Q(is_staff=True) | Q(is_superuser=True)).values_list("pk", flat=True)
    )
    return ids
