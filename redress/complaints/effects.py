"""Side effects of lifecycle actions, dispatched per action (STYLE.md convention 4).

Services call ``after_action`` inside their transaction, after the event is written. Each
domain that reacts to the lifecycle (deadlines, mail to the complainant, webhooks) has one
entry here; what it does lives in its own app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent

Reactor = Callable[["Complaint", "ComplaintEvent"], None]


def after_action(
    complaint: Complaint,
    event: ComplaintEvent,
    *,
    before_publishing: Callable[[], None] | None = None,
) -> None:
    """Deadlines first: they need only the complaint's identity. Then ``before_publishing``
    (receipt uses it to take the gap-free reference as late as possible), then mail to the
    complainant and webhooks, which show the reference."""
    deadlines, mail, webhooks = _reactors()
    deadlines(complaint, event)
    if before_publishing is not None:
        before_publishing()
    mail(complaint, event)
    webhooks(complaint, event)


def _reactors() -> tuple[Reactor, Reactor, Reactor]:
    # Imported late: these apps import complaints' models.
    from redress.integrations.reactions import on_complaint_event as webhooks_reaction
    from redress.notifications.reactions import on_complaint_event as notifications_reaction
    from redress.sla.reactions import on_complaint_event as sla_reaction

    return sla_reaction, notifications_reaction, webhooks_reaction
