"""How the deadline engine reacts to lifecycle events (called by complaints.effects)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent


def on_complaint_event(complaint: Complaint, event: ComplaintEvent) -> None:
    """Compute deadlines on receipt, stop and restart clocks on pause/resume, record stage
    outcomes. (Filled in by the SLA engine.)"""
