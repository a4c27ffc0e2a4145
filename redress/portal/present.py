"""Plain words for the complainant: what each stage and each step of the record means for
them. The register's own labels are written for staff; these are written for the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.complaints.models import (
    Complaint,
    ComplaintEvent,
    Outcome,
    PauseReason,
    RemedyType,
    Status,
)
from redress.sla.rules import Target
from redress.sla.selectors import next_deadline

STATUS_WORDS = {
    Status.RECEIVED: (
        _("Received"),
        _("We have your complaint. We will confirm it and give it to a person who handles it."),
    ),
    Status.ACKNOWLEDGED: (_("Being handled"), _("A person is handling your complaint.")),
    Status.ASSESSED: (_("Being handled"), _("We are looking into your complaint.")),
    Status.INVESTIGATING: (_("Being handled"), _("We are finding out what happened.")),
    Status.DECISION_PROPOSED: (_("Decision being prepared"), _("We are preparing our decision.")),
    Status.DECISION_APPROVED: (
        _("Decision being prepared"),
        _("Our decision is ready and will be sent to you soon."),
    ),
    Status.DECISION_COMMUNICATED: (
        _("Decision sent: we need your answer"),
        _("Please read our decision below and tell us whether you accept it."),
    ),
    Status.RESOLVED: (
        _("Decision accepted"),
        _("You accepted our decision. We are doing what we promised."),
    ),
    Status.UNDER_REVIEW: (
        _("Under internal review"),
        _("You did not accept our decision. A more senior person is reviewing your complaint."),
    ),
    Status.REFERRED_EXTERNAL: (
        _("Referred to an outside body"),
        _("Your complaint has been passed to an outside body."),
    ),
    Status.NOT_ACCEPTED: (
        _("Not handled as a complaint"),
        _("We found that we cannot handle this as a complaint. We will explain why."),
    ),
    Status.WITHDRAWN: (_("Withdrawn"), _("The complaint was withdrawn.")),
    Status.CLOSED: (_("Closed"), _("Your complaint is closed.")),
}

OUTCOME_WORDS: dict[str, Any] = {
    Outcome.UPHELD: _("We agree with your complaint"),
    Outcome.PARTLY_UPHELD: _("We agree with part of your complaint"),
    Outcome.NOT_UPHELD: _("We do not agree with your complaint"),
}

REMEDY_WORDS: dict[str, Any] = {
    RemedyType.EXPLANATION: _("An explanation"),
    RemedyType.APOLOGY: _("An apology"),
    RemedyType.REPAIR: _("A repair"),
    RemedyType.REPLACEMENT: _("A replacement"),
    RemedyType.REFUND: _("A refund"),
    RemedyType.PRICE_REDUCTION: _("A lower price"),
    RemedyType.COMPENSATION: _("Compensation"),
    RemedyType.TECHNICAL_ASSISTANCE: _("Technical help"),
    RemedyType.RE_PERFORMANCE: _("The service done again"),
    RemedyType.PROCESS_CHANGE: _("A change in how we work"),
}

# Which commitment of the public page applies while a complaint is in a stage, and which
# computed deadline (when the SLA engine has set it) replaces it.
STAGE_OF_STATUS = {
    Status.RECEIVED: ("acknowledge", "acknowledge_due_at"),
    Status.ACKNOWLEDGED: ("assess", "assess_due_at"),
    Status.ASSESSED: ("decide", "decision_due_at"),
    Status.INVESTIGATING: ("decide", "decision_due_at"),
    Status.DECISION_PROPOSED: ("decide", "decision_due_at"),
    Status.DECISION_APPROVED: ("decide", "decision_due_at"),
    Status.UNDER_REVIEW: ("review", "review_due_at"),
    Status.RESOLVED: ("close", "close_due_at"),
}


def status_words(complaint: Complaint) -> tuple[str, str]:
    if complaint.paused_at and complaint.pause_reason == PauseReason.COMPLAINANT:
        return (
            str(_("Waiting for information from you")),
            str(_("We need more information from you. Please send it with the form below.")),
        )
    title, text = STATUS_WORDS[Status(complaint.status)]
    return str(title), str(text)


def event_words(event: ComplaintEvent) -> str:
    data = event.data or {}
    match event.action:
        case "receive":
            return str(_("We received your complaint."))
        case "acknowledge":
            return str(
                _(
                    "We confirmed that we have your complaint and gave it to a person who handles it."
                )
            )
        case "assess":
            if event.to_status == Status.NOT_ACCEPTED:
                return str(_("We found that we cannot handle this as a complaint."))
            return str(_("We looked at your complaint and planned how to handle it."))
        case "start_investigation":
            return str(_("We started finding out what happened."))
        case "pause":
            if data.get("reason") == PauseReason.COMPLAINANT:
                return str(
                    _("We asked you for more information. The time limit stops until you answer.")
                )
            return str(
                _(
                    "We are waiting for information from someone else. The time limit stops meanwhile."
                )
            )
        case "resume":
            return str(_("We continued handling your complaint."))
        case "add_message":
            if data.get("direction") == "inbound" and data.get("from_another_address"):
                return str(
                    _("We received a message about your complaint from another email address.")
                )
            if data.get("direction") == "inbound":
                return str(_("You sent us a message."))
            return str(_("We sent you a message."))
        case "communicate_decision":
            return str(_("We sent you our decision."))
        case "record_reaction":
            if data.get("reaction") == "accepted":
                return str(_("You accepted our decision."))
            if data.get("reaction") == "rejected":
                return str(
                    _("You did not accept our decision. Your complaint went to an internal review.")
                )
            return str(_("We did not hear from you about our decision."))
        case "escalate":
            return str(_("Your complaint went to an internal review at a higher level."))
        case "refer_external":
            return str(_("Your complaint was passed to an outside body."))
        case "close":
            return str(_("Your complaint was closed."))
        case "reopen":
            return str(_("Your complaint was opened again."))
        case "withdraw":
            return str(_("The complaint was withdrawn."))
        case "merge":
            return str(
                _("Your complaint was merged into complaint %(reference)s, which goes on.")
                % {"reference": data.get("other", "")}
            )
    return str(_("Your complaint was updated."))


def target_words(target: Target) -> str:
    """“Within 3 working days”, in the page's language."""
    n = target.amount
    match target.unit:
        case "working_hours":
            text = ngettext("Within %(n)s working hour", "Within %(n)s working hours", n)
        case "calendar_days":
            text = ngettext("Within %(n)s day", "Within %(n)s days", n)
        case "hours":
            text = ngettext("Within %(n)s hour", "Within %(n)s hours", n)
        case _:
            text = ngettext("Within %(n)s working day", "Within %(n)s working days", n)
    return text % {"n": n}


# What the complainant is owed at the end of each stage the deadline engine times.
DEADLINE_WORDS = {
    "acknowledge": _("We confirm your complaint and give it to a person who handles it"),
    "assess": _("We finish the first look at your complaint"),
    "decision": _("We send you our decision"),
    "close": _("We close your complaint"),
    "review": _("We send you the outcome of the internal review"),
}


@dataclass
class NextStep:
    """When the complainant will next hear from us: a computed deadline, or the commitment."""

    due_at: dt.datetime | None
    commitment: str
    what: str = ""
    paused: bool = False


def next_step(complaint: Complaint, steps: dict[str, str]) -> NextStep | None:
    """The deadline engine's next running deadline; without one, the commitment of the public
    page (``steps`` maps a stage to its target text) for the stage the complaint is in."""
    if complaint.status == Status.DECISION_COMMUNICATED:
        return None  # the next step is the complainant's: answering the decision
    running = next_deadline(complaint)
    if running is not None:
        return NextStep(
            running.due_at, "", str(DEADLINE_WORDS.get(running.stage, "")), running.paused
        )
    if complaint.paused_at is not None:
        return None
    stage = STAGE_OF_STATUS.get(Status(complaint.status))
    if stage is None:
        return None
    step, deadline_field = stage
    due_at = getattr(complaint, deadline_field)
    commitment = steps.get(step, "")
    if due_at is None and not commitment:
        return None
    return NextStep(due_at, commitment)
