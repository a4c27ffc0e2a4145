"""Who may take every complaint selected on a queue page: the owner list of the bulk assign,
refreshed by the page's script as complaints are ticked. Assigning checks again, complaint by
complaint, through the assign service."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redress.backoffice.views.common import staff_view
from redress.complaints.models import Complaint, ConflictDeclaration
from redress.complaints.selectors import complaint_roles, complaints_visible_to
from redress.core.collation import person_key
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role

MAX_SELECTED = 500


def bulk_candidates(user: User, complaints: list[Complaint]) -> list[User]:
    """The people who may own all of ``complaints``, in Vietnamese order: handlers of each
    complaint's unit and complaints managers above it, but nobody a complaint is about and
    nobody with a standing conflict of interest on one. Someone who does not manage every
    selected complaint may only take them themselves."""
    if not complaints:
        return []
    # A person's roles on a complaint depend on its unit and on whether it is about them: one
    # check per distinct pair, so the queries do not grow with the number ticked.
    kinds = {(c.unit_id, c.subject_staff_id == user.pk): c for c in complaints}
    manages_all = all(Role.COMPLAINTS_MANAGER in complaint_roles(user, c) for c in kinds.values())
    allowed: set[int] | None = None
    for unit_id in {c.unit_id for c in complaints}:
        here = {u.pk for u in users_with_role(Role.HANDLER, unit_ids=[unit_id])}
        here |= {
            u.pk
            for u in users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(unit_id))
        }
        allowed = here if allowed is None else allowed & here
    allowed = allowed or set()
    allowed -= {c.subject_staff_id for c in complaints if c.subject_staff_id}
    allowed -= set(
        ConflictDeclaration.objects.filter(
            complaint__in=complaints, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    if not manages_all:
        allowed &= {user.pk}
    return sorted(User.objects.filter(pk__in=allowed, is_active=True), key=person_key)


@staff_view
def bulk_owners(request: HttpRequest) -> HttpResponse:
    """The owner choices for the complaints ticked (``ref``), as the options of the list."""
    user: User = request.user  # type: ignore[assignment]
    references = [r for r in request.GET.getlist("ref") if r][:MAX_SELECTED]
    complaints = list(complaints_visible_to(user).filter(reference__in=references))
    return render(
        request,
        "backoffice/partials/bulk_owners.html",
        {"owners": bulk_candidates(user, complaints), "selected": bool(references)},
    )
