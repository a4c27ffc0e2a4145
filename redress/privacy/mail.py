"""Email about data-subject requests, through the notifications outbox (retries, delivery
state): the acknowledgement to the person who asked, and the clock's reminders to the
data-protection officers. Rendered from the admin-editable templates ``dsar_acknowledgement``
and ``dsar_clock`` (Vietnamese and English). The outbox row is not put on a complaint: the
request is the person's, not the complaint's, and staff read it on the request's page."""

from __future__ import annotations

from email.utils import make_msgid
from typing import Any

from django.conf import settings

from redress.core.tasks import enqueue_on_commit
from redress.notifications.models import OutboundEmail
from redress.notifications.services import template_render
from redress.notifications.tasks import deliver_email


def outbox_email(*, to: str, language: str, code: str, context: dict[str, Any]) -> OutboundEmail:
    """Render template ``code`` in ``language`` and queue it; sent after the commit."""
    subject, body = template_render(code, language, context)
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject[:300],
        body=body,
        email_message_id=make_msgid(domain=settings.REDRESS_MAIL_DOMAIN),
        template_code=code,
    )
    enqueue_on_commit(deliver_email, email.pk)
    return email
