"""What follows each lifecycle action, in one table (STYLE.md convention 4).

Every action's effects run inside the acting service's transaction, after its event is written
and before its audit entry: the deadline engine first (it decides from the action which clocks
move), then the action's own effects (mail to the complainant, notices to staff), then webhooks
(they publish what changed). Mail and webhooks leave through outboxes after the commit.

The one effect that runs the other way — an email's final delivery state reported by the
outbox — is ``closure.on_email_outcome``, wired in by ``REDRESS_EMAIL_OUTCOME_HOOKS`` so that
the notifications app never imports the lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from redress.complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    Decision,
    Message,
    PauseReason,
    Status,
)
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.formats import money_format
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.improvement.services import systemic_rules_apply
from redress.integrations import hooks as webhooks
from redress.notifications.channels.routing import (
    RoutePreview,
    complainant_notify,
    complainant_preview,
    message_notify,
    receipt_notify,
)
from redress.notifications.models import Notification
from redress.notifications.services import notify_users
from redress.sla import hooks as deadlines
from redress.transparency.selectors import consent_is_withdrawn


@dataclass(frozen=True)
class Step:
    """One action just recorded, as its effects see it."""

    complaint: Complaint
    event: ComplaintEvent
    actor: Actor
    before: Mapping[str, Any]  # the audited fields before the action ({} on receipt)
    extra: Mapping[str, Any]  # what exists only in memory: the tracking code, a new message


Effect = Callable[[Step], None]


# --------------------------------------------------------------------------------------------
# Mail to the complainant, where ISO 10002 says they must hear from us


def _in_their_language(step: Step, send: Callable[[], object]) -> None:
    with translation.override(step.complaint.complainant.preferred_language):
        send()


def receipt_mail(step: Step) -> None:
    """The receipt (7.2): reference, tracking code and link. The code exists only in memory.
    An emailed complaint came without consent to the personal-data notice (an email cannot
    tick a box): the receipt asks for it, to be given by reply (``intake.mail``)."""
    receipt_notify(
        complaint=step.complaint,
        tracking_code=step.extra["tracking_code"],
        ask_consent=step.complaint.channel == Channel.EMAIL,
    )


def acknowledgement_mail(step: Step) -> None:
    """Acknowledgement (7.4)."""
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="acknowledgement")
    )


def information_request_mail(step: Step) -> None:
    """A pause while waiting for the complainant asks them for what is missing."""
    if step.event.data.get("reason") != PauseReason.COMPLAINANT:
        return
    note = step.event.data.get("note", "")
    _in_their_language(
        step,
        lambda: complainant_notify(
            complaint=step.complaint, code="information_request", extra={"message": note}
        ),
    )


def _decision_context(complaint: Complaint) -> dict[str, Any]:
    decision = complaint.decisions.filter(state="communicated").order_by("-communicated_at").first()
    if decision is None:
        return {}
    return decision_mail_context(decision)


def decision_mail_context(decision: Decision) -> dict[str, Any]:
    """What the decision mail says of a decision: outcome, text, reasons, remedies."""
    language = decision.complaint.complainant.preferred_language
    remedies = [
        " ".join(
            part
            for part in (
                f"- {r.get_type_display()}:",
                r.description,
                money_format(r.amount, currency=r.currency, language=language) if r.amount else "",
            )
            if part
        )
        for r in decision.remedies.all()
    ]
    return {
        "decision_summary": decision.summary,
        "decision_reasons": decision.reasons,
        "outcome": decision.get_outcome_display(),
        "remedies": "\n".join(remedies),
    }


def decision_mail(step: Step) -> None:
    """The decision, its reasons and how to contest it (7.8)."""
    _in_their_language(
        step,
        lambda: complainant_notify(
            complaint=step.complaint, code="decision", extra=_decision_context(step.complaint)
        ),
    )


def decision_preview(complaint: Complaint) -> RoutePreview | None:
    """The decision exactly as communicating the approved decision will send it: the way the
    complainant's route takes (email, or SMS or Zalo with the email it falls back to), in their
    language; with no way to reach them, the text is what to tell them. None when there is no
    approved decision or no template."""
    decision = (
        complaint.decisions.filter(state=Decision.State.APPROVED)
        .select_related("complaint__complainant")
        .prefetch_related("remedies")
        .order_by("-pk")
        .first()
    )
    if decision is None:
        return None
    with translation.override(complaint.complainant.preferred_language):
        try:
            return complainant_preview(
                complaint=complaint, code="decision", extra=decision_mail_context(decision)
            )
        except LookupError:
            return None


def review_mail(step: Step) -> None:
    """The start of an internal review (a rejected decision, or an escalation)."""
    if step.complaint.status != Status.UNDER_REVIEW:
        return
    _in_their_language(step, lambda: complainant_notify(complaint=step.complaint, code="review"))


def not_accepted_mail(step: Step) -> None:
    """Why the item is not handled as a complaint (7.5), as the portal promises."""
    if step.complaint.status != Status.NOT_ACCEPTED:
        return
    extra = {
        "classification": step.complaint.get_classification_display().lower(),
        "reason": step.event.data.get("reason", ""),
    }
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="not_accepted", extra=extra)
    )


def withdrawal_mail(step: Step) -> None:
    """The confirmation of a withdrawal, so that a withdrawal they did not ask for is noticed."""
    extra = {"reason": step.event.data.get("reason", "")}
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="withdrawal", extra=extra)
    )


def reopen_mail(step: Step) -> None:
    """A reopened complaint: the complainant hears why and that handling goes on."""
    extra = {"reason": step.event.data.get("reason", "")}
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="reopened", extra=extra)
    )


def referral_mail(step: Step) -> None:
    """A referral to an external body, made with the complainant's consent (7.9)."""
    referral = step.complaint.referrals.order_by("-pk").first()
    extra = {
        "provider": step.event.data.get("provider", ""),
        "note": referral.note if referral else "",
    }
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="referral", extra=extra)
    )


def merged_mail(step: Step) -> None:
    """A complaint closed as a duplicate: the complainant hears which complaint goes on, and
    that nothing they sent is lost (7.2)."""
    extra = {"survivor": step.event.data.get("other", ""), "note": step.event.data.get("note", "")}
    _in_their_language(
        step, lambda: complainant_notify(complaint=step.complaint, code="merged", extra=extra)
    )


def closure_mail(step: Step) -> None:
    """Closure, with the satisfaction survey (7.9, 8.3). The survey is optional contact: a
    complainant who withdrew their consent to the personal-data notice is not invited."""
    survey = not consent_is_withdrawn(step.complaint.pk)
    _in_their_language(
        step,
        lambda: complainant_notify(
            complaint=step.complaint, code="closure", extra={"survey": survey}
        ),
    )


def outbound_message_mail(step: Step) -> None:
    """A reply written to the complainant goes out by their preferred channel (else by email)
    unless it was given another way."""
    message: Message = step.extra["message"]
    if message.direction == Message.Direction.OUTBOUND and message.channel in ("", Channel.EMAIL):
        message_notify(message=message)


# --------------------------------------------------------------------------------------------
# Notices to staff


def _managers_over(complaint: Complaint) -> list[Any]:
    return list(
        users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(complaint.unit_id))
    )


def significant_notice(step: Step) -> None:
    """A complaint that has just become significant (health/safety, high severity, vulnerable
    complainant) is told at once to the complaints managers over its unit and to top
    management (ISO 10002 5.3)."""
    complaint = step.complaint
    if not complaint.is_significant or step.before.get("is_significant"):
        return
    notify_users(
        users=[*_managers_over(complaint), *users_with_role(Role.TOP_MANAGEMENT)],
        kind=Notification.Kind.SIGNIFICANT,
        complaint=complaint,
        dedupe_key=f"significant:{complaint.pk}",
    )


def new_owner_notice(step: Step) -> None:
    """The new owner hears of the complaint, unless they took it themselves."""
    owner_id = step.complaint.owner_id
    if (
        owner_id is None
        or owner_id == step.before.get("owner_id")
        or owner_id == step.actor.user_id
    ):
        return
    notify_users(
        users=[step.complaint.owner],  # type: ignore[list-item]
        kind=Notification.Kind.ASSIGNED,
        complaint=step.complaint,
    )


def approval_notice(step: Step) -> None:
    """The complaints managers over the unit (but the proposer) are asked to approve."""
    notify_users(
        users=[u for u in _managers_over(step.complaint) if u.pk != step.actor.user_id],
        kind=Notification.Kind.APPROVAL_NEEDED,
        complaint=step.complaint,
    )


def reply_notice(step: Step) -> None:
    """The owner hears of a message from the complainant."""
    message: Message = step.extra["message"]
    if message.direction != Message.Direction.INBOUND or step.complaint.owner_id is None:
        return
    notify_users(
        users=[step.complaint.owner],  # type: ignore[list-item]
        kind=Notification.Kind.MESSAGE,
        complaint=step.complaint,
    )


# --------------------------------------------------------------------------------------------
# Continual improvement


def systemic_rules(step: Step) -> None:
    """A complaint just classified as a complaint joins the open systemic issue of each rule
    (same category or product) it matches, or opens one when a rule's count is reached
    (ISO 10002 8.2). Rules by root cause are checked when the cause is recorded."""
    if step.complaint.status == Status.NOT_ACCEPTED:
        return
    systemic_rules_apply(complaint=step.complaint, dimensions=("category", "product"))


# --------------------------------------------------------------------------------------------
# The table


def _deadlines(step: Step) -> None:
    deadlines.on_complaint_event(step.complaint, step.event)


def _webhooks(step: Step) -> None:
    webhooks.on_complaint_event(step.complaint, step.event)


EFFECTS: dict[str, tuple[Effect, ...]] = {
    Action.RECEIVE: (receipt_mail, significant_notice),
    Action.ACKNOWLEDGE: (acknowledgement_mail,),
    Action.ASSESS: (not_accepted_mail, significant_notice, systemic_rules),
    Action.ASSIGN: (new_owner_notice,),
    Action.PAUSE: (information_request_mail,),
    Action.ADD_MESSAGE: (outbound_message_mail, reply_notice),
    Action.PROPOSE_DECISION: (approval_notice,),
    Action.COMMUNICATE_DECISION: (decision_mail,),
    Action.RECORD_REACTION: (review_mail,),
    Action.ESCALATE: (review_mail,),
    Action.CLOSE: (closure_mail,),
    Action.WITHDRAW: (withdrawal_mail,),
    Action.REOPEN: (reopen_mail,),
    Action.REFER_EXTERNAL: (referral_mail,),
    Action.MERGE: (merged_mail,),
}


def run(step: Step, *, before_publishing: Callable[[], None] | None = None) -> None:
    """Deadlines, then ``before_publishing`` (receipt uses it to take the gap-free reference as
    late as possible: deadlines need only the complaint's identity), then the action's own
    effects and webhooks, which show the reference."""
    _deadlines(step)
    if before_publishing is not None:
        before_publishing()
    for effect in EFFECTS.get(step.event.action, ()):
        effect(step)
    _webhooks(step)
