"""The outbox for administrators: every email Redress sent or tries to send, its delivery state
and what it said. In the demo (``make run``) emails are kept here instead of being sent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from redress.backoffice.views.common import admin_view, page
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.models import User
from redress.notifications.demo import demo_mail_on
from redress.notifications.models import OutboundEmail
from redress.notifications.selectors import outbox_list
from redress.privacy.access_log import personal_data_accessed
from redress.privacy.models import PersonalDataAccess


@admin_view
def outbox_list_page(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in OutboundEmail.State.values:
        state = ""
    result = paginate(outbox_list(state=state), _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/outbox_list.html",
        {
            "section": "outbox",
            "result": result,
            "emails": result.rows,
            "state": state,
            "states": OutboundEmail.State.choices,
            "demo_mail": demo_mail_on(),
        },
    )


@admin_view
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail.objects.select_related("complaint"), pk=pk)
    if email.complaint is not None:
        # The message is to a complainant, with their address and the complaint in it.
        user: User = request.user  # type: ignore[assignment]
        personal_data_accessed(
            user=user,
            via=PersonalDataAccess.Via.PAGE,
            complaint=email.complaint,
            detail=f"outgoing email #{email.pk}",
        )
    return page(
        request,
        "backoffice/outbox_detail.html",
        {"section": "outbox", "email": email, "demo_mail": demo_mail_on()},
    )
