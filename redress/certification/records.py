"""The full records of sampled complaints, as the pack and the external auditor's pages show
them: the complaint, its follow-up record (events), decisions with their remedies, and the
messages that passed (ISO 10002 7.2–7.9). Read in a fixed number of queries for the whole
sample (one per kind of record), never one per complaint.

The complainant's personal data is masked (``complaints.masking``) unless the scope given allows
it: the pack's asker where they asked for it and are entitled, never an external auditor.
Messages between the complainant and the organisation are personal data; internal notes are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models

from redress.complaints.masking import (
    ComplainantView,
    PersonalDataScope,
    complainant_view,
    holds_personal_data,
    mask_text,
)
from redress.complaints.models import Channel, Complaint, ComplaintEvent, Decision, Message, Status
from redress.complaints.transitions import Action

# Nobody is entitled: the scope of an external auditor and of a masked pack.
MASKED = PersonalDataScope(user_id=None, unit_ids=frozenset(), owner_sees=False)


@dataclass(frozen=True)
class MessageLine:
    message: Message
    subject: str
    body: str


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The person's word for a stored code; the code itself when it is not one of ``choices``
    (a method that is not a channel) or empty."""
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


@dataclass(frozen=True)
class EventLine:
    """One step of the follow-up record in words: the action, the statuses and the method
    (a channel) in the reader's language, not as the codes stored."""

    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    actor_label: str
    method: str

    @classmethod
    def of(cls, event: ComplaintEvent) -> EventLine:
        return cls(
            at=event.at,
            action=_label(Action, event.action),
            from_status=_label(Status, event.from_status),
            to_status=_label(Status, event.to_status),
            actor_label=event.actor_label,
            method=_label(Channel, event.method),
        )


@dataclass
class ComplaintRecord:
    position: int
    complaint: Complaint
    complainant: ComplainantView
    representative: str
    events: list[ComplaintEvent] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    messages: list[MessageLine] = field(default_factory=list)

    @property
    def event_lines(self) -> list[EventLine]:
        return [EventLine.of(event) for event in self.events]


def complaint_records(
    ordered_ids: Sequence[int], scope: PersonalDataScope
) -> list[ComplaintRecord]:
    """The records of the complaints, in the order given (four queries for any number)."""
    complaints = {
        c.pk: c
        for c in Complaint.objects.filter(pk__in=ordered_ids).select_related(
            "complainant", "unit", "category", "owner", "product"
        )
    }
    records: dict[int, ComplaintRecord] = {}
    for position, pk in enumerate(ordered_ids, start=1):
        complaint = complaints.get(pk)
        if complaint is None:
            continue
        shown = complainant_view(complaint, scope)
        records[pk] = ComplaintRecord(
            position=position,
            complaint=complaint,
            complainant=shown,
            representative=shown.representative
            if not shown.masked
            else mask_text(complaint.representative_name),
        )
    if not records:
        return []
    events = ComplaintEvent.objects.filter(complaint_id__in=list(records)).select_related(
        "actor_user"
    )
    for event in events.order_by("complaint_id", "at", "pk"):
        records[event.complaint_id].events.append(event)
    decisions = (
        Decision.objects.filter(complaint_id__in=list(records))
        .select_related("proposed_by", "approved_by")
        .prefetch_related("remedies")
        .order_by("complaint_id", "proposed_at", "pk")
    )
    for decision in decisions:
        records[decision.complaint_id].decisions.append(decision)
    for message in Message.objects.filter(complaint_id__in=list(records)).order_by(
        "complaint_id", "created_at", "pk"
    ):
        record = records[message.complaint_id]
        hidden = record.complainant.masked and holds_personal_data(message)
        record.messages.append(
            MessageLine(
                message=message,
                subject=mask_text(message.subject) if hidden else message.subject,
                body=mask_text(message.body) if hidden else message.body,
            )
        )
    return list(records.values())


def pack_scope(pack_unmasked: bool, asker: object) -> PersonalDataScope:
    """The scope a pack is masked by: its asker's, when they asked for unmasked data."""
    if pack_unmasked:
        return PersonalDataScope.for_user(asker)  # type: ignore[arg-type]
    return MASKED
