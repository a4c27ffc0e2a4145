"""Reads of the policy: the version in force, each version's differences from the one before,
and who among the staff has not yet read the current one."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from redress.core.models import Membership, User
from redress.framework.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion


def policy_current(on: dt.date | None = None) -> PolicyVersion | None:
    """The approved version with the highest number already in effect on ``on`` (today)."""
    on = on or timezone.localdate()
    return (
        PolicyVersion.objects.filter(status=PolicyStatus.APPROVED, effective_from__lte=on)
        .select_related("drafted_by", "approved_by")
        .order_by("-number")
        .first()
    )


def policy_upcoming(on: dt.date | None = None) -> PolicyVersion | None:
    """An approved version that takes effect after ``on``, if one is waiting."""
    on = on or timezone.localdate()
    return (
        PolicyVersion.objects.filter(status=PolicyStatus.APPROVED, effective_from__gt=on)
        .order_by("number")
        .first()
    )


def policy_draft_open() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(status=PolicyStatus.DRAFT).first()


def policy_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("drafted_by", "approved_by").order_by("-number")


def policy_previous(version: PolicyVersion) -> PolicyVersion | None:
    """The version this one is compared with: the latest approved version before it."""
    return (
        PolicyVersion.objects.filter(status=PolicyStatus.APPROVED, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def policy_diff(version: PolicyVersion, language: str = "vi") -> list[DiffLine]:
    """The lines of ``version`` against the previous approved one (every line added when there
    is none), in ``language``."""
    previous = policy_previous(version)
    old = previous.display_text(language).splitlines() if previous else []
    new = version.display_text(language).splitlines()
    lines: list[DiffLine] = []
    for line in difflib.ndiff(old, new):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            lines.append(DiffLine("same", text))
        elif tag == "+ ":
            lines.append(DiffLine("added", text))
        elif tag == "- ":
            lines.append(DiffLine("removed", text))
    return lines


def staff_active() -> QuerySet[User]:
    """Active people who hold a role today (the staff the policy addresses)."""
    today = timezone.localdate()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Exists(
                Membership.objects.filter(user=OuterRef("pk"))
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def staff_not_acknowledged(version: PolicyVersion) -> QuerySet[User]:
    """Active staff who have not stated they read ``version``."""
    read = PolicyAcknowledgement.objects.filter(version=version, user=OuterRef("pk"))
    return staff_active().filter(~Exists(read))


def policy_read_by(user: User, version: PolicyVersion) -> PolicyAcknowledgement | None:
    return PolicyAcknowledgement.objects.filter(version=version, user=user).first()
