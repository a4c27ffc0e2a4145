"""Search and the person's notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from redress.backoffice.queue_rows import rows_for
from redress.backoffice.views.common import page, staff_view
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.complaints.search import complaint_search, looks_like_reference
from redress.core.models import User
from redress.notifications.digest import notice_digest_on, notice_digest_set
from redress.notifications.selectors import notices_of
from redress.notifications.services import notification_mark_read


@staff_view
def search(request: HttpRequest) -> HttpResponse:
    """One box: reference, name, phone, email or words, without diacritics or case mattering."""
    user: User = request.user  # type: ignore[assignment]
    query = request.GET.get("q", "").strip()
    now = timezone.now()
    result = (
        paginate(
            complaint_search(user, query).select_related(
                "complainant", "unit", "owner", "category"
            ),
            _page_number(request),
        )
        if query
        else None
    )
    if result is not None and looks_like_reference(query) and len(result.rows) == 1:
        return redirect("backoffice:complaint", reference=result.rows[0].reference)
    return page(
        request,
        "backoffice/search.html",
        {
            "q": query,
            "result": result,
            "rows": rows_for(user, result.rows, now=now) if result else [],
            "now": now,
        },
    )


@staff_view
def notifications(request: HttpRequest) -> HttpResponse:
    """The latest notices for the person (significant complaints, assignments, approvals,
    deadlines naming their stage), newest first, and their choice of a daily email digest."""
    user: User = request.user  # type: ignore[assignment]
    notices = list(
        notices_of(user).select_related("complaint").order_by("-updated_at", "-pk")[:100]
    )
    return page(
        request,
        "backoffice/notifications.html",
        {"notices": notices, "digest_on": notice_digest_on(user)},
    )


@require_POST
@staff_view
def notifications_digest(request: HttpRequest) -> HttpResponse:
    """Turn the person's own daily email digest on (``daily`` ticked) or off."""
    daily = request.POST.get("daily") == "on"
    notice_digest_set(user=request.user, daily=daily)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You will receive your unread notices by email every morning.")
        if daily
        else _("You will not receive the daily email of notices."),
    )
    return redirect("backoffice:notifications")


@require_POST
@staff_view
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark the person's notices read: the ones ticked (``id``), or all with ``all``."""
    ids = (
        None
        if request.POST.get("all")
        else [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    )
    count = notification_mark_read(user=request.user, ids=ids)  # type: ignore[arg-type]
    messages.success(
        request,
        ngettext("%(count)s notice marked read.", "%(count)s notices marked read.", count)
        % {"count": count},
    )
    return redirect("backoffice:notifications")
