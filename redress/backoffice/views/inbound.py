"""Administration of email intake: the mail quarantine (emails Redress could not take in, kept
whole) and the mailboxes it reads. Administrators only; changes go through
``intake.services`` and ``intake.mailboxes``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.inbound import DismissForm, MailboxForm
from redress.backoffice.views.common import admin_view, create_once, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.intake import mailboxes, selectors
from redress.intake.imap import LoginCheck, mailbox_login_check, mailbox_poll
from redress.intake.models import InboundEmail, Mailbox
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


def _mailbox_settings(data: dict[str, Any]) -> dict[str, Any]:
    return {field: data[field] for field in mailboxes.SETTINGS_FIELDS}


@admin_view
def mailbox_create(request: HttpRequest) -> HttpResponse:
    """A new mailbox, once per copy of the form; back to the list, where it is read from."""

    def done(created: Mailbox) -> HttpResponse:
        messages.success(request, gettext("Mailbox “%(name)s” added.") % {"name": created.name})
        return redirect("backoffice:mailboxes")

    return create_once(
        request,
        MailboxForm(request.POST if request.method == "POST" else None),
        section="mailboxes",
        form_template="backoffice/mailbox_form.html",
        create=lambda data: mailboxes.mailbox_create(
            actor=_actor(request), **_mailbox_settings(data)
        ),
        done=done,
        already=gettext("This form was already sent: the mailbox was added then."),
    )


@admin_view
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a mailbox's settings; an empty password keeps the stored one."""
    mailbox = get_object_or_404(Mailbox.objects.select_related("unit"), pk=pk)
    form = MailboxForm(request.POST if request.method == "POST" else None, mailbox=mailbox)
    return save_form(
        request,
        form,
        form_template="backoffice/mailbox_form.html",
        context={"section": "mailboxes", "mailbox": mailbox},
        save=lambda data: mailboxes.mailbox_update(
            mailbox=mailbox, actor=_actor(request), **_mailbox_settings(data)
        ),
        saved=gettext("Mailbox “%(name)s” saved.") % {"name": form.data.get("name", "").strip()},
        to="backoffice:mailboxes",
    )


@admin_view
@require_POST
def mailbox_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign in to the mailbox's server with its saved settings and say how it went; the
    mailbox's failure count and alert stay as they are."""
    mailbox = get_object_or_404(Mailbox, pk=pk)
    check = mailbox_login_check(mailbox)
    if check.ok:
        messages.success(
            request,
            ngettext(
                "Connected: signed in to %(host)s and opened the folder %(folder)s "
                "(%(count)d message).",
                "Connected: signed in to %(host)s and opened the folder %(folder)s "
                "(%(count)d messages).",
                check.messages,
            )
            % {"host": mailbox.host, "folder": mailbox.folder, "count": check.messages},
        )
    else:
        messages.error(request, _connection_problem(mailbox, check))
    return redirect("backoffice:mailbox_edit", pk=mailbox.pk)


@admin_view
@require_POST
def mailbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the mailbox now instead of at the worker's next poll (after fixing its settings,
    say). What it takes is counted like any poll: the same Message-ID is never taken twice."""
    mailbox = get_object_or_404(Mailbox, pk=pk)
    result = mailbox_poll(mailbox)
    if result.ok:
        messages.success(
            request,
            ngettext(
                "%(mailbox)s: %(fetched)d email read, %(new)d new complaint.",
                "%(mailbox)s: %(fetched)d emails read, %(new)d new complaints.",
                result.fetched,
            )
            % {"mailbox": mailbox.name, "fetched": result.fetched, "new": result.new},
        )
    else:
        messages.error(
            request,
            gettext("%(mailbox)s cannot be read. The server said: %(detail)s")
            % {"mailbox": mailbox.name, "detail": result.error or "—"},
        )
    return redirect("backoffice:mailboxes")


def _connection_problem(mailbox: Mailbox, check: LoginCheck) -> str:
    """Where the connection test stopped, in the person's language, with what the server said."""
    where = {"host": mailbox.host, "port": mailbox.port, "folder": mailbox.folder}
    if check.stage == "password":
        return gettext(
            "The stored password cannot be read (the sealing key was changed): enter the "
            "password again and save."
        )
    if check.stage == "login":
        reason = gettext("The server refused the user name or the password.")
    elif check.stage == "folder":
        reason = gettext("Signed in, but the folder %(folder)s cannot be opened.") % where
    else:
        reason = gettext("The server %(host)s cannot be reached on port %(port)s.") % where
    return gettext("The connection failed. %(reason)s The server said: %(detail)s") % {
        "reason": reason,
        "detail": check.detail or "—",
    }
