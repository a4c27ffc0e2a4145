"""Every write to the complaint register (DESIGN.md rule 1).

Each service is atomic: it locks the complaint, checks the action against the lifecycle table
and the actor's roles, changes what it must, and writes one complaint event and one audit entry
in the same transaction. A refused action raises an ``ApplicationError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record, jsonable
from redress.complaints.attachments import IncomingFile, attachments_check, attachments_store
from redress.complaints.effects import after_action
from redress.complaints.models import (
    Category,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Level,
    Message,
    PauseReason,
    Priority,
    Product,
    Reaction,
    Remedy,
    RemedyType,
    SatisfactionResponse,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.permissions import ACTION_ROLES
from redress.complaints.references import reference_next, tracking_code_hash, tracking_code_new
from redress.complaints.search import search_texts
from redress.complaints.selectors import complaint_roles
from redress.complaints.transitions import SAME, VISIBLE_TO_COMPLAINANT, Action, transition_check
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.memo import memo
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import (
    organisation_get,
    unit_descendant_ids,
    user_roles,
    users_with_role,
)
from redress.notifications.models import Notification
from redress.notifications.services import message_email, notify_users, receipt_notify

# Channels and system jobs act without a person; these are the actions they may take.
CHANNEL_ACTIONS = frozenset(
    {
        Action.RECEIVE,
        Action.ACKNOWLEDGE,
        Action.ADD_MESSAGE,
        Action.RESUME,
        Action.RECORD_REACTION,
        Action.WITHDRAW,
        Action.RATE,
    }
)

_AUDITED_FIELDS = (
    "status",
    "owner_id",
    "unit_id",
    "priority",
    "severity",
    "classification",
    "health_safety",
    "is_significant",
    "paused_at",
    "pause_reason",
)


def _require(fields: dict[str, str]) -> None:
    """Raise one error naming every missing field (``fields`` maps name to value)."""
    missing = {
        name: [_("This field is required.")]
        for name, value in fields.items()
        if not (value or "").strip()
    }
    if missing:
        raise ValidationFailed(_("Some required fields are empty."), fields=missing)


def _check_choice(name: str, value: str, choices: type, *, blank: bool = False) -> None:
    if (blank and value == "") or value in choices.values:  # type: ignore[attr-defined]
        return
    raise ValidationFailed(
        _("“%(value)s” is not a valid choice.") % {"value": value},
        fields={name: [_("Not a valid choice.")]},
    )


def _check_permission(
    actor: Actor, complaint: Complaint | None, action: str, *, unit: OrgUnit | None = None
) -> None:
    if actor.kind == "system":
        return
    if actor.kind == "channel":
        if action in CHANNEL_ACTIONS:
            return
        raise NotPermitted(
            _("This channel cannot take the action “%(action)s”.")
            % {"action": Action(action).label}
        )
    assert actor.user is not None
    if complaint is None:
        # Receiving: the person needs an intake role in the unit (or above it, for managers).
        roles = user_roles(actor.user)
        target = unit.pk if unit else None
        allowed = ACTION_ROLES[action]
        for role, unit_ids in roles.items():
            if role not in allowed:
                continue
            scope = unit_descendant_ids(unit_ids) if role == Role.COMPLAINTS_MANAGER else unit_ids
            if target is None or target in scope:
                return
        raise NotPermitted(_("You may not receive complaints for this unit."))
    if not complaint_roles(actor.user, complaint) & ACTION_ROLES[action]:
        raise NotPermitted(
            _("Your role does not allow the action “%(action)s” on this complaint.")
            % {"action": Action(action).label}
        )


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {name: getattr(complaint, name) for name in _AUDITED_FIELDS}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _lock(complaint: Complaint) -> Complaint:
    """Reload the complaint with its row locked, so that two people acting at once are
    serialised and each sees the other's result."""
    return Complaint.objects.select_for_update().select_related("complainant").get(pk=complaint.pk)


def _record(
    *,
    complaint: Complaint,
    actor: Actor,
    action: str,
    from_status: str,
    before: dict[str, Any],
    data: dict[str, Any] | None = None,
    method: str = "",
    at: dt.datetime | None = None,
    before_publishing: Callable[[], None] | None = None,
) -> ComplaintEvent:
    """Write the follow-up event and the audit entry of one action (``before_publishing``: see
    ``effects.after_action``)."""
    at = at or timezone.now()
    data = jsonable(data or {})
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        at=at,
        action=action,
        from_status=from_status,
        to_status=complaint.status,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        actor_user=actor.user,
        method=method or (actor.label if actor.kind == "channel" else ""),
        data=data,
        visible_to_complainant=action in VISIBLE_TO_COMPLAINANT,
    )
    after_action(complaint, event, before_publishing=before_publishing)
    # Last: the audit chain's head stays locked until commit, and every writer waits for it.
    audit_before, audit_after = _diff(before, _snapshot(complaint))
    audit_record(
        actor=actor,
        action=f"complaint.{action}",
        target=complaint,
        target_label=complaint.reference,
        before=audit_before,
        after={**audit_after, "event": event.pk, **({"data": data} if data else {})},
        at=at,
    )
    return event


def _act(
    complaint: Complaint,
    actor: Actor,
    action: str,
    change: Callable[[Complaint], dict[str, Any] | None],
    *,
    target: str = SAME,
    method: str = "",
) -> Complaint:
    """The common shape of a lifecycle service: lock, check, change, record.

    ``change`` mutates the locked complaint (never ``status``) and returns the event data; it
    may raise to refuse, in which case nothing is written.
    """
    locked = _lock(complaint)
    _check_permission(actor, locked, action)
    from_status = locked.status
    new_status = transition_check(from_status, action, target)
    before = _snapshot(locked)
    data = change(locked) or {}
    locked.status = new_status
    locked.save()
    _record(
        complaint=locked,
        actor=actor,
        action=action,
        from_status=from_status,
        before=before,
        data=data,
        method=method,
    )
    return locked


def _flag_significance(complaint: Complaint) -> bool:
    """Set ``is_significant``; True when the complaint has just become significant."""
    vulnerable = bool(complaint.complainant.vulnerable_group)
    significant = (
        complaint.health_safety
        or complaint.severity in (Severity.HIGH, Severity.CRITICAL)
        or vulnerable
    )
    became = significant and not complaint.is_significant
    complaint.is_significant = significant
    return became


def _notify_significant(complaint: Complaint) -> None:
    """Tell the complaints managers over the unit and top management at once (ISO 10002 5.3)."""
    managers = users_with_role(
        Role.COMPLAINTS_MANAGER, unit_ids=_unit_and_ancestors(complaint.unit_id)
    )
    top = users_with_role(Role.TOP_MANAGEMENT)
    notify_users(
        users=[*managers, *top],
        kind=Notification.Kind.SIGNIFICANT,
        complaint=complaint,
        dedupe_key=f"significant:{complaint.pk}",
    )


def _unit_and_ancestors(unit_id: int) -> list[int]:
    from redress.core.selectors import unit_ancestor_ids

    return unit_ancestor_ids(unit_id)


def _parse_amount(value: object, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("The amount must be a number."),
            fields={field_name: [_("Enter a whole number of đồng.")]},
        ) from None
    if amount < 0 or amount != amount.to_integral_value():
        raise ValidationFailed(
            _("The amount must be a whole, positive number."),
            fields={field_name: [_("Enter a whole number of đồng.")]},
        )
    return amount


# --------------------------------------------------------------------------------------------
# Receipt (7.2)


def complainant_get_or_create(
    *,
    full_name: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    organisation: str = "",
    preferred_language: str = "vi",
    preferred_channel: str = Channel.EMAIL,
    vulnerable_group: str = "",
) -> Complainant:
    """The complainant with this email (or, without one, this phone), or a new one.

    A returning complainant's vulnerable group and preferences are updated to what they say now.
    """
    _require({"full_name": full_name})
    if not (email.strip() or phone.strip() or address.strip()):
        message = _("Give at least one way to reach you: email, phone or address.")
        raise ValidationFailed(message, fields={"email": [message], "phone": [message]})
    _check_choice("vulnerable_group", vulnerable_group, VulnerableGroup, blank=True)
    _check_choice("preferred_channel", preferred_channel, Channel)
    if preferred_language not in ("vi", "en"):
        raise ValidationFailed(
            _("Unknown language."), fields={"preferred_language": [_("Not a valid choice.")]}
        )
    existing = None
    if email.strip():
        existing = Complainant.objects.filter(
            email__iexact=email.strip(), full_name=full_name.strip()
        ).first()
    elif phone.strip():
        existing = Complainant.objects.filter(
            phone=phone.strip(), full_name=full_name.strip()
        ).first()
    if existing is not None:
        existing.vulnerable_group = vulnerable_group
        existing.preferred_language = preferred_language
        existing.preferred_channel = preferred_channel
        existing.save(update_fields=["vulnerable_group", "preferred_language", "preferred_channel"])
        return existing
    return Complainant.objects.create(
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        organisation=organisation.strip(),
        preferred_language=preferred_language,
        preferred_channel=preferred_channel,
        vulnerable_group=vulnerable_group,
    )


@memo
def default_intake_unit() -> OrgUnit:
    """The top unit, which receives what names no unit (remembered: ``redress.core.memo``)."""
    unit = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    if unit is None:
        raise ValidationFailed(_("No organisation unit is configured to receive complaints."))
    return unit


@dataclass
class Received:
    """A new complaint and its tracking code, which exists only here (it is stored hashed)."""

    complaint: Complaint
    tracking_code: str


@transaction.atomic
def complaint_receive(
    *,
    actor: Actor,
    complainant: Complainant,
    channel: str,
    subject: str,
    description: str,
    unit: OrgUnit | None = None,
    received_at: dt.datetime | None = None,
    received_by: User | None = None,
    category: Category | None = None,
    product: Product | None = None,
    occurred_on: dt.date | None = None,
    order_ref: str = "",
    remedy_requested: str = "",
    amount_claimed: object = None,
    is_negotiation_request: bool = False,
    health_safety: bool = False,
    language: str = "vi",
    representative_name: str = "",
    representative_relation: str = "",
    representative_contact: str = "",
    subject_staff: User | None = None,
    source_system: str = "",
    attachments: Sequence[IncomingFile] = (),
) -> Received:
    """Register a complaint (7.2): a gap-free reference, a tracking code, the follow-up record.

    Raises ``ValidationFailed`` (naming the fields) for missing or invalid input and
    ``NotPermitted`` when a person without an intake role for the unit tries to receive.
    """
    _require({"subject": subject, "description": description})
    _check_choice("channel", channel, Channel)
    amount = _parse_amount(amount_claimed, "amount_claimed")
    files = attachments_check(attachments)
    if occurred_on and occurred_on > timezone.localdate():
        raise ValidationFailed(
            _("The date of the problem cannot be in the future."),
            fields={"occurred_on": [_("Date in the future.")]},
        )
    unit = unit or default_intake_unit()
    _check_permission(actor, None, Action.RECEIVE, unit=unit)
    organisation = organisation_get()
    at = received_at or timezone.now()
    code = tracking_code_new()
    complaint = Complaint(
        # Provisional and unique; the gap-free reference replaces it before anything shows it.
        reference=f"~{uuid.uuid4().hex[:30]}",
        status=Status.RECEIVED,
        channel=channel,
        received_at=at,
        received_by=received_by or actor.user,
        language=language if language in ("vi", "en") else "vi",
        source_system=source_system,
        complainant=complainant,
        representative_name=representative_name.strip(),
        representative_relation=representative_relation.strip(),
        representative_contact=representative_contact.strip(),
        subject=subject.strip()[:300],
        description=description.strip(),
        occurred_on=occurred_on,
        category=category,
        product=product,
        order_ref=order_ref.strip(),
        remedy_requested=remedy_requested.strip(),
        amount_claimed=amount,
        currency=organisation.currency,
        is_negotiation_request=is_negotiation_request,
        health_safety=health_safety,
        subject_staff=subject_staff,
        unit=unit,
    )
    if complainant.vulnerable_group:
        complaint.priority = Priority.HIGH
    if health_safety:
        complaint.priority = Priority.URGENT
        complaint.severity = Severity.HIGH
    became_significant = _flag_significance(complaint)
    complaint.save(force_insert=True)

    def reference_assign() -> None:
        # The year's counter stays locked until commit (references are gap-free), so every other
        # intake waits from here on: it is taken after the deadlines are set, leaving under the
        # lock only the work that shows the reference (mail, webhooks, audit).
        complaint.reference = reference_next(
            prefix=organisation.reference_prefix, received_at=at, time_zone=organisation.time_zone
        )
        complaint.tracking_code_hash = tracking_code_hash(complaint.reference, code)
        complaint.search_text, complaint.search_personal = search_texts(complaint)
        Complaint.objects.filter(pk=complaint.pk).update(
            reference=complaint.reference,
            tracking_code_hash=complaint.tracking_code_hash,
            search_text=complaint.search_text,
            search_personal=complaint.search_personal,
        )

    _record(
        complaint=complaint,
        actor=actor,
        action=Action.RECEIVE,
        from_status="",
        before={},
        data={
            "channel": channel,
            "negotiation_request": is_negotiation_request,
            "attachments": len(files),
        },
        method=channel,
        at=at,
        before_publishing=reference_assign,
    )
    attachments_store(files, complaint=complaint, message=None, uploaded_by=str(actor))
    receipt_notify(complaint=complaint, tracking_code=code)
    if became_significant:
        _notify_significant(complaint)
    return Received(complaint=complaint, tracking_code=code)


# --------------------------------------------------------------------------------------------
# Acknowledgement, assessment, assignment, clock (7.4, 7.5)


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """Acknowledge receipt to the complainant (7.4)."""

    def change(c: Complaint) -> dict[str, Any]:
        c.acknowledged_at = timezone.now()
        return {"note": note} if note else {}

    return _act(complaint, actor, Action.ACKNOWLEDGE, change)


@transaction.atomic
def complaint_assess(
    *,
    complaint: Complaint,
    actor: Actor,
    classification: str = Classification.COMPLAINT,
    severity: str = Severity.MEDIUM,
    priority: str = Priority.NORMAL,
    impact: str = "",
    complexity: str = "",
    health_safety: bool = False,
    immediate_action: str = "",
    category: Category | None = None,
    reason: str = "",
) -> Complaint:
    """Initial assessment (7.5). Classifying the item as not a complaint or out of scope needs a
    reason and ends in ``not_accepted``. Health/safety raises priority to urgent."""
    _check_choice("classification", classification, Classification)
    _check_choice("severity", severity, Severity)
    _check_choice("priority", priority, Priority)
    _check_choice("impact", impact, Level, blank=True)
    _check_choice("complexity", complexity, Level, blank=True)
    accepted = classification == Classification.COMPLAINT
    if not accepted:
        _require({"reason": reason})

    def change(c: Complaint) -> dict[str, Any]:
        c.classification = classification
        c.severity = severity
        c.priority = Priority.URGENT if health_safety else priority
        c.impact = impact
        c.complexity = complexity
        c.health_safety = health_safety
        c.immediate_action = immediate_action.strip()
        if category is not None:
            c.category = category
        c.assessed_at = timezone.now()
        if _flag_significance(c):
            _notify_significant(c)
        return {
            "classification": classification,
            "severity": severity,
            "priority": c.priority,
            "health_safety": health_safety,
            **({"reason": reason.strip()} if reason.strip() else {}),
        }

    target = Status.ASSESSED if accepted else Status.NOT_ACCEPTED
    return _act(complaint, actor, Action.ASSESS, change, target=target)


def _can_own(user: User, unit_id: int) -> bool:
    roles = user_roles(user)
    if unit_id in roles.get(Role.HANDLER, set()):
        return True
    managed = roles.get(Role.COMPLAINTS_MANAGER)
    return managed is not None and unit_id in unit_descendant_ids(managed)


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, actor: Actor, owner: User | None = None, unit: OrgUnit | None = None
) -> Complaint:
    """Give the complaint an owner and/or move it to a unit (4.12: exactly one owner).

    The owner must handle complaints of the unit and may not be the person complained about.
    A handler may only take a complaint for themselves; managers assign anyone.
    """
    if owner is None and unit is None:
        raise ValidationFailed(
            _("Choose an owner or a unit."), fields={"owner": [_("This field is required.")]}
        )

    def change(c: Complaint) -> dict[str, Any]:
        new_unit = unit or c.unit
        if owner is not None:
            if owner.pk == c.subject_staff_id:
                raise Conflict(
                    _("The person complained about cannot own the complaint."), code="subject_staff"
                )
            if not owner.is_active or not _can_own(owner, new_unit.pk):
                raise ValidationFailed(
                    _("%(name)s does not handle complaints of this unit.") % {"name": owner},
                    fields={"owner": [_("Not a handler of this unit.")]},
                )
            if (
                actor.user is not None
                and owner.pk != actor.user.pk
                and Role.COMPLAINTS_MANAGER not in complaint_roles(actor.user, c)
            ):
                raise NotPermitted(
                    _("Only a complaints manager can assign a complaint to someone else.")
                )
        if (
            unit is not None
            and actor.user is not None
            and Role.COMPLAINTS_MANAGER not in complaint_roles(actor.user, c)
        ):
            raise NotPermitted(_("Only a complaints manager can move a complaint to another unit."))
        c.unit = new_unit
        if owner is not None:
            c.owner = owner
        elif unit is not None and c.owner_id and not _can_own(c.owner, new_unit.pk):  # type: ignore[arg-type]
            c.owner = None
        return {"owner": c.owner_id, "unit": c.unit_id}

    result = _act(complaint, actor, Action.ASSIGN, change)
    if owner is not None and (actor.user is None or owner.pk != actor.user.pk):
        notify_users(users=[owner], kind=Notification.Kind.ASSIGNED, complaint=result)
    return result


@transaction.atomic
def complaint_prioritise(
    *, complaint: Complaint, actor: Actor, priority: str, reason: str = ""
) -> Complaint:
    """Change the priority (deadlines are recomputed by the SLA engine)."""
    _check_choice("priority", priority, Priority)

    def change(c: Complaint) -> dict[str, Any]:
        previous = c.priority
        c.priority = priority
        return {
            "from": previous,
            "to": priority,
            **({"reason": reason.strip()} if reason.strip() else {}),
        }

    return _act(complaint, actor, Action.PRIORITISE, change)


@transaction.atomic
def complaint_pause(
    *, complaint: Complaint, actor: Actor, reason: str, note: str = ""
) -> Complaint:
    """Stop the clock while waiting for the complainant or a third party (reason recorded)."""
    _check_choice("reason", reason, PauseReason)
    if reason == PauseReason.OTHER:
        _require({"note": note})

    def change(c: Complaint) -> dict[str, Any]:
        if c.paused_at is not None:
            raise Conflict(_("The complaint is already paused."), code="already_paused")
        c.paused_at = timezone.now()
        c.pause_reason = reason
        return {"reason": reason, "note": note.strip()}

    return _act(complaint, actor, Action.PAUSE, change)


def _resume_change(note: str) -> Callable[[Complaint], dict[str, Any]]:
    def change(c: Complaint) -> dict[str, Any]:
        if c.paused_at is None:
            raise Conflict(_("The complaint is not paused."), code="not_paused")
        paused_for = timezone.now() - c.paused_at
        data = {
            "reason": c.pause_reason,
            "paused_seconds": int(paused_for.total_seconds()),
            "note": note.strip(),
        }
        c.paused_at = None
        c.pause_reason = ""
        return data

    return change


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """Restart the clock; the event records how long it was stopped."""
    return _act(complaint, actor, Action.RESUME, _resume_change(note))


@transaction.atomic
def complaint_start_investigation(
    *, complaint: Complaint, actor: Actor, plan: str = ""
) -> Complaint:
    """Begin the investigation (7.6)."""
    return _act(
        complaint,
        actor,
        Action.START_INVESTIGATION,
        lambda c: {"plan": plan.strip()} if plan.strip() else {},
    )


# --------------------------------------------------------------------------------------------
# Notes and messages


@transaction.atomic
def complaint_add_note(
    *, complaint: Complaint, actor: Actor, body: str, attachments: Sequence[IncomingFile] = ()
) -> Message:
    """An internal note among staff (with evidence files); never shown to the complainant."""
    _require({"body": body})
    files = attachments_check(attachments)
    holder: dict[str, Message] = {}

    def change(c: Complaint) -> dict[str, Any]:
        holder["message"] = Message.objects.create(
            complaint=c,
            direction=Message.Direction.INTERNAL,
            author=actor.user,
            body=body.strip(),
            created_at=timezone.now(),
        )
        attachments_store(files, complaint=c, message=holder["message"], uploaded_by=str(actor))
        return {"message": holder["message"].pk, "attachments": len(files)}

    _act(complaint, actor, Action.ADD_NOTE, change)
    return holder["message"]


@transaction.atomic
def complaint_add_message(
    *,
    complaint: Complaint,
    actor: Actor,
    direction: str,
    body: str,
    subject: str = "",
    channel: str = "",
    email_message_id: str = "",
    attachments: Sequence[IncomingFile] = (),
) -> Message:
    """A message from the complainant (portal, email) or to the complainant (back office).

    A message from the complainant resumes a complaint paused while waiting for them.
    """
    _require({"body": body})
    files = attachments_check(attachments)
    if direction not in (Message.Direction.INBOUND, Message.Direction.OUTBOUND):
        raise ValidationFailed(
            _("Unknown message direction."), fields={"direction": [_("Not a valid choice.")]}
        )
    holder: dict[str, Message] = {}

    def change(c: Complaint) -> dict[str, Any]:
        holder["message"] = Message.objects.create(
            complaint=c,
            direction=direction,
            channel=channel or (actor.label if actor.kind == "channel" else ""),
            author=actor.user,
            subject=subject.strip()[:300],
            body=body.strip(),
            created_at=timezone.now(),
            email_message_id=email_message_id,
        )
        attachments_store(files, complaint=c, message=holder["message"], uploaded_by=str(actor))
        if direction == Message.Direction.OUTBOUND and holder["message"].channel in (
            "",
            Channel.EMAIL,
        ):
            message_email(message=holder["message"])
        return {"message": holder["message"].pk, "direction": direction, "attachments": len(files)}

    updated = _act(complaint, actor, Action.ADD_MESSAGE, change, method=channel)
    if direction == Message.Direction.INBOUND:
        if updated.paused_at is not None and updated.pause_reason == PauseReason.COMPLAINANT:
            _act(updated, Actor.system("complainant-replied"), Action.RESUME, _resume_change(""))
        if updated.owner_id:
            notify_users(users=[updated.owner], kind=Notification.Kind.MESSAGE, complaint=updated)  # type: ignore[list-item]
    return holder["message"]


# --------------------------------------------------------------------------------------------
# Decision and remedies (7.7, 7.8)


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
    extra: dict[str, Any] = field(default_factory=dict)


def _current_decision(complaint: Complaint, *states: str) -> Decision:
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
    from redress.complaints.models import Outcome

    _check_choice("outcome", outcome, Outcome)
    _require({"summary": summary, "reasons": reasons})
    parsed: list[tuple[RemedyInput, Decimal]] = []
    for index, remedy in enumerate(remedies):
        _check_choice(f"remedies.{index}.type", remedy.type, RemedyType)
        parsed.append(
            (remedy, _parse_amount(remedy.amount, f"remedies.{index}.amount") or Decimal(0))
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

    result = _act(complaint, actor, Action.PROPOSE_DECISION, change)
    approvers = users_with_role(
        Role.COMPLAINTS_MANAGER, unit_ids=_unit_and_ancestors(result.unit_id)
    )
    notify_users(
        users=[u for u in approvers if u.pk != actor.user_id],
        kind=Notification.Kind.APPROVAL_NEEDED,
        complaint=result,
    )
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
        decision = _current_decision(c, Decision.State.PROPOSED)
        if c.subject_staff_id is not None and c.subject_staff_id == actor.user_id:
            raise Conflict(
                _("The person complained about cannot decide the complaint."), code="subject_staff"
            )
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

    _act(complaint, actor, Action.APPROVE_DECISION, change)
    assert holder.decision is not None
    return holder.decision


@transaction.atomic
def complaint_return_decision(*, complaint: Complaint, actor: Actor, reason: str) -> Decision:
    """Send the proposal back for more work, with the reason; back to the stage it came from."""
    _require({"reason": reason})
    locked = Complaint.objects.get(pk=complaint.pk)
    decision = (
        _current_decision(locked, Decision.State.PROPOSED)
        if locked.status == Status.DECISION_PROPOSED
        else None
    )
    target = (
        Status.UNDER_REVIEW if decision is not None and decision.is_review else Status.INVESTIGATING
    )

    def change(c: Complaint) -> dict[str, Any]:
        assert decision is not None
        decision.state = Decision.State.RETURNED
        decision.returned_reason = reason.strip()
        decision.save(update_fields=["state", "returned_reason"])
        return {"decision": decision.pk, "reason": reason.strip()}

    _act(complaint, actor, Action.RETURN_DECISION, change, target=target)
    assert decision is not None
    return decision


@transaction.atomic
def complaint_communicate_decision(
    *, complaint: Complaint, actor: Actor, via: str = Channel.EMAIL, note: str = ""
) -> Decision:
    """Tell the complainant the decision, its reasons and how to contest it (7.8)."""
    _check_choice("via", via, Channel)
    holder = _Holder()

    def change(c: Complaint) -> dict[str, Any]:
        decision = _current_decision(c, Decision.State.APPROVED)
        now = timezone.now()
        decision.state = Decision.State.COMMUNICATED
        decision.communicated_at = now
        decision.communicated_via = via
        decision.save(update_fields=["state", "communicated_at", "communicated_via"])
        c.decision_communicated_at = now
        holder.decision = decision
        return {"decision": decision.pk, "outcome": decision.outcome, "via": via}

    _act(complaint, actor, Action.COMMUNICATE_DECISION, change, method=via)
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
    _check_choice("reaction", reaction, Reaction)
    if reaction == Reaction.REJECTED:
        _require({"note": note})
    target = Status.UNDER_REVIEW if reaction == Reaction.REJECTED else Status.RESOLVED

    def change(c: Complaint) -> dict[str, Any]:
        decision = _current_decision(c, Decision.State.COMMUNICATED)
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

    return _act(complaint, actor, Action.RECORD_REACTION, change, target=target)


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Take the communicated decision to internal review at a higher level."""
    _require({"reason": reason})
    return _act(complaint, actor, Action.ESCALATE, lambda c: {"reason": reason.strip()})


@transaction.atomic
def complaint_refer_external(
    *, complaint: Complaint, actor: Actor, provider: str, consent: bool, note: str = ""
) -> ExternalReferral:
    """Refer the complaint to an external body; only with the complainant's consent (ISO 10003)."""
    _require({"provider": provider})
    if not consent:
        message = _("The complainant's consent is required to refer the complaint.")
        raise ValidationFailed(message, fields={"consent": [message]})
    holder: dict[str, ExternalReferral] = {}

    def change(c: Complaint) -> dict[str, Any]:
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

    _act(complaint, actor, Action.REFER_EXTERNAL, change)
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

    _act(remedy.decision.complaint, actor, Action.SETTLE_REMEDY, change)
    return holder["remedy"]


# --------------------------------------------------------------------------------------------
# Closing (7.9), reopening, withdrawal


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
            decision = _current_decision(c, Decision.State.COMMUNICATED)
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
            _require({"note": note})
        c.closed_at = timezone.now()
        c.closure_note = note.strip()
        c.paused_at = None
        c.pause_reason = ""
        return {"note": note.strip()} if note.strip() else {}

    return _act(complaint, actor, Action.CLOSE, change)


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Reopen a closed complaint for further investigation (the reason is recorded)."""
    _require({"reason": reason})

    def change(c: Complaint) -> dict[str, Any]:
        c.closed_at = None
        # A reopened complaint needs a new decision: the first one stays in its decision row
        # and the event record, and the deadline engine sees the new round as pending.
        c.decision_communicated_at = None
        c.reopen_count += 1
        return {"reason": reason.strip()}

    return _act(complaint, actor, Action.REOPEN, change)


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
) -> SatisfactionResponse:
    """The complainant's satisfaction with the handling (8.3): after closure, once per complaint."""
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
            **scores,  # type: ignore[arg-type]
        )
        return {"overall": overall}

    _act(complaint, actor, Action.RATE, change)
    return holder["response"]


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor: Actor, reason: str = "") -> Complaint:
    """The complainant withdraws the complaint."""
    return _act(
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
) -> ComplaintEvent:
    """What became of an email to the complainant (sent, failed after the last retry, bounced),
    as an event on the complaint's follow-up record (ISO 10002 7.8: the complainant was told, or
    was not and someone must reach them another way). Called by the outbox; the stage is kept.

    Neither the error text nor the subject is copied here: they may quote the address or the
    complaint, which not everyone who reads the record may see. They stay on the outbound email.
    """
    locked = _lock(Complaint(pk=complaint_id))
    _check_permission(actor, locked, Action.RECORD_DELIVERY)
    transition_check(locked.status, Action.RECORD_DELIVERY)
    data = {"delivery": state, "message": message_id, "template": template, "attempts": attempts}
    return _record(
        complaint=locked,
        actor=actor,
        action=Action.RECORD_DELIVERY,
        from_status=locked.status,
        before=_snapshot(locked),
        data=data,
    )
