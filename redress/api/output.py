"""Turning register rows into the API's JSON (plain dicts, validated by the response schemas)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from redress.complaints.links import LinkView, complaint_links
from redress.complaints.masking import (
    PersonalDataScope,
    complainant_view,
    holds_personal_data,
    mask_text,
)
from redress.complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    Decision,
    Message,
)
from redress.complaints.models.deadline import running_deadline
from redress.complaints.queues import DUE_SOON
from redress.complaints.selectors import complaint_roles, conflicted_person_ids
from redress.complaints.transitions import ACTION_ROLES, Action, allowed_actions
from redress.core.errors import ValidationFailed
from redress.core.models import User
from redress.integrations.models import ApiToken, Scope

# Each stage's deadline (``review_due_at`` is set only while an internal review runs).
_DEADLINES = (
    "acknowledge_due_at",
    "assess_due_at",
    "decision_due_at",
    "close_due_at",
    "review_due_at",
)


def overdue_q(now: dt.datetime) -> Q:
    """Complaints whose running deadline (the current stage's) has passed, as the back office's
    deadline filter: read from the running deadlines' index."""
    return Q(next_due_at__lt=now)


def due_soon_q(now: dt.datetime) -> Q:
    """Complaints whose running deadline comes within ``DUE_SOON`` (not yet passed)."""
    return Q(next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)


def is_overdue(complaint: Complaint, now: dt.datetime) -> bool:
    """``overdue_q`` for one complaint in memory (computed from its columns, which the caller
    may just have changed)."""
    due = running_deadline(complaint)
    return due is not None and due < now


def deadlines(complaint: Complaint) -> dict[str, dt.datetime | None]:
    return {due: getattr(complaint, due) for due in _DEADLINES}


def complaint_summary(complaint: Complaint, now: dt.datetime) -> dict[str, Any]:
    """Needs ``unit``, ``category`` and ``owner`` loaded (select_related)."""
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "channel": complaint.channel,
        "subject": complaint.subject,
        "received_at": complaint.received_at,
        "unit": {"code": complaint.unit.code, "name": complaint.unit.name},
        "category": complaint.category.code if complaint.category_id else None,  # type: ignore[union-attr]
        "owner": complaint.owner.get_username() if complaint.owner_id else None,  # type: ignore[union-attr]
        "priority": complaint.priority,
        "severity": complaint.severity,
        "is_significant": complaint.is_significant,
        "is_paused": complaint.paused_at is not None,
        "overdue": is_overdue(complaint, now),
        "deadlines": deadlines(complaint),
    }


def actions_for(user: User, token: ApiToken, complaint: Complaint) -> list[str]:
    """The actions the token may take on the complaint now: allowed in its state, by the user's
    roles for it, and within the token's scopes."""
    if not token.has_scope(Scope.ACTIONS):
        return []
    roles = complaint_roles(user, complaint)
    possible = [
        action
        for action in allowed_actions(complaint.status)
        if roles & ACTION_ROLES.get(action, frozenset())
    ]
    # As in the back office: one declaration of a conflict per person, and a withdrawal only of
    # a declaration that stands.
    if Action.DECLARE_CONFLICT in possible or Action.WITHDRAW_CONFLICT in possible:
        conflicted = conflicted_person_ids(complaint)
        unavailable = {Action.DECLARE_CONFLICT if user.pk in conflicted else ""}
        if not conflicted:
            unavailable.add(Action.WITHDRAW_CONFLICT)
        possible = [action for action in possible if action not in unavailable]
    return possible


def event_out(event: ComplaintEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor_label,
        "actor_kind": event.actor_kind,
        "method": event.method,
        "visible_to_complainant": event.visible_to_complainant,
        "data": event.data or {},
    }


def decision_out(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "state": decision.state,
        "outcome": decision.outcome,
        "summary": decision.summary,
        "reasons": decision.reasons,
        "is_review": decision.is_review,
        "proposed_by": decision.proposed_by.get_username(),
        "proposed_at": decision.proposed_at,
        "approved_at": decision.approved_at,
        "communicated_at": decision.communicated_at,
        "reaction": decision.reaction,
        "remedies": [
            {
                "id": r.pk,
                "type": r.type,
                "description": r.description,
                "amount": int(r.amount),
                "currency": r.currency,
                "due_at": r.due_at,
                "fulfilled_at": r.fulfilled_at,
                "waived_reason": r.waived_reason,
            }
            for r in decision.remedies.all()
        ],
    }


def complaint_detail(
    complaint: Complaint, *, user: User, token: ApiToken, now: dt.datetime
) -> dict[str, Any]:
    """Needs ``complainant``, ``unit``, ``category``, ``owner`` and ``product`` loaded; reads the
    events, decisions and links (4 queries)."""
    person = complaint.complainant
    shown = complainant_view(complaint, PersonalDataScope.for_user(user))
    events = list(complaint.events.order_by("at", "pk"))
    decisions = list(
        complaint.decisions.select_related("proposed_by")
        .prefetch_related("remedies")
        .order_by("proposed_at", "pk")
    )
    return {
        **complaint_summary(complaint, now),
        "description": complaint.description,
        "language": complaint.language,
        "source_system": complaint.source_system,
        "complainant": {
            "masked": shown.masked,
            "full_name": shown.full_name,
            "organisation": shown.organisation,
            "email": shown.email,
            "phone": shown.phone,
            "address": shown.address,
            "preferred_language": person.preferred_language,
            "preferred_channel": person.preferred_channel,
            # As said with this complaint (the person's record keeps what they first said).
            "vulnerable_group": complaint.vulnerable_group,
        },
        "representative_name": mask_text(complaint.representative_name)
        if shown.masked
        else complaint.representative_name,
        "occurred_on": complaint.occurred_on,
        "product": complaint.product.code if complaint.product_id else None,  # type: ignore[union-attr]
        "order_ref": complaint.order_ref,
        "remedy_requested": complaint.remedy_requested,
        "amount_claimed": int(complaint.amount_claimed)
        if complaint.amount_claimed is not None
        else None,
        "currency": complaint.currency,
        "is_negotiation_request": complaint.is_negotiation_request,
        "classification": complaint.classification,
        "impact": complaint.impact,
        "complexity": complaint.complexity,
        "health_safety": complaint.health_safety,
        "public_interest": complaint.public_interest,
        "fee": {
            "amount": int(complaint.fee_amount),
            "waived": complaint.fee_waived,
            "waived_reason": complaint.fee_waived_reason,
        }
        if complaint.fee_amount is not None
        else None,
        "paused_at": complaint.paused_at,
        "pause_reason": complaint.pause_reason,
        "acknowledged_at": complaint.acknowledged_at,
        "assessed_at": complaint.assessed_at,
        "decision_communicated_at": complaint.decision_communicated_at,
        "closed_at": complaint.closed_at,
        "closure_note": complaint.closure_note,
        "reopen_count": complaint.reopen_count,
        "allowed_actions": actions_for(user, token, complaint),
        "events": [event_out(e) for e in events],
        "decisions": [decision_out(d) for d in decisions],
        "links": [link_out(view) for view in complaint_links(user, complaint)],
    }


def link_out(view: LinkView) -> dict[str, Any]:
    """A link to another complaint the reader may see (their personal data is not repeated)."""
    return {
        "reference": view.other.reference,
        "subject": view.other.subject,
        "status": view.other.status,
        "relation": view.relation,
        "found_by": view.link.found_by,
        "found_at": view.link.found_at,
        "decided_at": view.link.resolved_at,
    }


def attachment_out(attachment: Attachment, *, hidden: bool = False) -> dict[str, Any]:
    """``hidden``: the file holds personal data the reader has no need to know (its name too)."""
    return {
        "id": attachment.pk,
        "name": mask_text(attachment.original_name) if hidden else attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "uploaded_by": attachment.uploaded_by_label,
        "message": attachment.message_id,
    }


def message_out(message: Message, *, masked: bool = False) -> dict[str, Any]:
    """Needs ``author`` loaded and ``attachments`` prefetched. ``masked``: the reader sees the
    complainant masked, so what passed between them and the organisation is hidden."""
    hidden = masked and holds_personal_data(message)
    return {
        "id": message.pk,
        "direction": message.direction,
        "channel": message.channel,
        "author": message.author.get_username() if message.author_id else None,  # type: ignore[union-attr]
        "subject": mask_text(message.subject) if hidden else message.subject,
        "body": mask_text(message.body) if hidden else message.body,
        "created_at": message.created_at,
        "delivery_state": message.delivery_state,
        "content_hidden": hidden,
        "attachments": [attachment_out(a, hidden=hidden) for a in message.attachments.all()],
    }


# --------------------------------------------------------------------------------------------
# Cursors: opaque to clients, keyset underneath (no OFFSET, no COUNT).


def cursor_encode(*parts: object) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode().rstrip("=")


def _cursor_parts(cursor: str, count: int) -> list[str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        text = ""
    parts = text.split("|")
    if len(parts) != count:
        raise _bad_cursor()
    return parts


def _bad_cursor() -> ValidationFailed:
    message = _("This cursor is not valid; start again without one.")
    return ValidationFailed(message, fields={"cursor": [message]})


def cursor_time_pk(cursor: str) -> tuple[dt.datetime, int]:
    at, pk = _cursor_parts(cursor, 2)
    try:
        moment = dt.datetime.fromisoformat(at)
        number = int(pk)
    except ValueError:
        raise _bad_cursor() from None
    if moment.tzinfo is None or not 0 < number < 2**62:
        raise _bad_cursor()
    return moment, number


def cursor_pk(cursor: str) -> int:
    (pk,) = _cursor_parts(cursor, 1)
    try:
        number = int(pk)
    except ValueError:
        raise _bad_cursor() from None
    if not 0 <= number < 2**62:
        raise _bad_cursor()
    return number
