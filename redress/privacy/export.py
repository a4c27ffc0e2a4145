"""A person's data export (Law 91/2025 right of access; ISO10002.md REQ-PD-5; docs/privacy.md):
everything Redress holds about a person, found by their email address or phone number, as a
plain JSON-able dict. ``export_render`` turns it into JSON, a readable page and a ZIP with the
files.

The export is built from sections, in order: ``EXPORT_SECTIONS`` holds (name, provider) pairs,
and a provider reads ``Holdings`` (the person's complainant records and complaints, loaded once)
and returns the section's rows. Another module adds a section by appending its provider (the
data-subject requests, for instance). Each provider makes a constant number of queries, however
many complaints the person has.

What the complainant is shown is what they get: the public timeline, their messages without
staff's internal notes, the files they can see, the decisions communicated to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import (
    Complainant,
    Complaint,
    Decision,
    ExternalReferral,
    SatisfactionResponse,
)
from redress.complaints.rules import complainant_keys
from redress.complaints.selectors import public_attachments, public_messages, public_timeline
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.selectors import organisation_get
from redress.notifications.models import OutboundEmail
from redress.privacy.roles import Permission, permission_check
from redress.privacy.selectors import complainants_matching
from redress.transparency.models import NoticeConsent

# The shape of the export; raised when a field changes meaning or goes away (adding one does not).
FORMAT = "redress.person-export/1"


@dataclass(frozen=True)
class Holdings:
    """The person's complainant records and complaints, which every section reads from."""

    email: str
    phone: str
    complainants: Sequence[Complainant]
    complaints: Sequence[Complaint]
    references: dict[int, str] = field(default_factory=dict)  # complaint id -> reference

    @property
    def complaint_ids(self) -> list[int]:
        return [c.pk for c in self.complaints]


SectionProvider = Callable[[Holdings], list[dict[str, Any]]]


def plain(value: Any) -> Any:
    """A value as JSON holds it: times in UTC ISO 8601, days ISO, whole amounts as numbers."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def _row(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(getattr(obj, name)) for name in names}


# ---------------------------------------------------------------------------------------------
# Finding the person


def person_query(
    *, email: str = "", phone: str = "", complainant_ids: list[int] | None = None
) -> tuple[str, str]:
    """The email and phone as asked (``complaints.rules.complainant_keys``: email without case,
    phone trimmed; the phone is then matched in any written form).
    Refused, naming the field: neither given, an email that is not one, a phone without digits."""
    keys = dict(
        (kind, value)
        for kind, value, _name in complainant_keys(full_name="", email=email, phone=phone)
    )
    found_email, found_phone = keys.get("email", ""), keys.get("phone", "")
    if not found_email and not found_phone and not complainant_ids:
        message = _("Give the person's email address or phone number.")
        raise ValidationFailed(message, fields={"email": [message], "phone": [message]})
    if found_email:
        try:
            validate_email(found_email)
        except ValidationError:
            message = _("This is not a valid email address.")
            raise ValidationFailed(message, fields={"email": [message]}) from None
    if found_phone and not any(ch.isdigit() for ch in found_phone):
        message = _("A phone number has digits.")
        raise ValidationFailed(message, fields={"phone": [message]})
    return found_email, found_phone


def person_holdings(
    *, email: str = "", phone: str = "", complainant_ids: list[int] | None = None
) -> Holdings:
    """The complainant records found by the email (any case), the phone (in any written form,
    as the erasure finds them: ``selectors.complainants_matching``), or their ids, and every
    complaint they made."""
    email, phone = person_query(email=email, phone=phone, complainant_ids=complainant_ids)
    found = {c.pk: c for c in complainants_matching(email=email, phone=phone)}
    missing = set(complainant_ids or []) - set(found)
    if missing:
        found.update((c.pk, c) for c in Complainant.objects.filter(pk__in=missing))
    complainants = [found[pk] for pk in sorted(found)]
    communicated = Decision.objects.filter(state=Decision.State.COMMUNICATED).order_by(
        "communicated_at", "pk"
    )
    complaints = list(
        Complaint.objects.filter(complainant__in=complainants)
        .select_related("category", "product")
        .prefetch_related(
            Prefetch("decisions", queryset=communicated.prefetch_related("remedies")),
            Prefetch("events", queryset=public_timeline(), to_attr="public_events"),
        )
        .order_by("received_at", "pk")
    )
    return Holdings(
        email=email,
        phone=phone,
        complainants=complainants,
        complaints=complaints,
        references={c.pk: c.reference for c in complaints},
    )


# ---------------------------------------------------------------------------------------------
# Sections


def complainants_section(held: Holdings) -> list[dict[str, Any]]:
    names = (
        "full_name",
        "organisation",
        "email",
        "phone",
        "address",
        "country",
        "preferred_language",
        "preferred_channel",
        "vulnerable_group",
        "created_at",
    )
    return [{"id": person.pk, **_row(person, names)} for person in held.complainants]


_COMPLAINT_FIELDS = (
    "reference",
    "received_at",
    "channel",
    "language",
    "subject",
    "description",
    "occurred_on",
    "order_ref",
    "remedy_requested",
    "amount_claimed",
    "currency",
    "representative_name",
    "representative_relation",
    "representative_contact",
    "vulnerable_group",
    "is_negotiation_request",
    "status",
    "fee_amount",
)
_DEADLINES = (
    "acknowledge_due_at",
    "assess_due_at",
    "decision_due_at",
    "review_due_at",
    "close_due_at",
    "acknowledged_at",
    "assessed_at",
    "decision_communicated_at",
    "closed_at",
)
_DECISION_FIELDS = (
    "outcome",
    "summary",
    "reasons",
    "is_review",
    "communicated_at",
    "communicated_via",
    "reaction",
    "reaction_at",
    "reaction_note",
)
_REMEDY_FIELDS = ("type", "description", "amount", "currency", "due_at", "fulfilled_at")


def _named(thing: Any) -> dict[str, str] | None:
    if thing is None:
        return None
    return {"code": thing.code, "name_vi": thing.name_vi, "name_en": thing.name_en}


def complaints_section(held: Holdings) -> list[dict[str, Any]]:
    """Each complaint with what concerns its complainant; the decisions they were told (the
    last one is in force: its outcome and remedies) and the steps the portal shows them."""
    rows = []
    for complaint in held.complaints:
        decisions = [
            {
                **_row(decision, _DECISION_FIELDS),
                "remedies": [_row(r, _REMEDY_FIELDS) for r in decision.remedies.all()],
            }
            for decision in complaint.decisions.all()
        ]
        in_force = decisions[-1] if decisions else None
        rows.append(
            {
                **_row(complaint, _COMPLAINT_FIELDS),
                "complainant_id": complaint.complainant_id,
                "category": _named(complaint.category),
                "product": _named(complaint.product),
                "outcome": in_force["outcome"] if in_force else "",
                "remedies": in_force["remedies"] if in_force else [],
                "decisions": decisions,
                "deadlines": _row(complaint, _DEADLINES),
                "timeline": [
                    {"at": plain(e.at), "action": e.action, "status": e.to_status}
                    for e in complaint.public_events  # type: ignore[attr-defined]
                ],
            }
        )
    return rows


def messages_section(held: Holdings) -> list[dict[str, Any]]:
    names = ("direction", "channel", "subject", "body", "created_at", "from_address")
    return [
        {"complaint": held.references[m.complaint_id], **_row(m, names)}
        for m in public_messages().filter(complaint_id__in=held.complaint_ids)
    ]


def _file_name(name: str) -> str:
    # The name as uploaded, without any folder part, so that it cannot leave its folder.
    base = PurePosixPath(name.replace("\\", "/")).name.strip(". ")
    return base or "file"


def attachments_section(held: Holdings) -> list[dict[str, Any]]:
    """The files, each with where the ZIP holds it: attachments/<reference>/<file name>
    (a name used twice in one complaint gets its number: "scan (2).pdf")."""
    rows = []
    taken: set[str] = set()
    files = public_attachments().filter(complaint_id__in=held.complaint_ids)
    for attachment in files.order_by("complaint_id", "uploaded_at", "pk"):
        reference = held.references[attachment.complaint_id]
        name = _file_name(attachment.original_name)
        path = f"attachments/{reference}/{name}"
        number = 1
        while path.lower() in taken:
            number += 1
            stem, dot, suffix = name.rpartition(".")
            numbered = f"{stem} ({number}).{suffix}" if dot and stem else f"{name} ({number})"
            path = f"attachments/{reference}/{numbered}"
        taken.add(path.lower())
        rows.append(
            {
                "id": attachment.pk,
                "complaint": reference,
                "name": attachment.original_name,
                "size": attachment.size,
                "type": attachment.content_type,
                "sha256": attachment.sha256,
                "uploaded_at": plain(attachment.uploaded_at),
                "with_message": attachment.message_id is not None,
                "file": path,
            }
        )
    return rows


def _fields_of(obj: models.Model, *, leave_out: tuple[str, ...]) -> dict[str, Any]:
    # Every stored field of the record, so that what it gains later is exported too.
    return {
        f.attname: plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in leave_out and f.attname not in leave_out
    }


def consents_section(held: Holdings) -> list[dict[str, Any]]:
    """Consent to the personal-data notice (its version), and consent to take a complaint to
    an outside body."""
    rows: list[dict[str, Any]] = [
        {
            "kind": "notice",
            "complaint": held.references[consent.complaint_id],
            "notice_version": consent.notice.version,
            **_fields_of(consent, leave_out=("id", "complaint", "notice")),
        }
        for consent in NoticeConsent.objects.filter(
            complaint_id__in=held.complaint_ids
        ).select_related("notice")
    ]
    rows += [
        {
            "kind": "external_referral",
            "complaint": held.references[referral.complaint_id],
            "given_at": plain(referral.consent_at),
            "provider": referral.provider,
            "referred_at": plain(referral.referred_at),
        }
        for referral in ExternalReferral.objects.filter(complaint_id__in=held.complaint_ids)
    ]
    return sorted(rows, key=lambda row: (row["given_at"] or "", row["complaint"]))


def survey_answers_section(held: Holdings) -> list[dict[str, Any]]:
    names = ("overall", "fairness", "clarity", "speed", "courtesy", "comment", "submitted_at")
    answers = SatisfactionResponse.objects.filter(complaint_id__in=held.complaint_ids)
    return [
        {"complaint": held.references[a.complaint_id], **_row(a, names)}
        for a in answers.order_by("submitted_at", "pk")
    ]


def emails_section(held: Holdings) -> list[dict[str, Any]]:
    """The emails Redress sent them (the outbox): about their complaints, or to their address.
    The body is the copy kept on the complaint when there is one, in which the tracking code is
    masked: the export must not open the portal to whoever reads it."""
    addresses = {held.email} | {p.email.lower() for p in held.complainants if p.email}
    match = Q(complaint_id__in=held.complaint_ids)
    for address in sorted(a for a in addresses if a):
        match |= Q(to__iexact=address)
    emails = OutboundEmail.objects.filter(match).select_related("message")
    names = ("to", "subject", "template_code", "state", "created_at", "sent_at")
    return [
        {
            "complaint": held.references.get(email.complaint_id or 0, ""),
            **_row(email, names),
            "body": email.message.body if email.message is not None else email.body,
        }
        for email in emails.order_by("created_at", "pk")
    ]


EXPORT_SECTIONS: list[tuple[str, SectionProvider]] = [
    ("complainants", complainants_section),
    ("complaints", complaints_section),
    ("messages", messages_section),
    ("attachments", attachments_section),
    ("consents", consents_section),
    ("survey_answers", survey_answers_section),
    ("emails", emails_section),
]


# ---------------------------------------------------------------------------------------------
# The export


def export_of(held: Holdings) -> dict[str, Any]:
    query = {"email": held.email, "phone": held.phone}
    return {
        "format": FORMAT,
        "generated_at": plain(timezone.now()),
        "organisation": organisation_get().name,
        "query": query,
        "sections": {name: provider(held) for name, provider in EXPORT_SECTIONS},
    }


def person_export(
    *, email: str = "", phone: str = "", complainant_ids: list[int] | None = None
) -> dict[str, Any]:
    """Everything Redress holds about the person with this email (any case) or phone, or these
    complainant records: a plain JSON-able dict (``format``, ``generated_at``, ``query``,
    ``sections``). A person with no records gets the sections empty, not an error. Raises
    ``ValidationFailed`` naming the field when neither is given or one is malformed."""
    held = person_holdings(email=email, phone=phone, complainant_ids=complainant_ids)
    data = export_of(held)
    if complainant_ids:
        data["query"]["complainant_ids"] = sorted(complainant_ids)
    return data


@dataclass(frozen=True)
class TakenExport:
    data: dict[str, Any]
    complaints: Sequence[Complaint]


@transaction.atomic
def person_export_take(*, actor: Actor, email: str = "", phone: str = "") -> TakenExport:
    """The export, taken by the data-protection officer (or an operator on the command line),
    with its audit entry ``privacy.export``: which records and complaints it held and how they
    were found, never the email or phone asked for. Raises ``NotPermitted`` for a person who
    may not export, and what ``person_export`` raises."""
    if actor.user is not None:
        permission_check(actor.user, Permission.PERSONAL_DATA_EXPORT)
    held = person_holdings(email=email, phone=phone)
    data = export_of(held)
    target: models.Model = held.complainants[0] if held.complainants else organisation_get()
    audit_record(
        actor=actor,
        action="privacy.export",
        target=target,
        after={
            "found_by": [kind for kind in ("email", "phone") if data["query"][kind]],
            "complainants": [p.pk for p in held.complainants],
            "complaints": [c.reference for c in held.complaints],
            "counts": {name: len(rows) for name, rows in data["sections"].items()},
        },
    )
    return TakenExport(data=data, complaints=held.complaints)
