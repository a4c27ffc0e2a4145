"""What every staff page shares: sign-in required, the organisation's time zone, the header."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from redress.complaints.permissions import ACTION_ROLES
from redress.complaints.queues import Queue
from redress.complaints.transitions import Action
from redress.core.roles import Role
from redress.core.selectors import organisation_get, user_roles

View = Callable[..., HttpResponse]


def staff_view(view: View) -> View:
    """Sign-in required; times are shown in the organisation's time zone."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        timezone.activate(organisation_get().time_zone)
        try:
            return view(request, *args, **kwargs)
        finally:
            timezone.deactivate()

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


def page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render a full page with the header's data (one query for the unread notices)."""
    from redress.notifications.models import Notification

    user = request.user
    roles = user_roles(user)  # type: ignore[arg-type]
    context = {
        "queues": Queue,
        "roles": sorted(str(role.label) for role in roles),
        "may_receive": can_receive(user),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),  # type: ignore[misc]
        **context,
    }
    return render(request, template, context, status=status)
