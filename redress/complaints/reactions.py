"""How complaints react to what other domains report back (the reverse of ``effects``).

Domain apps below complaints (notifications) never import complaints' services; settings wire
these reactions in (``REDRESS_EMAIL_OUTCOME_REACTIONS``), so the dependency still points from
complaints outwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redress.complaints.services import complaint_record_delivery
from redress.notifications.delivery import OUTBOX

if TYPE_CHECKING:
    from redress.notifications.models import OutboundEmail


def on_email_outcome(email: OutboundEmail) -> None:
    """An email of a complaint reached its final state (sent, failed after the last retry,
    bounced): an event on the complaint's record."""
    assert email.complaint_id is not None
    complaint_record_delivery(
        complaint_id=email.complaint_id,
        actor=OUTBOX,
        state=email.state,
        message_id=email.message_id,
        template=email.template_code,
        attempts=email.attempts,
    )
