"""Decision and remedies (ISO 10002 7.7, 7.8, 7.9): propose, approve or return (four-eyes),
communicate, the complainant's reaction, internal review, external referral, settling
remedies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints import rules
from redress.complaints.models import (
    Channel,
    Complaint,
    Decision,
    ExternalReferral,
    Outcome,
    Reaction,
    Remedy,
    RemedyType,
    Status,
)
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.selectors import organisation_get
from redress.handling.kernel import act, check_choice, parse_amount, require
from redress.handling.objectivity import conflict_check
from redress.transparency.models import ExternalBody


@dataclass
class RemedyInput:
    type: str
    amount: object = 0
    description: str = ""
    due_at: dt.date | None = None
    currency: str = "VND"


@dataclass
class _Holder:
    decision: Decision | None = None


def current_decision(complaint: Complaint, *states: str) -> Decision:
    decision = complaint.decisions.filter(state__in=states).order_by("-proposed_at", "-pk").first()
    if decision is None:
        raise Conflict(_("There is no decision in this stage."), code="no_decision")
    return decision


def _remedy_total(decision: Decision) -> Decimal:
    return sum((r.amount for r in decision.remedies.all()), Decimal(0))


@transaction.atomic
def complaint_propose_decision(
    *,
    complaint: Complaint,
    actor: Actor,
    outcome: str,
    summary: str,
    reasons: str,
    remedies: Sequence[RemedyInput] = (),
) -> Decision:
    """Propose a decision with its remedies (7.7). The person complained about cannot decide."""
    check_choice("outcome", outcome, Outcome)
    require({"summary": summary, "reasons": reasons})
    parsed: list[tuple[RemedyInput, Decimal]] = []
    for index, remedy in enumerate(remedies):
        check_choice(f"remedies.{index}.type", remedy.type, RemedyType)
        parsed.append(
            (remedy, parse_amount(remedy.amount, f"remedies.{index}.amount") or Decimal(0))
        )
    proposer = actor.user
    if proposer is None:
        raise NotPermitted(_("A decision is proposed by a person."))
    holder = _Holder()

    def change(c: Complaint) -> dict[str, Any]:
        if c.subject_staff_id == actor.user_id:
            raise Conflict(
                _("The person complained about cannot decide the complaint."), code="subject_staff"
            )
        conflict_check(c, actor.user_id)
        decision = Decision.objects.create(
            complaint=c,
            outcome=outcome,
            summary=summary.strip(),
            reasons=reasons.strip(),
            is_review=c.status == Status.UNDER_REVIEW,
            proposed_by=proposer,
            proposed_at=timezone.now(),
        )
        Remedy.objects.bulk_create(
            Remedy(
                decision=decision,
                type=r.type,
                amount=amount,
                description=r.description.strip()[:300],
                due_at=r.due_at,
                currency=r.currency or c.currency,
            )
            for r, amount in parsed
        )
        holder.decision = decision
        return {
            "decision": decision.pk,
            "outcome": outcome,
            "remedy_total": sum((a for _r, a in parsed), Decimal(0)),
        }

    act(complaint, actor, Action.PROPOSE_DECISION, change)
    assert holder.decision is not None
    return holder.decision


def four_eyes_required(decision: Decision) -> bool:
    organisation = organisation_get()
    return (
        organisation.four_eyes_always or _remedy_total(decision) > organisation.four_eyes_threshold
    )


@transaction.atomic
def complaint_approve_decision(*, complaint: Complaint, actor: Actor, note: str = "") -> Decision:
    """Approve the proposed decision. With four-eyes in force (remedies above the threshold, or
    always), the proposer cannot approve their own decision."""
    holder = _Holder()

    def change(c: Complaint) -> dict[str, Any]:
        decision = current_decision(c, Decision.State.PROPOSED)
        if c.subject_staff_id is not None and c.subject_staff_id == actor.user_id:
            raise Conflict(
                _("The person complained about cannot decide the complaint."), code="subject_staff"
            )
        conflict_check(c, actor.user_id)
        if four_eyes_required(decision) and decision.proposed_by_id == actor.user_id:
            raise Conflict(
                _(
                    "Four-eyes rule: a decision with these remedies must be approved by someone other than its proposer."
                ),
                code="four_eyes",
            )
        decision.state = Decision.State.APPROVED
        decision.approved_by = actor.user
        decision.approved_at = timezone.now()
        decision.save(update_fields=["state", "approved_by", "approved_at"])
        holder.decision = decision
        return {"decision": decision.pk, **({"note": note.strip()} if note.strip() else {})}

    act(complaint, actor, Action.APPROVE_DECISION, change)
    assert holder.decision is not None
    return holder.decision


@transaction.atomic
def complaint_return_decision(*, complaint: Complaint, actor: Actor, reason: str) -> Decision:
    """Send the proposal back for more work, with the reason; back to the stage it came from."""
    require({"reason": reason})
    locked = Complaint.objects.get(pk=complaint.pk)
    decision = (
        current_decision(locked, Decision.State.PROPOSED)
        if locked.status == Status.DECISION_PROPOSED
        else None
    )
    target = (
        Status.UNDER_REVIEW if decision is not None and decision.is_review else Status.INVESTIGATING
    )

    def change(c: Complaint) -> dict[str, Any]:
        assert decision is not None
        conflict_check(c, actor.user_id)
        decision.state = Decision.State.RETURNED
        decision.returned_reason = reason.strip()
        decision.save(update_fields=["state", "returned_reason"])
        return {"decision": decision.pk, "reason": reason.strip()}

    act(complaint, actor, Action.RETURN_DECISION, change, target=target)
    assert decision is not None
    return decision


@transaction.atomic
def complaint_communicate_decision(
    *, complaint: Complaint, actor: Actor, via: str = Channel.EMAIL, note: str = ""
) -> Decision:
    """Tell the complainant the decision, its reasons and how to contest it (7.8)."""
    check_choice("via", via, Channel)
    holder = _Holder()

    def change(c: Complaint) -> dict[str, Any]:
        decision = current_decision(c, Decision.State.APPROVED)
        now = timezone.now()
        decision.state = Decision.State.COMMUNICATED
        decision.communicated_at = now
        decision.communicated_via = via
        decision.save(update_fields=["state", "communicated_at", "communicated_via"])
        c.decision_communicated_at = now
        holder.decision = decision
        return {"decision": decision.pk, "outcome": decision.outcome, "via": via}

    act(complaint, actor, Action.COMMUNICATE_DECISION, change, method=via)
    assert holder.decision is not None
    return holder.decision


@transaction.atomic
def complaint_record_reaction(
    *, complaint: Complaint, actor: Actor, reaction: str, note: str = ""
) -> Complaint:
    """The complainant's reaction to the decision (7.9).

    Accepted, or no reply once the organisation's waiting period has passed: resolved.
    Rejected (a reason is required): the complaint stays open and goes to internal review.
    """
    check_choice("reaction", reaction, Reaction)
    if reaction == Reaction.REJECTED:
        require({"note": note})
    target = Status.UNDER_REVIEW if reaction == Reaction.REJECTED else Status.RESOLVED

    def change(c: Complaint) -> dict[str, Any]:
        decision = current_decision(c, Decision.State.COMMUNICATED)
        now = timezone.now()
        if reaction == Reaction.NO_REPLY:
            wait = dt.timedelta(days=organisation_get().no_reply_days)
            if decision.communicated_at is None or now - decision.communicated_at < wait:
                raise Conflict(
                    _(
                        "“No reply” can be recorded only %(days)s days after the decision was communicated."
                    )
                    % {"days": wait.days},
                    code="too_early",
                )
        decision.reaction = reaction
        decision.reaction_at = now
        decision.reaction_note = note.strip()
        decision.save(update_fields=["reaction", "reaction_at", "reaction_note"])
        return {
            "decision": decision.pk,
            "reaction": reaction,
            **({"note": note.strip()} if note.strip() else {}),
        }

    return act(complaint, actor, Action.RECORD_REACTION, change, target=target)


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Take the communicated decision to internal review at a higher level."""
    require({"reason": reason})
    return act(complaint, actor, Action.ESCALATE, lambda c: {"reason": reason.strip()})


def route_withheld(provider: str) -> bool:
    """Whether ``provider`` is a negotiation or mediation route (REQ-VN-3): by its words
    (``rules.is_negotiation_or_mediation``) or because it is a published external body marked
    as one."""
    name = provider.strip()
    return rules.is_negotiation_or_mediation(name) or (
        ExternalBody.objects.filter(is_negotiation_or_mediation=True)
        .filter(Q(name_vi__iexact=name) | Q(name_en__iexact=name))
        .exists()
    )


@transaction.atomic
def complaint_refer_external(
    *, complaint: Complaint, actor: Actor, provider: str, consent: bool, note: str = ""
) -> ExternalReferral:
    """Refer the complaint to an external body; only with the complainant's consent (ISO 10003)."""
    require({"provider": provider})
    if not consent:
        message = _("The complainant's consent is required to refer the complaint.")
        raise ValidationFailed(message, fields={"consent": [message]})
    holder: dict[str, ExternalReferral] = {}

    def change(c: Complaint) -> dict[str, Any]:
        if c.public_interest and route_withheld(provider):
            message = _(
                "This complaint affects the public or many consumers' interest: the law allows "
                "no negotiation or mediation, so it cannot be referred to “%(provider)s”. Refer "
                "it to arbitration, a court or a State body."
            ) % {"provider": provider.strip()}
            raise ValidationFailed(message, fields={"provider": [message]})
        now = timezone.now()
        holder["referral"] = ExternalReferral.objects.create(
            complaint=c,
            provider=provider.strip(),
            consent_at=now,
            note=note.strip(),
            referred_at=now,
            referred_by=actor.user,
        )
        return {"referral": holder["referral"].pk, "provider": provider.strip()}

    act(complaint, actor, Action.REFER_EXTERNAL, change)
    return holder["referral"]


@transaction.atomic
def complaint_record_referral_outcome(
    *, complaint: Complaint, actor: Actor, outcome: str
) -> ExternalReferral:
    """What the external body the complaint was referred to decided (ISO 10003), on the latest
    referral; also after closure, since the body's answer may come later. Recording it again
    replaces the text, and the event keeps each version."""
    require({"outcome": outcome})
    holder: dict[str, ExternalReferral] = {}

    def change(c: Complaint) -> dict[str, Any]:
        referral = c.referrals.select_for_update().order_by("-referred_at", "-pk").first()
        if referral is None:
            raise Conflict(_("This complaint was never referred to an external body."))
        before = referral.outcome
        referral.outcome = outcome.strip()
        referral.save(update_fields=["outcome"])
        holder["referral"] = referral
        return {
            "referral": referral.pk,
            "provider": referral.provider,
            "outcome": referral.outcome,
            **({"previous_outcome": before} if before else {}),
        }

    act(complaint, actor, Action.RECORD_REFERRAL_OUTCOME, change)
    return holder["referral"]


@transaction.atomic
def remedy_settle(*, remedy: Remedy, actor: Actor, waived_reason: str = "") -> Remedy:
    """Mark an agreed remedy fulfilled (or waived, with the reason)."""
    holder: dict[str, Remedy] = {}

    def change(c: Complaint) -> dict[str, Any]:
        locked = Remedy.objects.select_for_update().get(pk=remedy.pk, decision__complaint=c)
        if locked.is_settled:
            raise Conflict(_("This remedy is already settled."), code="already_settled")
        if waived_reason.strip():
            locked.waived_reason = waived_reason.strip()
        else:
            locked.fulfilled_at = timezone.now()
        locked.save(update_fields=["waived_reason", "fulfilled_at"])
        holder["remedy"] = locked
        return {"remedy": locked.pk, "type": locked.type, "waived": bool(waived_reason.strip())}

    act(remedy.decision.complaint, actor, Action.SETTLE_REMEDY, change)
    return holder["remedy"]
