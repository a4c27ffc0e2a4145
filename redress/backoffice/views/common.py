"""What every staff page shares: sign-in required, the organisation's time zone, the header."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django_htmx.middleware import HtmxDetails

from redress.analytics.request import analytics_allowed
from redress.complaints.queues import Queue
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.roles import Role
from redress.core.selectors import organisation_get, user_roles
from redress.framework.roles import Permission as FrameworkPermission
from redress.framework.roles import may as framework_may
from redress.framework.selectors_audit import may_read_audits
from redress.improvement.transitions import IMPROVEMENT_ROLES, Permission
from redress.notifications.selectors import notices_of

View = Callable[..., HttpResponseBase]
# Who may take the complaints report (``views.reports``): the people who review the process.
REPORT_ROLES = frozenset({Role.TOP_MANAGEMENT, Role.COMPLAINTS_MANAGER, Role.AUDITOR})


class HtmxHttpRequest(HttpRequest):
    """A request as ``HtmxMiddleware`` leaves it, for the views that answer HTMX requests."""

    htmx: HtmxDetails


def staff_view(view: View) -> View:
    """Sign-in required; times are shown in the organisation's time zone."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        timezone.activate(organisation_get().time_zone)
        try:
            return view(request, *args, **kwargs)
        finally:
            timezone.deactivate()

    return wrapper


def is_administrator(user: Any) -> bool:
    """The administrator role (or a superuser, who has the Django admin anyway): API tokens,
    webhooks, the mail quarantine and the mailboxes."""
    return Role.ADMIN in user_roles(user) or bool(getattr(user, "is_superuser", False))


def admin_view(view: View) -> View:
    """A staff page for administrators only; anyone else gets 403 and nothing changes."""

    @staff_view
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_administrator(request.user):
            raise PermissionDenied(gettext("Only administrators may open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def can_receive(user: Any) -> bool:
    return bool(set(user_roles(user)) & ACTION_ROLES[Action.RECEIVE])


def home_queue(user: Any) -> str:
    roles = user_roles(user)
    if Role.HANDLER in roles:
        return Queue.MINE
    if Role.COMPLAINTS_MANAGER in roles:
        return Queue.UNASSIGNED
    if Role.FRONTLINE in roles:
        return Queue.UNIT
    return Queue.ALL


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a full page with the header's data (one query for the unread notices)."""
    user = request.user
    roles = user_roles(user)  # type: ignore[arg-type]
    context = {
        "queues": Queue,
        "roles": sorted(str(role.label) for role in roles),
        "may_receive": can_receive(user),
        "may_administer": is_administrator(user),
        "may_analyse": analytics_allowed(user),  # type: ignore[arg-type]
        "may_report": bool(REPORT_ROLES & set(roles)),
        "may_improve": bool(IMPROVEMENT_ROLES[Permission.READ] & set(roles)),
        "may_framework": framework_may(user, FrameworkPermission.READ),  # type: ignore[arg-type]
        "may_audit": may_read_audits(user),  # type: ignore[arg-type]
        "unread": notices_of(user).filter(read_at__isnull=True).count(),  # type: ignore[arg-type]
        **context,
    }
    return render(request, template, context, status=status)


def create_once(
    request: HttpRequest,
    form: Any,
    *,
    section: str,
    form_template: str,
    create: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], HttpResponse],
    already: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Create something from a form once per copy of the form: its ``once`` field makes a
    second send of the same form (reload, back) create nothing and go back to the section's
    list with ``already``. Invalid input, or a refusal by the service, re-renders the form
    with each field's problem (422) and leaves it usable; ``done`` answers a creation."""
    context = {"section": section, "form": form, **(context or {})}
    if not form.is_bound:
        return page(request, form_template, context)
    if not form.is_valid():
        return page(request, form_template, context, status=422)
    once_key = f"redress:{section}-form:{form.cleaned_data['once']}"
    if not cache.add(once_key, 1, timeout=24 * 3600):
        messages.warning(request, already)
        return redirect(f"backoffice:{section}")
    try:
        created = create(form.cleaned_data)
    except ApplicationError as error:
        cache.delete(once_key)  # nothing was created: the corrected form may be sent
        form_add_error(form, error)
        return page(request, form_template, context, status=error.http_status)
    return done(created)


def save_form(
    request: HttpRequest,
    form: Any,
    *,
    form_template: str,
    context: dict[str, Any],
    save: Callable[[dict[str, Any]], Any],
    saved: str,
    to: str,
) -> HttpResponse:
    """Change something from a form: GET shows it; POST saves through ``save`` (a service) and
    goes to ``to`` with ``saved``. Invalid input, or a refusal by the service, re-renders the
    form with each field's problem (422, or the refusal's status) and changes nothing."""
    context = {"form": form, **context}
    if not form.is_bound:
        return page(request, form_template, context)
    if not form.is_valid():
        return page(request, form_template, context, status=422)
    try:
        save(form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, form_template, context, status=error.http_status)
    messages.success(request, saved)
    return redirect(to)


def form_perform(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    to: str,
    again: Callable[..., HttpResponse],
    form_name: str,
) -> HttpResponse:
    """Run ``call`` with a bound form's data: success goes to ``to`` with the message ``done``;
    invalid input or a service's refusal shows the page again (``again``, given the form under
    ``form_name`` and the status: 422, or the refusal's own) with the problem on the form, and
    changes nothing."""
    if not form.is_valid():
        return again(status=422, **{form_name: form})
    try:
        call(form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return again(status=error.http_status, **{form_name: form})
    messages.success(request, done)
    return redirect(to)
