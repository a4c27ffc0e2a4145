"""The demo's mail: an email backend that sends nothing.

``make run`` uses it so that a demo needs no mail server: every email Redress sends is still
written to the outbox first (``notifications.models.OutboundEmail``, with its subject and
body), and this backend accepts it at once, so it is marked sent instead of retrying against a
server that is not there. Administrators read the messages in the back office (Outgoing email).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class DemoMailBackend(BaseEmailBackend):
    """Accepts every message and delivers none of them."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return len(email_messages)


def demo_mail_on() -> bool:
    """Whether emails are kept in the outbox only (the demo), not sent."""
    from django.conf import settings

    return str(settings.EMAIL_BACKEND) == f"{__name__}.DemoMailBackend"
