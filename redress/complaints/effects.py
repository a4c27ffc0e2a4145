"""Side effects of lifecycle actions, dispatched per action (STYLE.md convention 4).

Services call ``after_action`` inside their transaction, after the event is written. Each
domain that reacts to the lifecycle (deadlines, mail to the complainant, webhooks) has one
entry here; what it does lives in its own app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent


def after_action(complaint: Complaint, event: ComplaintEvent) -> None:
    for reactor in _reactors():
        reactor(complaint, event)


def _reactors() -> list:  # type: ignore[type-arg]
    # Imported late: these apps import complaints' models.
    from redress.integrations.reactions import on_complaint_event as webhooks_reaction
    from redress.notifications.reactions import on_complaint_event as notifications_reaction
    from redress.sla.reactions import on_complaint_event as sla_reaction

    return [sla_reaction, notifications_reaction, webhooks_reaction]
