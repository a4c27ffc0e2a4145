"""The management framework in the staff site (ISO 10002 clauses 5 and 6): its home page with
the year's calendar, and the policy — the version in force, its differences from the one
before, drafting, four-eyes approval and the staff's acknowledgements. Every change is a
service call; a refusal is shown on the page with its status and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.framework import PolicyApproveForm, PolicyDraftForm, ReasonForm
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.core.actors import Actor
from redress.core.collation import person_key
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.framework.calendar import year_calendar
from redress.framework.models import PolicyVersion
from redress.framework.roles import Permission, may
from redress.framework.selectors_objectives import objectives_board
from redress.framework.selectors_policy import (
    policy_current,
    policy_diff,
    policy_draft_open,
    policy_read_by,
    policy_upcoming,
    policy_versions,
    staff_not_acknowledged,
)
from redress.framework.services import policy as services


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def actor_of(request: HttpRequest) -> Actor:
    return Actor.for_user(user_of(request))


def require(request: HttpRequest, permission: str) -> None:
    """403 before any form is read for a person whose role may not take ``permission``."""
    if not may(user_of(request), permission):
        raise PermissionDenied(
            gettext("Your role does not allow this: %(action)s.")
            % {"action": Permission(permission).label}
        )


@staff_view
def framework_home(request: HttpRequest) -> HttpResponse:
    """The management system at a glance: the policy in force, the objectives and the year's
    calendar of the management-system activities."""
    require(request, Permission.READ)
    user = user_of(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    current = policy_current()
    return page(
        request,
        "backoffice/framework_home.html",
        {
            "section": "framework",
            "policy": current,
            "read": policy_read_by(user, current) if current else None,
            "objectives": objectives_board(),
            "year": year,
            "months": year_calendar(year),
            "today": today,
        },
    )


def _policy_page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = user_of(request)
    current = policy_current()
    draft = policy_draft_open()
    oversees = may(user, Permission.POLICY_DRAFT) or may(user, Permission.POLICY_APPROVE)
    context = {
        "section": "policy",
        "policy": current,
        "text": current.display_text(get_language() or "vi") if current else "",
        "read": policy_read_by(user, current) if current else None,
        "upcoming": policy_upcoming(),
        "draft": draft,
        "versions": list(policy_versions()[:100]),
        "not_read": sorted(staff_not_acknowledged(current)[:500], key=person_key)
        if current and oversees
        else None,
        "may_draft": may(user, Permission.POLICY_DRAFT),
        "may_approve": bool(draft)
        and may(user, Permission.POLICY_APPROVE)
        and draft.drafted_by_id != user.pk,  # type: ignore[union-attr]
        "approve_form": forms.get("approve_form") or PolicyApproveForm(),
        "discard_form": forms.get("discard_form") or ReasonForm(),
    }
    return page(request, "backoffice/framework_policy.html", context, status=status)


@staff_view
def policy_page(request: HttpRequest) -> HttpResponse:
    require(request, Permission.READ)
    return _policy_page(request)


def _version(number: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_related("drafted_by", "approved_by").filter(
        number=number
    )
    found = version.first()
    if found is None:
        raise Http404(number)
    return found


@staff_view
def policy_version(request: HttpRequest, number: int) -> HttpResponse:
    """One version with its differences from the previous approved one."""
    require(request, Permission.READ)
    version = _version(number)
    language = get_language() or "vi"
    return page(
        request,
        "backoffice/framework_policy_version.html",
        {
            "section": "policy",
            "version": version,
            "title": version.display_title(language),
            "diff": policy_diff(version, language),
        },
    )


@staff_view
def policy_draft_form(request: HttpRequest) -> HttpResponse:
    """Write a new draft, or edit the open one (complaints managers)."""
    require(request, Permission.POLICY_DRAFT)
    draft = policy_draft_open()
    source = draft or policy_current()
    initial = (
        {
            "title": source.title,
            "title_en": source.title_en,
            "text": source.text,
            "text_en": source.text_en,
            "change_summary": draft.change_summary if draft else "",
        }
        if source
        else {}
    )
    form = PolicyDraftForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"section": "policy", "form": form, "draft": draft}
    if request.method != "POST":
        return page(request, "backoffice/framework_policy_form.html", context)
    if not form.is_valid():
        return page(request, "backoffice/framework_policy_form.html", context, status=422)
    try:
        if draft is None:
            services.policy_draft(actor=actor_of(request), **form.cleaned_data)
        else:
            services.policy_draft_edit(actor=actor_of(request), version=draft, **form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return page(
            request, "backoffice/framework_policy_form.html", context, status=error.http_status
        )
    messages.success(request, gettext("The draft is saved."))
    return redirect("backoffice:policy")


def _draft(request: HttpRequest) -> PolicyVersion:
    draft = policy_draft_open()
    if draft is None:
        raise Http404("no draft")
    return draft


@require_POST
@staff_view
def policy_approve(request: HttpRequest) -> HttpResponse:
    require(request, Permission.POLICY_APPROVE)
    draft = _draft(request)
    return form_perform(
        request,
        PolicyApproveForm(request.POST),
        lambda data: services.policy_approve(
            actor=actor_of(request), version=draft, effective_from=data["effective_from"]
        ),
        gettext("The policy is approved and published from its effective date."),
        reverse("backoffice:policy"),
        lambda **kw: _policy_page(request, **kw),
        "approve_form",
    )


@require_POST
@staff_view
def policy_discard(request: HttpRequest) -> HttpResponse:
    require(request, Permission.POLICY_DRAFT)
    draft = _draft(request)
    return form_perform(
        request,
        ReasonForm(request.POST),
        lambda data: services.policy_discard(
            actor=actor_of(request), version=draft, reason=data["reason"]
        ),
        gettext("The draft is discarded."),
        reverse("backoffice:policy"),
        lambda **kw: _policy_page(request, **kw),
        "discard_form",
    )


@require_POST
@staff_view
def policy_acknowledge(request: HttpRequest) -> HttpResponse:
    require(request, Permission.READ)
    try:
        services.policy_acknowledge(actor=actor_of(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return _policy_page(request, status=error.http_status)
    messages.success(request, gettext("Thank you: your reading of the policy is recorded."))
    return redirect("backoffice:policy")
