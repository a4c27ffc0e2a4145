"""How messaging reacts to lifecycle events (called by complaints.effects)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redress.notifications.services import complainant_email

if TYPE_CHECKING:
    from redress.complaints.models import Complaint, ComplaintEvent


def _decision_context(complaint: Complaint) -> dict[str, Any]:
    decision = complaint.decisions.filter(state="communicated").order_by("-communicated_at").first()
    if decision is None:
        return {}
    remedies = [
        f"- {r.get_type_display()}: {r.description or ''} {r.amount:,.0f} {r.currency}".rstrip()
        for r in decision.remedies.all()
    ]
    return {
        "decision_summary": decision.summary,
        "decision_reasons": decision.reasons,
        "outcome": decision.get_outcome_display(),
        "remedies": "\n".join(remedies),
    }


def on_complaint_event(complaint: Complaint, event: ComplaintEvent) -> None:
    """Mail the complainant at the steps where ISO 10002 says they must hear from us:
    acknowledgement (7.4), a request for information (pause waiting for them), the decision with
    how to contest it (7.8), the start of an internal review, and closure with the survey (7.9, 8.3)."""
    from django.utils import translation

    action = event.action
    language = complaint.complainant.preferred_language
    with translation.override(language):
        if action == "acknowledge":
            complainant_email(complaint=complaint, code="acknowledgement")
        elif action == "pause" and event.data.get("reason") == "complainant":
            complainant_email(
                complaint=complaint,
                code="information_request",
                extra={"message": event.data.get("note", "")},
            )
        elif action == "communicate_decision":
            complainant_email(
                complaint=complaint, code="decision", extra=_decision_context(complaint)
            )
        elif action in ("escalate", "record_reaction") and complaint.status == "under_review":
            complainant_email(complaint=complaint, code="review")
        elif action == "close":
            complainant_email(complaint=complaint, code="closure")
