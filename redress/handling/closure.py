"""Closing (ISO 10002 7.9), reopening, withdrawal, the satisfaction survey (8.3) and the
record of what became of each email to the complainant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    Decision,
    SatisfactionResponse,
    Status,
)
from redress.complaints.transitions import Action, transition_check
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.handling.decisions import current_decision
from redress.handling.kernel import (
    act,
    check_choice,
    check_permission,
    lock,
    record,
    require,
    snapshot,
)
from redress.notifications.delivery import OUTBOX

if TYPE_CHECKING:
    from redress.notifications.models import OutboundEmail, OutboundText


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, actor: Actor, note: str = "", external_options_told: bool = False
) -> Complaint:
    """Close the complaint, with the preconditions of its stage:

    - resolved: every remedy of the accepted decision fulfilled or waived;
    - referred to an external body: the complainant was told of the external options;
    - not accepted or withdrawn: the explanation sent to the complainant is recorded.
    """

    def change(c: Complaint) -> dict[str, Any]:
        if c.status == Status.RESOLVED:
            decision = current_decision(c, Decision.State.COMMUNICATED)
            open_remedies = [r for r in decision.remedies.all() if not r.is_settled]
            if open_remedies:
                raise Conflict(
                    _("%(count)s agreed remedies are not yet fulfilled or waived.")
                    % {"count": len(open_remedies)},
                    code="remedies_open",
                )
        elif c.status == Status.REFERRED_EXTERNAL:
            if not external_options_told:
                message = _("Confirm that the complainant was told of the external options.")
                raise ValidationFailed(message, fields={"external_options_told": [message]})
        elif c.status in (Status.NOT_ACCEPTED, Status.WITHDRAWN):
            require({"note": note})
        c.closed_at = timezone.now()
        c.closure_note = note.strip()
        c.paused_at = None
        c.pause_reason = ""
        return {"note": note.strip()} if note.strip() else {}

    return act(complaint, actor, Action.CLOSE, change)


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Reopen a closed complaint for further investigation (the reason is recorded)."""
    require({"reason": reason})

    def change(c: Complaint) -> dict[str, Any]:
        c.closed_at = None
        # A reopened complaint needs a new decision: the first one stays in its decision row
        # and the event record, and the deadline engine sees the new round as pending.
        c.decision_communicated_at = None
        c.reopen_count += 1
        return {"reason": reason.strip()}

    return act(complaint, actor, Action.REOPEN, change)


@transaction.atomic
def complaint_rate(
    *,
    complaint: Complaint,
    actor: Actor,
    overall: int,
    fairness: int | None = None,
    clarity: int | None = None,
    speed: int | None = None,
    courtesy: int | None = None,
    comment: str = "",
    via: str = "",
) -> SatisfactionResponse:
    """The complainant's satisfaction with the handling (8.3): after closure, once per complaint.

    The complainant answers on the portal (the channel is the actor); staff record an answer
    given to them another way, ``via`` naming how (a phone call): the event then says how it
    came and who typed it in. Refused, changing nothing: a score outside 1–5 or no overall
    score (422 naming each field), an unknown ``via`` (422), a second answer (409).
    """
    scores = {
        "overall": overall,
        "fairness": fairness,
        "clarity": clarity,
        "speed": speed,
        "courtesy": courtesy,
    }
    bad = {
        name: [_("Choose a score from 1 to 5.")]
        for name, value in scores.items()
        if (value is None and name == "overall") or (value is not None and value not in range(1, 6))
    }
    if bad:
        raise ValidationFailed(_("Scores go from 1 to 5."), fields=bad)
    check_choice("via", via, Channel, blank=True)
    holder: dict[str, SatisfactionResponse] = {}

    def change(c: Complaint) -> dict[str, Any]:
        if SatisfactionResponse.objects.filter(complaint=c).exists():
            raise Conflict(
                _("The survey for this complaint has already been answered."), code="already_rated"
            )
        holder["response"] = SatisfactionResponse.objects.create(
            complaint=c,
            comment=comment.strip(),
            submitted_at=timezone.now(),
            **scores,
        )
        return {"overall": overall, **({"via": via} if via else {})}

    act(complaint, actor, Action.RATE, change, method=via)
    return holder["response"]


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor: Actor, reason: str = "") -> Complaint:
    """The complainant withdraws the complaint."""
    return act(
        complaint,
        actor,
        Action.WITHDRAW,
        lambda c: {"reason": reason.strip()} if reason.strip() else {},
    )


@transaction.atomic
def complaint_record_delivery(
    *,
    complaint_id: int,
    actor: Actor,
    state: str,
    message_id: int | None,
    template: str,
    attempts: int,
    channel: str = "email",
    extra: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """What became of an email to the complainant (sent, failed after the last retry, bounced),
    as an event on the complaint's follow-up record (ISO 10002 7.8: the complainant was told, or
    was not and someone must reach them another way). Called by the outbox; the stage is kept.

    Neither the error text nor the subject is copied here: they may quote the address or the
    complaint, which not everyone who reads the record may see. They stay on the outbound email.
    """
    locked = lock(Complaint(pk=complaint_id))
    check_permission(actor, locked, Action.RECORD_DELIVERY)
    transition_check(locked.status, Action.RECORD_DELIVERY)
    data = {"delivery": state, "message": message_id, "template": template, "attempts": attempts}
    if channel != "email":
        data["channel"] = channel
    data.update(extra or {})
    return record(
        complaint=locked,
        actor=actor,
        action=Action.RECORD_DELIVERY,
        from_status=locked.status,
        before=snapshot(locked),
        data=data,
    )


def on_email_outcome(email: OutboundEmail) -> None:
    """An email of a complaint reached its final state (sent, failed after the last retry,
    bounced): an event on the complaint's record. The outbox calls this through the
    ``REDRESS_EMAIL_OUTCOME_HOOKS`` setting, so notifications never imports the lifecycle."""
    assert email.complaint_id is not None
    complaint_record_delivery(
        complaint_id=email.complaint_id,
        actor=OUTBOX,
        state=email.state,
        message_id=email.message_id,
        template=email.template_code,
        attempts=email.attempts,
        extra={"instead_of": email.fallback_from, "why": email.fallback_reason}
        if email.fallback_from
        else None,
    )


def on_text_outcome(text: OutboundText) -> None:
    """An SMS or Zalo message of a complaint reached a final state (sent, delivered,
    undelivered, failed): an event on the complaint's record, with its cost when the gateway
    gave it and the email sent instead, if any. Wired by ``REDRESS_TEXT_OUTCOME_HOOKS``."""
    assert text.complaint_id is not None
    extra: dict[str, Any] = {}
    if text.cost is not None:
        extra["cost"] = str(text.cost)
    if text.fallback_email_id:
        extra["fallback"] = "email"
    complaint_record_delivery(
        complaint_id=text.complaint_id,
        actor=OUTBOX,
        state=text.state,
        message_id=text.message_id,
        template=text.template_code,
        attempts=text.attempts,
        channel=text.channel.kind,
        extra=extra,
    )
