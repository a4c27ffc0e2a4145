"""Continual improvement in the staff site (ISO 10002 8.2, 8.7): systemic issues and CAPA,
their lists (filtered, bounded pages) and detail pages with the steps the person may take,
and "link to CAPA" from the complaint workspace. Every change is a service call; a refusal
is shown on the page with its status (403, 409, 422) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.improvement import (
    CapaFilterForm,
    CapaOpenForm,
    DecisionForm,
    IssueFilterForm,
    IssueOpenForm,
    LinkCapaForm,
    OwnerForm,
    PlanForm,
    ReasonForm,
    ReferenceForm,
    TaskForm,
    VerifyForm,
)
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.complaints.selectors import complaint_get_for_user, complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.improvement import services
from redress.improvement.models import Capa, CapaTask, SystemicIssue
from redress.improvement.models.capa import WORK_STATUSES
from redress.improvement.selectors import (
    capa_get_for_user,
    capa_list,
    capas_visible_to,
    issue_complaints_for_user,
    issue_get_for_user,
    issue_list,
    may,
    proposals_pending,
)
from redress.improvement.transitions import (
    CAPA_ACTION_PERMISSION,
    CAPA_TRANSITIONS,
    CapaAction,
    Permission,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader_only(request: HttpRequest, *, or_capa_of_their_own: bool = False) -> None:
    """Lists are for the roles that read improvement records (and, for CAPA, for anyone who
    owns one or holds one of its tasks); others get 403."""
    user = _user(request)
    if may(user, Permission.READ, unit_id=None):
        return
    if or_capa_of_their_own and capas_visible_to(user).exists():
        return
    raise PermissionDenied(gettext("Your role does not let you read improvement records."))


def _require(
    request: HttpRequest, permission: str, *, unit_id: int | None, owner_id: int | None = None
) -> None:
    """403 before any form is read for a person whose role may not take ``permission`` (the
    role matrix ``IMPROVEMENT_ROLES``; ``unit_id`` None: for some unit)."""
    if not may(_user(request), permission, unit_id=unit_id, owner_id=owner_id):
        raise PermissionDenied(
            gettext("Your role does not allow this: %(action)s.")
            % {"action": Permission(permission).label}
        )


def _issue(request: HttpRequest, pk: int) -> SystemicIssue:
    try:
        return issue_get_for_user(_user(request), pk)
    except NotFound:
        raise Http404(pk) from None


def _capa(request: HttpRequest, pk: int) -> Capa:
    try:
        return capa_get_for_user(_user(request), pk)
    except NotFound:
        raise Http404(pk) from None


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


# --------------------------------------------------------------------------------------------
# Systemic issues


@staff_view
def issue_list_page(request: HttpRequest) -> HttpResponse:
    """Systemic issues the person may see, newest first, filtered by status and source."""
    _reader_only(request)
    form = IssueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = issue_list(
        _user(request), status=filters.get("status", ""), source=filters.get("source", "")
    )
    result = paginate(queryset, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/improvement_issue_list.html",
        {
            "section": "issues",
            "form": form,
            "result": result,
            "issues": result.rows,
            "may_open": may(_user(request), Permission.ISSUE_OPEN, unit_id=None),
            "proposals": proposals_pending(_user(request)),
        },
    )


def _issue_page(
    request: HttpRequest, issue: SystemicIssue, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    context = {
        "section": "issues",
        "issue": issue,
        "complaints": list(issue_complaints_for_user(user, issue)[:200]),
        "capas": list(issue.capas.select_related("owner").order_by("pk")),
        "whys": list(issue.why_steps.all()),
        "fishbone": list(issue.fishbone.select_related("family")),
        "events": list(issue.events.select_related("actor_user").order_by("at", "pk")[:200]),
        "may_decide": issue.status == "open"
        and may(user, Permission.ISSUE_DECIDE, unit_id=issue.unit_id),
        "may_attach": issue.is_open and may(user, Permission.ISSUE_WORK, unit_id=issue.unit_id),
        "may_open_capa": may(user, Permission.CAPA_OPEN, unit_id=issue.unit_id),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "attach_form": forms.get("attach_form") or ReferenceForm(),
        "owner_form": forms.get("owner_form") or OwnerForm(initial={"owner": issue.owner_id}),
    }
    return page(request, "backoffice/improvement_issue.html", context, status=status)


@staff_view
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue_page(request, _issue(request, pk))


@require_POST
@staff_view
def issue_decide(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    _require(request, Permission.ISSUE_DECIDE, unit_id=issue.unit_id)
    return form_perform(
        request,
        DecisionForm(request.POST),
        lambda data: services.systemic_issue_decide(
            issue=issue, actor=_actor(request), decision=data["decision"], reason=data["reason"]
        ),
        gettext("The decision is recorded."),
        issue_url(issue),
        lambda **kw: _issue_page(request, issue, **kw),
        "decision_form",
    )


@require_POST
@staff_view
def issue_assign(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    _require(request, Permission.ISSUE_DECIDE, unit_id=issue.unit_id)
    return form_perform(
        request,
        OwnerForm(request.POST),
        lambda data: services.systemic_issue_assign(
            issue=issue, actor=_actor(request), owner=data["owner"]
        ),
        gettext("The owner is recorded."),
        issue_url(issue),
        lambda **kw: _issue_page(request, issue, **kw),
        "owner_form",
    )


@require_POST
@staff_view
def issue_attach(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    _require(request, Permission.ISSUE_WORK, unit_id=issue.unit_id)

    def attach(data: dict[str, Any]) -> None:
        try:
            complaint = complaint_get_for_user(_user(request), data["reference"].strip().upper())
        except NotFound as error:
            error.fields = {"reference": [error.message]}
            raise
        services.systemic_issue_attach(issue=issue, complaint=complaint, actor=_actor(request))

    return form_perform(
        request,
        ReferenceForm(request.POST),
        attach,
        gettext("The complaint is linked."),
        issue_url(issue),
        lambda **kw: _issue_page(request, issue, **kw),
        "attach_form",
    )


@staff_view
def issue_open(request: HttpRequest) -> HttpResponse:
    """Open a systemic issue by hand (complaints managers, top management)."""
    _require(request, Permission.ISSUE_OPEN, unit_id=None)
    form = IssueOpenForm(request.POST if request.method == "POST" else None)
    context = {"section": "issues", "form": form}
    if request.method != "POST":
        return page(request, "backoffice/improvement_issue_form.html", context)
    if not form.is_valid():
        return page(request, "backoffice/improvement_issue_form.html", context, status=422)
    try:
        issue = services.systemic_issue_open(
            actor=_actor(request),
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            unit=form.cleaned_data["unit"],
            category=form.cleaned_data["category"],
            cause=form.cleaned_data["cause"],
            is_significant=form.cleaned_data["is_significant"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(
            request, "backoffice/improvement_issue_form.html", context, status=error.http_status
        )
    messages.success(request, gettext("The systemic issue is open."))
    return redirect(issue_url(issue))


def issue_url(issue: SystemicIssue) -> str:
    return reverse("backoffice:issue", args=[issue.pk])


# --------------------------------------------------------------------------------------------
# CAPA


@staff_view
def capa_list_page(request: HttpRequest) -> HttpResponse:
    """CAPA the person may see, newest first, filtered by status, type and overdue."""
    _reader_only(request, or_capa_of_their_own=True)
    now = timezone.now()
    form = CapaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = capa_list(
        _user(request),
        status=filters.get("status", ""),
        type=filters.get("type", ""),
        overdue_at=now if filters.get("overdue") else None,
    )
    result = paginate(queryset, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/improvement_capa_list.html",
        {
            "section": "capa",
            "form": form,
            "result": result,
            "capas": result.rows,
            "now": now,
            "work_statuses": WORK_STATUSES,
        },
    )


def _capa_page(
    request: HttpRequest, capa: Capa, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    allowed = CAPA_TRANSITIONS.get(capa.status, {})
    steps = {
        action: may(
            user,
            CAPA_ACTION_PERMISSION[action],
            unit_id=capa.unit_id,
            owner_id=capa.owner_id,
        )
        for action in allowed
    }
    if CapaAction.VERIFY in steps and user.pk == capa.owner_id:
        steps[CapaAction.VERIFY] = False
    context = {
        "section": "capa",
        "capa": capa,
        "now": timezone.now(),
        "overdue": capa.status in WORK_STATUSES
        and capa.due_at is not None
        and capa.due_at < timezone.now(),
        "tasks": list(capa.tasks.select_related("owner")),
        "complaints": list(
            complaints_visible_to(user).filter(capas=capa).order_by("-received_at")[:200]
        ),
        "events": list(capa.events.select_related("actor_user").order_by("at", "pk")[:200]),
        "steps": {action for action, ok in steps.items() if ok},
        "may_task": capa.status != "closed"
        and may(user, Permission.CAPA_PLAN, unit_id=capa.unit_id, owner_id=capa.owner_id),
        "plan_form": forms.get("plan_form") or PlanForm(initial={"plan": capa.plan}),
        "verify_form": forms.get("verify_form")
        or VerifyForm(
            initial={"effective": "yes" if capa.proposed_effective is not False else "no"}
        ),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "task_form": forms.get("task_form") or TaskForm(),
        "figures": capa.check_figures or {},
        "error": forms.get("error", ""),
    }
    return page(request, "backoffice/improvement_capa.html", context, status=status)


@staff_view
def capa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _capa_page(request, _capa(request, pk))


def capa_url(capa: Capa) -> str:
    return reverse("backoffice:capa", args=[capa.pk])


@require_POST
@staff_view
def capa_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One lifecycle step; its form (plan, verify, reopen) or none (start, implement, check)."""
    capa = _capa(request, pk)
    if action in CAPA_ACTION_PERMISSION:
        _require(
            request, CAPA_ACTION_PERMISSION[action], unit_id=capa.unit_id, owner_id=capa.owner_id
        )
    actor = _actor(request)
    again = lambda **kw: _capa_page(request, capa, **kw)  # noqa: E731
    done = gettext("Done.")
    if action == CapaAction.PLAN:
        return form_perform(
            request,
            PlanForm(request.POST),
            lambda d: services.capa_plan(
                capa=capa, actor=actor, plan=d["plan"], due_working_days=d["due_working_days"]
            ),
            gettext("The plan is saved and the due date set."),
            capa_url(capa),
            again,
            "plan_form",
        )
    if action == CapaAction.VERIFY:
        return form_perform(
            request,
            VerifyForm(request.POST),
            lambda d: services.capa_verify(
                capa=capa, actor=actor, effective=d["effective"], reason=d["reason"]
            ),
            gettext("The verification is recorded."),
            capa_url(capa),
            again,
            "verify_form",
        )
    if action == CapaAction.REOPEN:
        return form_perform(
            request,
            ReasonForm(request.POST),
            lambda d: services.capa_reopen(capa=capa, actor=actor, reason=d["reason"]),
            gettext("The CAPA is reopened."),
            capa_url(capa),
            again,
            "reopen_form",
        )
    simple: dict[str, Callable[..., Any]] = {
        CapaAction.START: services.capa_start,
        CapaAction.IMPLEMENT: services.capa_implement,
        CapaAction.CHECK: services.capa_check,
    }
    if action not in simple:
        raise Http404(action)
    try:
        simple[action](capa=capa, actor=actor)
    except ApplicationError as error:
        return _capa_page(request, capa, status=error.http_status, error=error.message)
    messages.success(request, done)
    return redirect(capa_url(capa))


@require_POST
@staff_view
def capa_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    capa = _capa(request, pk)
    _require(request, Permission.CAPA_PLAN, unit_id=capa.unit_id, owner_id=capa.owner_id)
    return form_perform(
        request,
        TaskForm(request.POST),
        lambda d: services.capa_task_add(
            capa=capa, actor=_actor(request), title=d["title"], owner=d["owner"], due_on=d["due_on"]
        ),
        gettext("The task is added."),
        capa_url(capa),
        lambda **kw: _capa_page(request, capa, **kw),
        "task_form",
    )


@require_POST
@staff_view
def capa_task_done(request: HttpRequest, pk: int, task: int) -> HttpResponse:
    capa = _capa(request, pk)
    found = CapaTask.objects.filter(capa=capa, pk=task).first()
    if found is None:
        raise Http404(task)
    try:
        services.capa_task_done(task=found, actor=_actor(request))
    except ApplicationError as error:
        return _capa_page(request, capa, status=error.http_status, error=error.message)
    messages.success(request, gettext("The task is done."))
    return redirect(capa_url(capa))


@staff_view
def capa_open(request: HttpRequest) -> HttpResponse:
    """Open a CAPA, from a systemic issue (``?issue=``) or a complaint (``?complaint=``), or
    from another source described in words (complaints managers, top management)."""
    _require(request, Permission.CAPA_OPEN, unit_id=None)
    user = _user(request)
    issue = (
        _issue(request, int(request.GET["issue"]))
        if request.GET.get("issue", "").isdigit()
        else None
    )
    complaint = None
    if request.GET.get("complaint"):
        try:
            complaint = complaint_get_for_user(user, request.GET["complaint"])
        except NotFound:
            raise Http404("complaint") from None
    source = "systemic_issue" if issue else "complaint" if complaint else "suggestion"
    initial = {
        "source": source,
        "title": issue.title if issue else complaint.subject if complaint else "",
        "unit": (issue.unit if issue else None) or (complaint.unit if complaint else None),
        "owner": user,
    }
    form = CapaOpenForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"section": "capa", "form": form, "issue": issue, "complaint": complaint}
    template = "backoffice/improvement_capa_form.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    data = form.cleaned_data
    try:
        capa = services.capa_open(
            actor=_actor(request),
            title=data["title"],
            type=data["type"],
            source=data["source"],
            owner=data["owner"],
            unit=data["unit"],
            source_issue=issue,
            source_complaint=complaint,
            source_note=data["source_note"],
            cause=data["cause"],
            category=data["category"],
            check_window_days=data["check_window_days"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(request, gettext("The CAPA is open as a draft; plan it next."))
    return redirect(capa_url(capa))


@require_POST
@staff_view
def complaint_link_capa(request: HttpRequest, reference: str) -> HttpResponse:
    """ "Link to CAPA" from the complaint workspace (a person who may carry out a CAPA: a
    complaints manager, or a CAPA's owner)."""
    try:
        complaint = complaint_get_for_user(_user(request), reference)
    except NotFound:
        raise Http404(reference) from None
    if not Capa.objects.filter(owner=_user(request)).exists():
        _require(request, Permission.CAPA_WORK, unit_id=None)
    back = reverse("backoffice:complaint", args=[complaint.reference]) + "#improvement"
    form = LinkCapaForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a CAPA."))
        return redirect(back)
    capa = _capa(request, form.cleaned_data["capa"])
    try:
        services.capa_link_complaint(capa=capa, actor=_actor(request), complaint=complaint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request, gettext("The complaint is linked to %(capa)s.") % {"capa": capa.reference}
    )
    return redirect(back)
