"""How webhooks follow lifecycle events: the last entry of the lifecycle effects table
(``redress.handling.effects``), run for every action inside the service's transaction;
deliveries leave after the commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redress.integrations.models import EventType
from redress.integrations.services import events_publish

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent


def on_complaint_event(complaint: Complaint, event: ComplaintEvent) -> None:
    """complaint.received on receipt; complaint.status_changed whenever the stage changes;
    complaint.decision_communicated and complaint.closed for those steps. Deadline breaches are
    published by the SLA sweep through ``services.webhooks_publish``."""
    step = {
        "action": event.action,
        "at": event.at,
        "from_status": event.from_status,
        "to_status": event.to_status,
    }
    events: list[tuple[str, dict[str, Any]]] = []
    if event.action == "receive":
        events.append((EventType.RECEIVED, {"event": step}))
    elif event.from_status != event.to_status:
        events.append((EventType.STATUS_CHANGED, {"event": step}))
    if event.action == "communicate_decision":
        decision = {k: event.data.get(k) for k in ("outcome", "via") if k in event.data}
        events.append((EventType.DECISION_COMMUNICATED, {"event": step, "decision": decision}))
    if event.action == "close":
        events.append((EventType.CLOSED, {"event": step}))
    events_publish(complaint, events)
