"""Every message to the complainant (ISO 10002 7.1, 7.4, 7.8), and notices to staff.

Mail to the complainant is rendered from a template in their language, recorded as an outbound
message on the complaint, and put in the outbox; it is sent after the transaction commits,
with retries (``notifications.tasks``). Notices to staff are ``notifications.notices``; its
``notify_users`` and ``notification_mark_read`` can be imported from here too.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, Template
from django.utils import formats, timezone, translation

from redress.complaints.models import Channel, Message
from redress.core.memo import memo
from redress.core.selectors import organisation_get
from redress.core.tasks import enqueue_on_commit
from redress.core.writes import insert_new
from redress.notifications.models import MessageTemplate, OutboundEmail
from redress.notifications.notices import notification_mark_read as notification_mark_read
from redress.notifications.notices import (
    notifications_read_on_complaint as notifications_read_on_complaint,
)
from redress.notifications.notices import notify_users as notify_users
from redress.notifications.tasks import deliver_email

# Admin-edited templates are rendered by an engine with no custom tags and no autoescape:
# the output is plain-text email, and the context holds only the values below.
_ENGINE = Engine(autoescape=False)


def public_url(path: str) -> str:
    return settings.REDRESS_PUBLIC_URL.rstrip("/") + path


def tracking_url(reference: str, code: str, language: str) -> str:
    """The secret link to the complaint's public page (the portal serves this path)."""
    return public_url(f"/{language}/track/{reference}/{code}/")


def format_local(value: dt.datetime | None, language: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(zoneinfo.ZoneInfo(organisation_get().time_zone))
    with translation.override(language):
        return formats.date_format(local, "DATETIME_FORMAT")


@memo
def _template(code: str, language: str) -> tuple[Template, Template] | None:
    """The compiled subject and body of the active template, falling back to Vietnamese."""
    found = (
        MessageTemplate.objects.filter(code=code, language=language, is_active=True).first()
        or MessageTemplate.objects.filter(code=code, language="vi", is_active=True).first()
    )
    if found is None:
        return None
    return _ENGINE.from_string(found.subject), _ENGINE.from_string(found.body)


def template_render(code: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a template in the language, falling back to Vietnamese."""
    template = _template(code, language)
    if template is None:
        raise LookupError(f"no active message template {code!r}")
    # Plain text: nothing is HTML-escaped (a Context escapes unless told, whatever the engine).
    ctx = Context(context, autoescape=False)
    subject, body = (part.render(ctx) for part in template)
    return " ".join(subject.split()), body


def base_context(complaint: Any) -> dict[str, Any]:
    organisation = organisation_get()
    language = complaint.complainant.preferred_language
    return {
        "reference": complaint.reference,
        "name": complaint.complainant.full_name,
        "subject": complaint.subject,
        "organisation": organisation.name_en
        if language == "en" and organisation.name_en
        else organisation.name,
        # A running internal review owes the next answer (its deadline is set only then).
        "deadline": format_local(
            complaint.review_due_at or complaint.decision_due_at or complaint.close_due_at,
            language,
        ),
        "tracking_url": public_url(f"/{language}/track/"),
        "support_email": organisation.support_email,
        "support_phone": organisation.support_phone,
        # REQ-VN-3: the templates leave out negotiation and mediation routes when it is set.
        "public_interest": bool(getattr(complaint, "public_interest", False)),
    }


def complainant_email_render(
    *, complaint: Any, code: str, extra: dict[str, Any] | None = None
) -> tuple[str, str]:
    """(subject, body) of template ``code`` as the complainant receives it, in their language;
    the subject names the reference. Also what a preview shows before anything is sent."""
    language = complaint.complainant.preferred_language
    subject, body = template_render(code, language, {**base_context(complaint), **(extra or {})})
    tagged = subject if complaint.reference in subject else f"[{complaint.reference}] {subject}"
    return tagged, body


def complainant_email(
    *,
    complaint: Any,
    code: str,
    extra: dict[str, Any] | None = None,
    in_reply_to: str = "",
    secrets: tuple[str, ...] = (),
    first: bool = False,
    fallback: tuple[str, str] | None = None,
) -> OutboundEmail | None:
    """Render template ``code`` for the complainant, record it on the complaint and queue it.

    Does nothing when the complainant gave no email address. Call inside the service's
    transaction: the message and the outbox row commit with the action, and sending starts
    only after the commit. ``first``: the complaint has no earlier message to answer.
    ``fallback``: (channel, reason) when it goes by email instead of the preferred channel.
    """
    person = complaint.complainant
    if not person.email:
        return None
    language = person.preferred_language
    subject, body = template_render(code, language, {**base_context(complaint), **(extra or {})})
    return email_queue(
        complaint=complaint,
        subject=subject,
        body=body,
        recorded=masked(body, secrets),
        code=code,
        in_reply_to=in_reply_to,
        first=first,
        fallback=fallback,
    )


def masked(text: str, secrets: tuple[str, ...]) -> str:
    """Staff read the complaint's copy of the message; secrets (the tracking code) stay only in
    the message sent, so nobody can open the complainant's portal page from the timeline."""
    for secret in secrets:
        text = text.replace(secret, "••••")
    return text


def email_queue(
    *,
    complaint: Any,
    subject: str,
    body: str,
    recorded: str,
    code: str,
    in_reply_to: str = "",
    first: bool = False,
    fallback: tuple[str, str] | None = None,
) -> OutboundEmail:
    """Record an email already rendered on the complaint and put it in the outbox."""
    person = complaint.complainant
    tagged = subject if complaint.reference in subject else f"[{complaint.reference}] {subject}"
    # The thread is looked up before this message exists, and the Message-ID is chosen first:
    # one INSERT per row, nothing to update afterwards.
    parent = in_reply_to or ("" if first else thread_parent(complaint))
    message_id = make_msgid(domain=settings.REDRESS_MAIL_DOMAIN)
    message = Message(
        complaint=complaint,
        direction=Message.Direction.OUTBOUND,
        channel=Channel.EMAIL,
        subject=tagged[:300],
        body=recorded,
        created_at=timezone.now(),
        email_message_id=message_id,
        delivery_state=OutboundEmail.State.QUEUED,
    )
    insert_new([message])
    email = OutboundEmail(
        complaint=complaint,
        message=message,
        to=person.email,
        subject=tagged[:300],
        body=body,
        email_message_id=message_id,
        in_reply_to=parent,
        template_code=code,
        fallback_from=fallback[0] if fallback else "",
        fallback_reason=fallback[1] if fallback else "",
    )
    insert_new([email])
    _enqueue(email.pk)
    return email


def message_email(*, message: Any, fallback: tuple[str, str] | None = None) -> OutboundEmail | None:
    """Send a message a handler wrote to the complainant (already recorded on the complaint)."""
    complaint = message.complaint
    if not complaint.complainant.email:
        return None
    subject = message.subject or complaint.subject
    tagged = subject if complaint.reference in subject else f"[{complaint.reference}] {subject}"
    email = OutboundEmail.objects.create(
        complaint=complaint,
        message=message,
        to=complaint.complainant.email,
        subject=tagged[:300],
        body=message.body,
        email_message_id=make_msgid(domain=settings.REDRESS_MAIL_DOMAIN),
        in_reply_to=thread_parent(complaint, exclude=message.pk),
        fallback_from=fallback[0] if fallback else "",
        fallback_reason=fallback[1] if fallback else "",
    )
    message.email_message_id = email.email_message_id
    message.delivery_state = OutboundEmail.State.QUEUED
    message.save(update_fields=["email_message_id", "delivery_state"])
    _enqueue(email.pk)
    return email


def thread_parent(complaint: Any, *, exclude: int | None = None) -> str:
    """The Message-ID our next email to the complainant answers, so that their mail program
    shows the whole exchange as one thread: the latest email on the complaint, in or out."""
    messages = Message.objects.filter(complaint=complaint).exclude(email_message_id="")
    if exclude is not None:
        messages = messages.exclude(pk=exclude)
    latest = (
        messages.order_by("-created_at", "-pk").values_list("email_message_id", flat=True).first()
    )
    return latest or ""


def _enqueue(email_id: int) -> None:
    enqueue_on_commit(deliver_email, email_id)


@transaction.atomic
def email_retry(*, email: OutboundEmail) -> bool:
    """Put a failed or waiting email back in the queue for an attempt now (from the admin).
    A failed email gets a fresh set of attempts. Sent emails are never sent again."""
    locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if locked.state in (OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED):
        return False
    if locked.state == OutboundEmail.State.FAILED:
        locked.attempts = 0
    locked.state = OutboundEmail.State.RETRYING if locked.attempts else OutboundEmail.State.QUEUED
    locked.next_attempt_at = None
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    if locked.message_id:
        Message.objects.filter(pk=locked.message_id).update(delivery_state=locked.state)
    _enqueue(locked.pk)
    return True
