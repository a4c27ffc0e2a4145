"""Continual improvement over /api/v1: systemic issues and corrective and preventive actions
(ISO 10002 8.2, 8.7).

Reads go through ``improvement.selectors`` (an issue or CAPA the token's person may not see is
a 404, like an unknown one); writes are the improvement services, made as the token's person,
so the role matrix (``improvement.transitions.IMPROVEMENT_ROLES``) decides as in the back
office. Scopes as for complaints: ``read`` to read, ``write`` to open and link, ``actions`` for
the lifecycle steps and decisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from redress.api.auth import ACTIONS, READ, WRITE, api_user
from redress.api.complaints import complaint_for, lookup
from redress.api.errors import error_responses
from redress.api.improvement_schemas import (
    CapaActionIn,
    CapaCreateIn,
    CapaDetail,
    CapaFilters,
    CapaPage,
    DecisionIn,
    IssueCreateIn,
    IssueDetail,
    IssueFilters,
    IssuePage,
    ReferenceIn,
    TaskIn,
)
from redress.api.output import cursor_encode, cursor_pk
from redress.complaints.models import Category, Complaint, Product
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import NotFound, NotPermitted, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.improvement import services
from redress.improvement.models import (
    Capa,
    CapaTask,
    Cause,
    ImprovementEvent,
    SystemicIssue,
)
from redress.improvement.models.capa import WORK_STATUSES
from redress.improvement.selectors import (
    capa_get_for_user,
    capa_list,
    capas_overdue,
    capas_visible_to,
    issue_complaints_for_user,
    issue_get_for_user,
    issue_list,
    may,
)
from redress.improvement.transitions import CapaAction, Permission

router = Router(tags=["improvement"])

# --------------------------------------------------------------------------------------------
# Output


def _events(queryset: QuerySet[ImprovementEvent]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor_label,
            "complaint": e.complaint.reference if e.complaint_id else None,  # type: ignore[union-attr]
            "data": e.data,
        }
        for e in queryset.select_related("complaint").order_by("at", "pk")[:500]
    ]


def _issue_summary(issue: SystemicIssue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "reference": issue.reference,
        "title": issue.title,
        "source": issue.source,
        "status": issue.status,
        "unit": issue.unit.code if issue.unit_id else None,  # type: ignore[union-attr]
        "category": issue.category.code if issue.category_id else None,  # type: ignore[union-attr]
        "cause": issue.cause.code if issue.cause_id else None,  # type: ignore[union-attr]
        "owner": issue.owner.get_username() if issue.owner_id else None,  # type: ignore[union-attr]
        "is_significant": issue.is_significant,
        "opened_at": issue.opened_at,
    }


def _issue_detail(request: HttpRequest, issue_id: int) -> dict[str, Any]:
    issue = issue_get_for_user(api_user(request), issue_id)
    return {
        **_issue_summary(issue),
        "description": issue.description,
        "product": issue.product.code if issue.product_id else None,  # type: ignore[union-attr]
        "decision": issue.decision,
        "decision_reason": issue.decision_reason,
        "decided_at": issue.decided_at,
        "closed_at": issue.closed_at,
        "evidence": issue.evidence,
        "complaints": list(
            issue_complaints_for_user(api_user(request), issue).values_list("reference", flat=True)[
                :500
            ]
        ),
        "capa": list(issue.capas.order_by("pk").values_list("pk", flat=True)),
        "events": _events(issue.events.all()),
    }


def _overdue(capa: Capa, now: dt.datetime) -> bool:
    return capa.status in WORK_STATUSES and capa.due_at is not None and capa.due_at < now


def _capa_summary(capa: Capa, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": capa.pk,
        "reference": capa.reference,
        "title": capa.title,
        "type": capa.type,
        "source": capa.source,
        "status": capa.status,
        "unit": capa.unit.code,
        "owner": capa.owner.get_username(),
        "due_at": capa.due_at,
        "overdue": _overdue(capa, now),
    }


def _capa_detail(request: HttpRequest, capa_id: int) -> dict[str, Any]:
    user = api_user(request)
    capa = capa_get_for_user(user, capa_id)
    visible = complaints_visible_to(user).filter(capas=capa).order_by("-received_at")
    return {
        **_capa_summary(capa, timezone.now()),
        "source_issue": capa.source_issue_id,
        "source_complaint": capa.source_complaint.reference if capa.source_complaint_id else None,  # type: ignore[union-attr]
        "source_note": capa.source_note,
        "cause": capa.cause.code if capa.cause_id else None,  # type: ignore[union-attr]
        "category": capa.category.code if capa.category_id else None,  # type: ignore[union-attr]
        "plan": capa.plan,
        "due_working_days": capa.due_working_days,
        "check_window_days": capa.check_window_days,
        "implemented_at": capa.implemented_at,
        "check_due_at": capa.check_due_at,
        "check_figures": capa.check_figures,
        "proposed_effective": capa.proposed_effective,
        "effective": capa.effective,
        "verifier": capa.verifier.get_username() if capa.verifier_id else None,  # type: ignore[union-attr]
        "verification_reason": capa.verification_reason,
        "closed_at": capa.closed_at,
        "reopen_count": capa.reopen_count,
        "tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "owner": t.owner.get_username(),
                "due_on": t.due_on,
                "done_at": t.done_at,
            }
            for t in capa.tasks.select_related("owner")
        ],
        "complaints": list(visible.values_list("reference", flat=True)[:500]),
        "events": _events(capa.events.all()),
    }


def _person(field: str, username: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        message = _("No active person with the username “%(username)s”.") % {"username": username}
        raise ValidationFailed(message, fields={field: [message]})
    return found


def _cause(code: str) -> Cause | None:
    return lookup(Cause, "cause", code)  # type: ignore[no-any-return]


def _page(rows: list[Any], limit: int) -> tuple[list[Any], str | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursor_encode(rows[-1].pk) if more else None


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(api_user(request))


def _reader_only(user: User, *, or_capa_of_their_own: bool = False) -> None:
    """As in the back office: the lists are for the roles that read improvement records (and,
    for CAPA, for anyone who owns one or holds one of its tasks); others get 403."""
    if may(user, Permission.READ, unit_id=None):
        return
    if or_capa_of_their_own and capas_visible_to(user).exists():
        return
    raise NotPermitted(_("Your role does not let you read improvement records."))


# --------------------------------------------------------------------------------------------
# Systemic issues


@router.get(
    "/systemic-issues",
    auth=READ,
    response={200: IssuePage, **error_responses(400, 401, 403, 422, 429)},
    operation_id="systemic_issue_list",
    summary="List systemic issues",
)
def systemic_issue_list(request: HttpRequest, filters: Query[IssueFilters]) -> Any:
    """Systemic issues the token's person may see, newest first, ``limit`` at a time."""
    _reader_only(api_user(request))
    unit = lookup(OrgUnit, "unit", filters.unit)
    queryset = issue_list(
        api_user(request),
        status=filters.status,
        source=filters.source,
        unit=unit.pk if unit else None,
    ).select_related("category", "cause", "owner", "unit")
    if filters.cursor:
        queryset = queryset.filter(pk__lt=cursor_pk(filters.cursor))
    rows, cursor = _page(list(queryset.order_by("-pk")[: filters.limit + 1]), filters.limit)
    return {"items": [_issue_summary(i) for i in rows], "next_cursor": cursor}


@router.get(
    "/systemic-issues/{issue_id}",
    auth=READ,
    response={200: IssueDetail, **error_responses(401, 403, 404, 422, 429)},
    operation_id="systemic_issue_get",
    summary="Get a systemic issue with its complaints and events",
)
def systemic_issue_get(request: HttpRequest, issue_id: int) -> Any:
    return _issue_detail(request, issue_id)


@router.post(
    "/systemic-issues",
    auth=WRITE,
    response={201: IssueDetail, **error_responses()},
    operation_id="systemic_issue_open",
    summary="Open a systemic issue by hand",
)
def systemic_issue_open(request: HttpRequest, payload: IssueCreateIn) -> Any:
    """Complaints managers and top management; the complaints are given by reference and must
    be visible to the token's person."""
    complaints = [complaint_for(request, reference) for reference in payload.complaints]
    issue = services.systemic_issue_open(
        actor=_actor(request),
        title=payload.title,
        description=payload.description,
        unit=lookup(OrgUnit, "unit", payload.unit),
        category=lookup(Category, "category", payload.category),
        product=lookup(Product, "product", payload.product),
        cause=_cause(payload.cause),
        is_significant=payload.is_significant,
        complaints=complaints,
    )
    return Status(201, _issue_detail(request, issue.pk))


@router.post(
    "/systemic-issues/{issue_id}/complaints",
    auth=WRITE,
    response={200: IssueDetail, **error_responses()},
    operation_id="systemic_issue_attach",
    summary="Link a complaint to an open systemic issue",
)
def systemic_issue_attach(request: HttpRequest, issue_id: int, payload: ReferenceIn) -> Any:
    issue = issue_get_for_user(api_user(request), issue_id)
    services.systemic_issue_attach(
        issue=issue, complaint=complaint_for(request, payload.reference), actor=_actor(request)
    )
    return _issue_detail(request, issue.pk)


@router.post(
    "/systemic-issues/{issue_id}/decision",
    auth=ACTIONS,
    response={200: IssueDetail, **error_responses()},
    operation_id="systemic_issue_decide",
    summary="Decide on a systemic issue",
)
def systemic_issue_decide(request: HttpRequest, issue_id: int, payload: DecisionIn) -> Any:
    """``no_action`` needs a reason and closes the issue; ``capa`` needs a CAPA opened from
    the issue (``POST /capa`` with ``source_issue``, which records this decision by itself)."""
    issue = issue_get_for_user(api_user(request), issue_id)
    services.systemic_issue_decide(
        issue=issue, actor=_actor(request), decision=payload.decision, reason=payload.reason
    )
    return _issue_detail(request, issue.pk)


# --------------------------------------------------------------------------------------------
# CAPA


@router.get(
    "/capa",
    auth=READ,
    response={200: CapaPage, **error_responses(400, 401, 403, 422, 429)},
    operation_id="capa_list",
    summary="List corrective and preventive actions",
)
def capa_list_api(request: HttpRequest, filters: Query[CapaFilters]) -> Any:
    """CAPA the token's person may see, newest first; ``overdue=true``: work not done by the
    due date."""
    _reader_only(api_user(request), or_capa_of_their_own=True)
    now = timezone.now()
    unit = lookup(OrgUnit, "unit", filters.unit)
    queryset = capa_list(
        api_user(request),
        status=filters.status,
        type=filters.type,
        unit=unit.pk if unit else None,
        overdue_at=now if filters.overdue else None,
    )
    if filters.overdue is False:
        queryset = queryset.exclude(pk__in=capas_overdue(Capa.objects.all(), now).values("pk"))
    if filters.cursor:
        queryset = queryset.filter(pk__lt=cursor_pk(filters.cursor))
    rows, cursor = _page(list(queryset.order_by("-pk")[: filters.limit + 1]), filters.limit)
    return {"items": [_capa_summary(c, now) for c in rows], "next_cursor": cursor}


@router.get(
    "/capa/{capa_id}",
    auth=READ,
    response={200: CapaDetail, **error_responses(401, 403, 404, 422, 429)},
    operation_id="capa_get",
    summary="Get a CAPA with its tasks, complaints, effectiveness figures and events",
)
def capa_get(request: HttpRequest, capa_id: int) -> Any:
    return _capa_detail(request, capa_id)


@router.post(
    "/capa",
    auth=WRITE,
    response={201: CapaDetail, **error_responses()},
    operation_id="capa_open",
    summary="Open a CAPA (as a draft)",
)
def capa_open(request: HttpRequest, payload: CapaCreateIn) -> Any:
    """Complaints managers and top management. A CAPA from a systemic issue or a complaint
    names it (``source_issue``, ``source_complaint``); other sources describe themselves in
    ``source_note``."""
    user = api_user(request)
    issue = issue_get_for_user(user, payload.source_issue) if payload.source_issue else None
    complaint: Complaint | None = (
        complaint_for(request, payload.source_complaint) if payload.source_complaint else None
    )
    unit = lookup(OrgUnit, "unit", payload.unit)
    if unit is None:
        message = _("This field is required.")
        raise ValidationFailed(message, fields={"unit": [message]})
    capa = services.capa_open(
        actor=_actor(request),
        title=payload.title,
        type=payload.type,
        source=payload.source,
        owner=_person("owner", payload.owner),
        unit=unit,
        source_issue=issue,
        source_complaint=complaint,
        source_note=payload.source_note,
        cause=_cause(payload.cause),
        category=lookup(Category, "category", payload.category),
        check_window_days=payload.check_window_days,
    )
    return Status(201, _capa_detail(request, capa.pk))


@router.post(
    "/capa/{capa_id}/actions/{action}",
    auth=ACTIONS,
    response={200: CapaDetail, **error_responses()},
    operation_id="capa_act",
    summary="Take a step of the CAPA lifecycle",
)
def capa_act(request: HttpRequest, capa_id: int, action: CapaAction, payload: CapaActionIn) -> Any:
    """``plan`` (plan, due_working_days), ``start``, ``implement``, ``check`` (once the window
    has passed), ``verify`` (effective; reason when overriding the proposal) and ``reopen``
    (reason). A step the lifecycle does not allow now is a 409 naming the state and the step."""
    capa = capa_get_for_user(api_user(request), capa_id)
    actor = _actor(request)
    if action == CapaAction.PLAN:
        if payload.due_working_days is None:
            message = _("Enter a number of working days.")
            raise ValidationFailed(message, fields={"due_working_days": [message]})
        services.capa_plan(
            capa=capa, actor=actor, plan=payload.plan, due_working_days=payload.due_working_days
        )
    elif action == CapaAction.START:
        services.capa_start(capa=capa, actor=actor)
    elif action == CapaAction.IMPLEMENT:
        services.capa_implement(capa=capa, actor=actor)
    elif action == CapaAction.CHECK:
        services.capa_check(capa=capa, actor=actor)
    elif action == CapaAction.VERIFY:
        if payload.effective is None:
            message = _("Say whether the action was effective.")
            raise ValidationFailed(message, fields={"effective": [message]})
        services.capa_verify(
            capa=capa, actor=actor, effective=payload.effective, reason=payload.reason
        )
    else:
        services.capa_reopen(capa=capa, actor=actor, reason=payload.reason)
    return _capa_detail(request, capa.pk)


@router.post(
    "/capa/{capa_id}/tasks",
    auth=WRITE,
    response={201: CapaDetail, **error_responses()},
    operation_id="capa_task_add",
    summary="Add a task to a CAPA",
)
def capa_task_add(request: HttpRequest, capa_id: int, payload: TaskIn) -> Any:
    capa = capa_get_for_user(api_user(request), capa_id)
    services.capa_task_add(
        capa=capa,
        actor=_actor(request),
        title=payload.title,
        owner=_person("owner", payload.owner),
        due_on=payload.due_on,
    )
    return Status(201, _capa_detail(request, capa.pk))


@router.post(
    "/capa/{capa_id}/tasks/{task_id}/done",
    auth=ACTIONS,
    response={200: CapaDetail, **error_responses()},
    operation_id="capa_task_done",
    summary="Mark a task of a CAPA done",
)
def capa_task_done(request: HttpRequest, capa_id: int, task_id: int) -> Any:
    capa = capa_get_for_user(api_user(request), capa_id)
    task = CapaTask.objects.filter(capa=capa, pk=task_id).first()
    if task is None:
        raise NotFound(_("Not found, or you may not see it."))
    services.capa_task_done(task=task, actor=_actor(request))
    return _capa_detail(request, capa.pk)


@router.post(
    "/capa/{capa_id}/complaints",
    auth=WRITE,
    response={200: CapaDetail, **error_responses()},
    operation_id="capa_link_complaint",
    summary="Link a complaint to a CAPA",
)
def capa_link_complaint(request: HttpRequest, capa_id: int, payload: ReferenceIn) -> Any:
    capa = capa_get_for_user(api_user(request), capa_id)
    services.capa_link_complaint(
        capa=capa, actor=_actor(request), complaint=complaint_for(request, payload.reference)
    )
    return _capa_detail(request, capa.pk)
