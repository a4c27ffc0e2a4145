"""Test helpers for personal data: restricting a complaint as the data-protection officer does."""

from __future__ import annotations

from typing import Any

from redress.complaints.models import Complaint
from redress.core.models import User
from redress.core.testing import actor
from redress.privacy import requests as services


def complaint_restricted(dpo: User, complaint: Complaint) -> Any:
    """A restriction request for ``complaint``, recorded by ``dpo`` for a person checked by
    staff, and completed: the complaint is restricted. Returns the completed request."""
    request = services.request_receive(
        actor=actor(dpo),
        kind="restriction",
        channel="staff",
        complaints=[complaint],
        verification="staff_check",
    )
    return services.request_complete(actor=actor(dpo), request=request, outcome_note="Đã hạn chế")
