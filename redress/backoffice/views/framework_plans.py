"""Responsibilities and objectives in the staff site (ISO 10002 5.3, 5.4, 6.2): the matrix of
who is responsible, accountable, consulted and informed at each step (also printable), and the
objectives with their results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.framework import (
    ObjectiveForm,
    ReasonForm,
    ResponsibilityForm,
    ResultForm,
)
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.backoffice.views.framework import actor_of, require, user_of
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.framework.models import Objective, Raci, Responsibility
from redress.framework.roles import Permission, may
from redress.framework.selectors_objectives import objective_history, objectives_active
from redress.framework.selectors_responsibility import (
    responsibility_history,
    responsibility_matrix,
    steps_without_accountable,
)
from redress.framework.services import objectives as objective_services
from redress.framework.services import responsibility as responsibility_services

# --------------------------------------------------------------------------------------------
# Responsibilities


def _matrix_page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    matrix = responsibility_matrix()
    return page(
        request,
        "backoffice/framework_responsibilities.html",
        {
            "section": "responsibilities",
            "matrix": matrix,
            "parts": Raci,
            "gaps": steps_without_accountable(matrix),
            "history": responsibility_history(),
            "may_edit": may(user_of(request), Permission.RESPONSIBILITY_EDIT),
            "empty": not Responsibility.objects.exists(),
            "form": forms.get("form")
            or ResponsibilityForm(initial={"valid_from": timezone.localdate()}),
        },
        status=status,
    )


@staff_view
def responsibilities(request: HttpRequest) -> HttpResponse:
    require(request, Permission.READ)
    return _matrix_page(request)


@staff_view
def responsibilities_print(request: HttpRequest) -> HttpResponse:
    """The matrix on a page of its own, laid out for paper."""
    require(request, Permission.READ)
    return page(
        request,
        "backoffice/framework_responsibilities_print.html",
        {
            "section": "responsibilities",
            "matrix": responsibility_matrix(),
            "parts": Raci,
            "today": timezone.localdate(),
        },
    )


@require_POST
@staff_view
def responsibility_add(request: HttpRequest) -> HttpResponse:
    require(request, Permission.RESPONSIBILITY_EDIT)
    return form_perform(
        request,
        ResponsibilityForm(request.POST),
        lambda data: responsibility_services.responsibility_add(actor=actor_of(request), **data),
        gettext("The responsibility is recorded."),
        reverse("backoffice:responsibilities"),
        lambda **kw: _matrix_page(request, **kw),
        "form",
    )


@require_POST
@staff_view
def responsibility_end(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, Permission.RESPONSIBILITY_EDIT)
    row = Responsibility.objects.filter(pk=pk).first()
    if row is None:
        raise Http404(pk)
    try:
        responsibility_services.responsibility_end(actor=actor_of(request), responsibility=row)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _matrix_page(request, status=error.http_status)
    messages.success(request, gettext("The responsibility has ended."))
    return redirect("backoffice:responsibilities")


@require_POST
@staff_view
def responsibilities_standard(request: HttpRequest) -> HttpResponse:
    require(request, Permission.RESPONSIBILITY_EDIT)
    try:
        responsibility_services.responsibility_standard(actor=actor_of(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return _matrix_page(request, status=error.http_status)
    messages.success(request, gettext("The standard matrix is in place: adapt it as needed."))
    return redirect("backoffice:responsibilities")


# --------------------------------------------------------------------------------------------
# Objectives


@staff_view
def objectives(request: HttpRequest) -> HttpResponse:
    require(request, Permission.READ)
    return page(
        request,
        "backoffice/framework_objectives.html",
        {
            "section": "objectives",
            "objectives": list(objectives_active().order_by("period_end", "pk")[:200]),
            "may_edit": may(user_of(request), Permission.OBJECTIVE_EDIT),
            "today": timezone.localdate(),
        },
    )


@staff_view
def objective_new(request: HttpRequest) -> HttpResponse:
    require(request, Permission.OBJECTIVE_EDIT)
    form = ObjectiveForm(request.POST if request.method == "POST" else None)
    context = {"section": "objectives", "form": form}
    if request.method != "POST":
        return page(request, "backoffice/framework_objective_form.html", context)
    if not form.is_valid():
        return page(request, "backoffice/framework_objective_form.html", context, status=422)
    try:
        objective = objective_services.objective_create(
            actor=actor_of(request), **form.cleaned_data
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(
            request, "backoffice/framework_objective_form.html", context, status=error.http_status
        )
    messages.success(request, gettext("The objective is set."))
    return redirect("backoffice:objective", objective.pk)


def _objective(pk: int) -> Objective:
    objective = Objective.objects.select_related("owner", "unit").filter(pk=pk).first()
    if objective is None:
        raise Http404(pk)
    return objective


def _objective_page(
    request: HttpRequest, objective: Objective, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = user_of(request)
    editor = may(user, Permission.OBJECTIVE_EDIT)
    active = objective.retired_at is None
    return page(
        request,
        "backoffice/framework_objective.html",
        {
            "section": "objectives",
            "objective": objective,
            "results": list(objective_history(objective)[:200]),
            "may_measure": active and editor and bool(objective.kpi),
            "may_record": active
            and not objective.kpi
            and (editor or objective.owner_id == user.pk),
            "may_retire": active and editor,
            "result_form": forms.get("result_form") or ResultForm(),
            "retire_form": forms.get("retire_form") or ReasonForm(),
        },
        status=status,
    )


@staff_view
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, Permission.READ)
    return _objective_page(request, _objective(pk))


@require_POST
@staff_view
def objective_measure(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, Permission.OBJECTIVE_EDIT)
    objective = _objective(pk)
    try:
        objective_services.objective_measure(actor=actor_of(request), objective=objective)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _objective_page(request, objective, status=error.http_status)
    messages.success(request, gettext("The objective is measured."))
    return redirect("backoffice:objective", objective.pk)


@require_POST
@staff_view
def objective_result(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(pk)
    if objective.owner_id != user_of(request).pk:
        require(request, Permission.OBJECTIVE_EDIT)
    return form_perform(
        request,
        ResultForm(request.POST),
        lambda data: objective_services.objective_record_result(
            actor=actor_of(request), objective=objective, value=data["value"], note=data["note"]
        ),
        gettext("The result is recorded."),
        reverse("backoffice:objective", args=[objective.pk]),
        lambda **kw: _objective_page(request, objective, **kw),
        "result_form",
    )


@require_POST
@staff_view
def objective_retire(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, Permission.OBJECTIVE_EDIT)
    objective = _objective(pk)
    return form_perform(
        request,
        ReasonForm(request.POST),
        lambda data: objective_services.objective_retire(
            actor=actor_of(request), objective=objective, reason=data["reason"]
        ),
        gettext("The objective is retired."),
        reverse("backoffice:objectives"),
        lambda **kw: _objective_page(request, objective, **kw),
        "retire_form",
    )
