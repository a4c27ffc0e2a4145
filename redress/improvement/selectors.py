"""Reads of continual improvement: who holds which role for a record, what a person may see,
and the lists the back office and the API show.

Investigations are part of their complaint and are read through the complaint's visibility
gate. Systemic issues and CAPA belong to a unit (or to the whole organisation): top
management and auditors see them all; complaints managers those of their units and below and
the organisation-wide ones; handlers those of their units, the organisation-wide ones and the
ones they own (or hold a task of). Complaints linked to them are listed through
``complaints_visible_to``: linking never shows a complaint to someone who may not see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.errors import NotFound, NotPermitted
from redress.core.models import User
from redress.core.roles import ORGANISATION_WIDE_ROLES, Role
from redress.core.selectors import unit_descendant_ids, user_roles
from redress.improvement.models import (
    Capa,
    CapaStatus,
    CapaTask,
    Cause,
    Investigation,
    ProposalStatus,
    SystemicIssue,
    SystemicProposal,
)
from redress.improvement.models.capa import WORK_STATUSES
from redress.improvement.models.systemic import OPEN_STATUSES
from redress.improvement.transitions import IMPROVEMENT_ROLES, OWNER_ACTIONS, Permission


def record_roles(user: User, unit_id: int | None) -> set[Role]:
    """The roles the user holds for a record of ``unit_id`` (None: the whole organisation)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = user_roles(user)
    held: set[Role] = {role for role in roles if role in ORGANISATION_WIDE_ROLES}
    if Role.ADMIN in roles or user.is_superuser:
        held.add(Role.ADMIN)
    for role in (Role.FRONTLINE, Role.HANDLER):
        units = roles.get(role, set())
        if units and (unit_id is None or unit_id in units):
            held.add(role)
    managed = roles.get(Role.COMPLAINTS_MANAGER, set())
    if managed and (unit_id is None or unit_id in unit_descendant_ids(managed)):
        held.add(Role.COMPLAINTS_MANAGER)
    return held


def may(user: User, permission: str, *, unit_id: int | None, owner_id: int | None = None) -> bool:
    """Whether the user may take ``permission`` on a record of ``unit_id`` owned by
    ``owner_id`` (the role matrix ``transitions.IMPROVEMENT_ROLES``)."""
    if owner_id is not None and owner_id == user.pk and permission in OWNER_ACTIONS:
        return bool(user.is_active)
    return bool(record_roles(user, unit_id) & IMPROVEMENT_ROLES[permission])


def permission_check(
    user: User, permission: str, *, unit_id: int | None, owner_id: int | None = None
) -> None:
    if not may(user, permission, unit_id=unit_id, owner_id=owner_id):
        raise NotPermitted(
            _("Your role does not allow this: %(action)s.")
            % {"action": Permission(permission).label}
        )


def _scope(user: User) -> tuple[bool, set[int]]:
    """(sees every record, ids of the units whose records the user sees); remembered on the
    user object for the request, as its roles are."""
    cached: tuple[bool, set[int]] | None = getattr(user, "_redress_improvement_scope", None)
    if cached is not None:
        return cached
    roles = user_roles(user)
    if ORGANISATION_WIDE_ROLES & set(roles):
        found: tuple[bool, set[int]] = (True, set())
    else:
        units = set(roles.get(Role.HANDLER, set()))
        if Role.COMPLAINTS_MANAGER in roles:
            units |= unit_descendant_ids(roles[Role.COMPLAINTS_MANAGER])
        found = (False, units)
    user._redress_improvement_scope = found  # type: ignore[attr-defined]
    return found


def _reader(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and set(user_roles(user)) & IMPROVEMENT_ROLES["read"]
    )


def issues_visible_to(user: User) -> QuerySet[SystemicIssue]:
    if not _reader(user):
        return SystemicIssue.objects.none()
    everything, units = _scope(user)
    if everything:
        return SystemicIssue.objects.all()
    return SystemicIssue.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=units) | Q(owner=user))


def capas_visible_to(user: User) -> QuerySet[Capa]:
    """As issues, and for anyone the CAPA they own or hold a task of (a task may go to a
    person without a reading role, who must see what it belongs to)."""
    if not user.is_authenticated or not user.is_active:
        return Capa.objects.none()
    holds_task = Exists(CapaTask.objects.filter(capa=OuterRef("pk"), owner=user))
    mine = Q(owner=user) | Q(holds_task)
    if not _reader(user):
        return Capa.objects.filter(mine)
    everything, units = _scope(user)
    if everything:
        return Capa.objects.all()
    return Capa.objects.filter(Q(unit_id__in=units) | mine)


def issue_get_for_user(user: User, pk: int) -> SystemicIssue:
    issue = (
        issues_visible_to(user)
        .select_related("rule", "category", "product", "cause", "unit", "owner", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if issue is None:
        raise NotFound(_not_found())
    return issue


def capa_get_for_user(user: User, pk: int) -> Capa:
    capa = (
        capas_visible_to(user)
        .select_related(
            "owner", "unit", "cause", "category", "source_issue", "source_complaint", "verifier"
        )
        .filter(pk=pk)
        .first()
    )
    if capa is None:
        raise NotFound(_not_found())
    return capa


def _not_found() -> str:
    return _("Not found, or you may not see it.")


def issue_list(
    user: User, *, status: str = "", source: str = "", unit: int | None = None
) -> QuerySet[SystemicIssue]:
    queryset = issues_visible_to(user).select_related("unit", "owner", "category", "cause")
    if status:
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(source=source)
    if unit is not None:
        queryset = queryset.filter(unit_id=unit)
    return queryset.order_by("-opened_at", "-pk")


def capa_list(
    user: User,
    *,
    status: str = "",
    type: str = "",
    unit: int | None = None,
    overdue_at: dt.datetime | None = None,
) -> QuerySet[Capa]:
    queryset = capas_visible_to(user).select_related("unit", "owner")
    if status:
        queryset = queryset.filter(status=status)
    if type:
        queryset = queryset.filter(type=type)
    if unit is not None:
        queryset = queryset.filter(unit_id=unit)
    if overdue_at is not None:
        queryset = capas_overdue(queryset, overdue_at)
    return queryset.order_by("-created_at", "-pk")


def capas_overdue(queryset: QuerySet[Capa], now: dt.datetime) -> QuerySet[Capa]:
    """CAPA whose work is not done and whose due date has passed."""
    return queryset.filter(status__in=WORK_STATUSES, due_at__lt=now)


def issues_open(queryset: QuerySet[SystemicIssue]) -> QuerySet[SystemicIssue]:
    return queryset.filter(status__in=OPEN_STATUSES)


def issue_complaints_for_user(user: User, issue: SystemicIssue) -> QuerySet:  # type: ignore[type-arg]
    """The issue's complaints that the person may see."""
    return (
        complaints_visible_to(user)
        .filter(systemic_links__issue=issue)
        .order_by("-received_at")
        .only("pk", "reference", "subject", "status", "received_at")
    )


def proposals_visible_to(user: User) -> QuerySet[SystemicProposal]:
    """Proposed systemic issues are organisation-wide: every reader of improvement records sees
    them (their complaints through the gate, ``proposal_complaints_for_user``)."""
    if not _reader(user):
        return SystemicProposal.objects.none()
    return SystemicProposal.objects.all()


def proposals_pending(user: User, limit: int = 20) -> list[SystemicProposal]:
    """The proposals waiting for a decision, newest first (bounded), with their number of
    complaints."""
    return list(
        proposals_visible_to(user)
        .filter(status=ProposalStatus.PENDING)
        .annotate(size=Count("complaints"))
        .order_by("-proposed_at", "-pk")[:limit]
    )


def proposal_get_for_user(user: User, pk: int) -> SystemicProposal:
    proposal = (
        proposals_visible_to(user).select_related("issue", "decided_by").filter(pk=pk).first()
    )
    if proposal is None:
        raise NotFound(_not_found())
    return proposal


def proposal_complaints_for_user(user: User, proposal: SystemicProposal) -> QuerySet:  # type: ignore[type-arg]
    """The proposal's complaints that the person may see."""
    return (
        complaints_visible_to(user)
        .filter(systemic_proposals=proposal)
        .order_by("-received_at")
        .only("pk", "reference", "subject", "status", "received_at")
    )


def causes_active() -> list[Cause]:
    """The active causes, the families (top level) first, in order."""
    return list(Cause.objects.filter(is_active=True).order_by("position", "code"))


def cause_families() -> list[Cause]:
    return [cause for cause in causes_active() if cause.parent_id is None]


@dataclass(frozen=True)
class ComplaintImprovement:
    """What the complaint workspace shows of continual improvement."""

    investigation: Investigation | None
    issues: list[SystemicIssue]
    capas: list[Capa]
    linkable: list[Capa]  # open CAPA the person may link the complaint to


def complaint_improvement(user: User, complaint: Complaint) -> ComplaintImprovement | None:
    """The complaint's investigation (root cause), its systemic issues and CAPA that the
    person may see, and the CAPA they may link it to; None for people who do not read
    improvement records (four queries)."""
    if not _reader(user):
        return None
    investigation = (
        Investigation.objects.select_related("root_cause").filter(complaint=complaint).first()
    )
    issues = list(issues_visible_to(user).filter(links__complaint=complaint).order_by("-pk"))
    capas = capas_visible_to(user).select_related("owner")
    linked = list(capas.filter(complaints=complaint).order_by("-pk"))
    linkable = [
        capa
        for capa in capas.exclude(status=CapaStatus.CLOSED)
        .exclude(complaints=complaint)
        .order_by("-pk")[:50]
        if may(user, Permission.CAPA_WORK, unit_id=capa.unit_id, owner_id=capa.owner_id)
    ]
    return ComplaintImprovement(investigation, issues, linked, linkable)


@dataclass(frozen=True)
class ImprovementNow:
    open_issues: int
    overdue_capa: int


def improvement_now(user: User, now: dt.datetime) -> ImprovementNow:
    """For the manager's dashboard: open systemic issues and overdue CAPA the person sees."""
    return ImprovementNow(
        open_issues=issues_open(issues_visible_to(user)).count(),
        overdue_capa=capas_overdue(capas_visible_to(user), now).count(),
    )
