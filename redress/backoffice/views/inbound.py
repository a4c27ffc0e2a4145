"""Administration of email intake: the mail quarantine (emails Redress could not take in, kept
whole) and the mailboxes it reads. Administrators only; changes go through
``intake.services``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms import DismissForm
from redress.backoffice.views.common import admin_view, page
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.intake import selectors
from redress.intake.models import InboundEmail
from redress.intake.services import inbound_email_dismiss, inbound_email_reprocess


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


@admin_view
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Quarantined emails, newest first; ``?show=dismissed`` lists those set aside."""
    dismissed = request.GET.get("show") == "dismissed"
    result = paginate(selectors.quarantine_list(dismissed=dismissed), _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/quarantine_list.html",
        {"section": "quarantine", "result": result, "emails": result.rows, "dismissed": dismissed},
    )


@admin_view
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One incoming email: what is known of it, its header fields as sent, and what can be done."""
    inbound = get_object_or_404(InboundEmail.objects.select_related("mailbox", "complaint"), pk=pk)
    return _detail(request, inbound, DismissForm())


def _detail(
    request: HttpRequest, inbound: InboundEmail, form: DismissForm, *, status: int = 200
) -> HttpResponse:
    return page(
        request,
        "backoffice/quarantine_detail.html",
        {
            "section": "quarantine",
            "email": inbound,
            "raw_headers": selectors.inbound_email_headers(inbound),
            "in_quarantine": inbound.outcome == InboundEmail.Outcome.QUARANTINED,
            "form": form,
        },
        status=status,
    )


@admin_view
def quarantine_raw(request: HttpRequest, pk: int) -> FileResponse:
    """The original email, byte for byte, as a download (never shown inline)."""
    inbound = get_object_or_404(InboundEmail, pk=pk)
    try:
        handle = default_storage.open(str(inbound.raw.name), "rb")
    except OSError as error:
        raise Http404(gettext("The original email is missing from storage.")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"email-{inbound.pk}.eml",
        content_type="message/rfc822",
    )


@admin_view
@require_POST
def quarantine_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail, pk=pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _detail(request, inbound, form, status=422)
    try:
        inbound_email_dismiss(
            inbound=inbound, actor=_actor(request), note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("backoffice:quarantine_detail", pk=inbound.pk)
    messages.success(request, gettext("The email was dismissed; its original stays kept."))
    return redirect("backoffice:quarantine")


@admin_view
@require_POST
def quarantine_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail, pk=pk)
    try:
        processed = inbound_email_reprocess(inbound=inbound, actor=_actor(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("backoffice:quarantine_detail", pk=inbound.pk)
    if processed.outcome == InboundEmail.Outcome.QUARANTINED:
        messages.error(
            request,
            gettext("The email is still in quarantine: %(reason)s") % {"reason": processed.reason},
        )
    else:
        messages.success(
            request,
            gettext("The email left the quarantine: %(outcome)s.")
            % {"outcome": processed.get_outcome_display()},
        )
    return redirect("backoffice:quarantine_detail", pk=inbound.pk)


@admin_view
def mailbox_list(request: HttpRequest) -> HttpResponse:
    """The mailboxes read for complaints, how their last polls went, and an alert for those
    failing (never their passwords)."""
    result = paginate(selectors.mailboxes_list(), _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/mailbox_list.html",
        {
            "section": "mailboxes",
            "result": result,
            "mailboxes": result.rows,
            "failing": selectors.mailboxes_failing(),
            "alert_after": settings.REDRESS_MAILBOX_ALERT_AFTER,
        },
    )
