"""The personal-data pages of the staff site (docs/privacy.md). The breach register: the list
with each breach's 72-hour clock, the report form, and the breach's page where the
data-protection officer records the notification to the authority, decides whether to inform the
people affected, records that they were, and closes it. The log of who saw personal data. The
export and the erasure of a person's data. Every change is a service call; a refusal is shown on
the page with its status and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.privacy import (
    AccessLogFilterForm,
    BreachCloseForm,
    BreachReportForm,
    NotifyAuthorityForm,
    PersonEraseForm,
    PersonExportForm,
    SubjectsDecisionForm,
    SubjectsInformedForm,
)
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.privacy import breaches as services
from redress.privacy.access_log import access_log_page, personal_data_accessed
from redress.privacy.erasure import person_erase
from redress.privacy.export import person_export_take
from redress.privacy.export_render import person_export_zip
from redress.privacy.models import BreachIncident, PersonalDataAccess
from redress.privacy.roles import Permission, may
from redress.privacy.selectors import breach_get_for, breaches_for

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


def _require(request: HttpRequest, permission: str) -> None:
    if not may(_user(request), permission):
        raise PermissionDenied(
            gettext("Your role does not let you do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )


def _breach(request: HttpRequest, pk: int) -> BreachIncident:
    _require(request, Permission.BREACH_READ)
    try:
        return breach_get_for(_user(request), pk)
    except NotFound:
        raise Http404(pk) from None


@staff_view
def breach_list(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.BREACH_READ)
    open_only = request.GET.get("open") == "1"
    rows = breaches_for(_user(request), open_only=open_only)
    paged = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return page(
        request,
        "backoffice/privacy_breaches.html",
        {
            "section": "breaches",
            "page_obj": paged,
            "open_only": open_only,
            "now": timezone.now(),
            "may_report": may(_user(request), Permission.BREACH_REPORT),
        },
    )


@staff_view
def breach_new(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.BREACH_REPORT)
    form = BreachReportForm(request.POST if request.method == "POST" else None)
    context = {"section": "breaches", "form": form}
    template = "backoffice/privacy_breach_form.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    try:
        incident = services.breach_report(actor=_actor(request), **form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(
        request,
        gettext("The breach is in the register as %(reference)s.")
        % {"reference": incident.reference},
    )
    return redirect("backoffice:breach", incident.pk)


def _breach_page(
    request: HttpRequest, incident: BreachIncident, *, status: int = 200, **forms: Any
) -> HttpResponse:
    manager = may(_user(request), Permission.BREACH_MANAGE) and incident.is_open
    context: dict[str, Any] = {
        "section": "breaches",
        "breach": incident,
        "now": timezone.now(),
        "may_manage": manager,
        "notify_form": forms.get("notify_form") or NotifyAuthorityForm(),
        "decision_form": forms.get("decision_form")
        or SubjectsDecisionForm(
            initial={"decision": incident.subjects_decision, "reason": incident.subjects_reason}
        ),
        "informed_form": forms.get("informed_form") or SubjectsInformedForm(),
        "close_form": forms.get("close_form") or BreachCloseForm(),
    }
    return page(request, "backoffice/privacy_breach.html", context, status=status)


@staff_view
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _breach_page(request, _breach(request, pk))


def _step(
    request: HttpRequest, pk: int, form_class: type, form_name: str, call: Any, done: str
) -> HttpResponse:
    _require(request, Permission.BREACH_MANAGE)
    incident = _breach(request, pk)
    return form_perform(
        request,
        form_class(request.POST),
        lambda data: call(actor=_actor(request), incident=incident, **data),
        done,
        reverse("backoffice:breach", args=[incident.pk]),
        lambda **kw: _breach_page(request, incident, **kw),
        form_name,
    )


@require_POST
@staff_view
def breach_notify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        NotifyAuthorityForm,
        "notify_form",
        services.breach_notify_authority,
        gettext("The notification to the authority is recorded."),
    )


@require_POST
@staff_view
def breach_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        SubjectsDecisionForm,
        "decision_form",
        services.breach_decide_subjects,
        gettext("The decision is recorded."),
    )


@require_POST
@staff_view
def breach_informed(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        SubjectsInformedForm,
        "informed_form",
        services.breach_subjects_informed,
        gettext("It is recorded that the people affected were informed."),
    )


@require_POST
@staff_view
def breach_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        BreachCloseForm,
        "close_form",
        services.breach_close,
        gettext("The breach is closed."),
    )


@staff_view
def access_log(request: HttpRequest) -> HttpResponse:
    """Who was shown which complainant's personal data, newest first (the DPO, auditors)."""
    _require(request, Permission.ACCESS_LOG_READ)
    form = AccessLogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = access_log_page(
        _user(request),
        username=(data.get("username") or "").strip(),
        reference=(data.get("reference") or "").strip().upper(),
        older_than=data.get("older_than"),
    )
    older = None
    if found.older_than is not None:
        query = request.GET.copy()
        query["older_than"] = str(found.older_than)
        older = query.urlencode()
    return page(
        request,
        "backoffice/privacy_access_log.html",
        {"section": "access_log", "form": form, "rows": found.rows, "older": older},
        status=200 if form.is_valid() or not request.GET else 422,
    )


@staff_view
def person_export(request: HttpRequest) -> HttpResponse:
    """The data-protection officer downloads everything Redress holds about a person (found by
    email or phone) as one ZIP; each complaint in it is logged as seen by them."""
    _require(request, Permission.PERSONAL_DATA_EXPORT)
    form = PersonExportForm(request.POST if request.method == "POST" else None)
    context = {"section": "person_export", "form": form}
    template = "backoffice/privacy_export.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    try:
        taken = person_export_take(
            actor=_actor(request),
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    user, via = _user(request), PersonalDataAccess.Via.EXPORT
    for complaint in taken.complaints:
        personal_data_accessed(user=user, via=via, complaint=complaint, detail="person export")
    if not taken.complaints:
        personal_data_accessed(user=user, via=via, detail="person export: no complaint")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(person_export_zip(taken.data), content_type="application/zip")
    # No name or address in the file name: it shows in download lists and browser history.
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
    return response


@staff_view
def person_erase_page(request: HttpRequest) -> HttpResponse:
    """The DPO erases a person's data by anonymisation (docs/privacy.md, "Erasing a person's
    data"); the same service as ``redress privacy erase``. A refusal (a complaint still open,
    a legal hold, no such person) is shown on the form and changes nothing."""
    _require(request, Permission.ERASE)
    form = PersonEraseForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"section": "erase", "form": form}
    template = "backoffice/privacy_erase.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    data = form.cleaned_data
    try:
        report = person_erase(
            email=data["email"], phone=data["phone"], reason=data["reason"], actor=_actor(request)
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(
        request,
        gettext(
            "Erased: %(complaints)s complaints of %(people)s complainant records anonymised, "
            "%(files)s files deleted, %(audit)s audit entries redacted."
        )
        % {
            "complaints": len(report.complaint_ids),
            "people": report.complainants,
            "files": report.files_deleted,
            "audit": report.audit_redacted,
        },
    )
    return redirect("backoffice:person_erase")
