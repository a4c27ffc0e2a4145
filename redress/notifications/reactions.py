"""How messaging reacts to lifecycle events (called by complaints.effects)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent


def on_complaint_event(complaint: Complaint, event: ComplaintEvent) -> None:
    """Mail the complainant at the steps where ISO 10002 says they must hear from us."""
