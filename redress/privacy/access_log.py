"""The personal-data access log (docs/privacy.md): who was shown which complainant's personal
data unmasked, and when. The interfaces call ``personal_data_accessed`` where they show it; the
data-protection officer and auditors read it with ``access_log_page``. Lists (queues, search
results) are not logged line by line: opening a complaint, its files, its original emails, and
exports are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.core.models import User
from redress.privacy.models import PersonalDataAccess
from redress.privacy.roles import Permission, permission_check

PAGE_SIZE = 50


def personal_data_accessed(
    *, user: User, via: str, complaint: Complaint | None = None, detail: str = ""
) -> None:
    PersonalDataAccess.objects.create(
        at=timezone.now(), user=user, via=via, complaint=complaint, detail=detail[:300]
    )


@dataclass(frozen=True)
class AccessPage:
    rows: list[PersonalDataAccess]
    older_than: int | None  # the id to ask for the next (older) page, if there is one


def access_log_page(
    reader: User,
    *,
    username: str = "",
    reference: str = "",
    older_than: int | None = None,
) -> AccessPage:
    """Newest first, ``PAGE_SIZE`` at a time, by id (no count of a table that only grows);
    filtered by the staff member's username and by the complaint's reference."""
    permission_check(reader, Permission.ACCESS_LOG_READ)
    rows: QuerySet[PersonalDataAccess] = PersonalDataAccess.objects.select_related(
        "user", "complaint"
    ).order_by("-id")
    if username:
        rows = rows.filter(user__username=username)
    if reference:
        rows = rows.filter(complaint__reference=reference)
    if older_than is not None:
        rows = rows.filter(id__lt=older_than)
    found = list(rows[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    return AccessPage(rows=found, older_than=found[-1].pk if more else None)
