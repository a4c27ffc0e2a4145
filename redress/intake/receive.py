"""The one way a complaint comes in (DESIGN.md rule 4): ``intake_receive``.

The portal, the back office's frontline form, the API and email all describe what they
received as a ``Submission`` and call ``intake_receive``, so every channel gets the same rules:

- idempotency: with a ``Once`` (the portal's form token, the API client's Idempotency-Key, an
  email's Message-ID) the same submission sent twice makes one complaint, and the key reused
  for something else is refused;
- the complainant matched as ``complainant_get_or_create`` matches them;
- possible duplicates (the last 30 days: the same person with a similar subject, or the same
  person or order with a like text, ``complaints.duplicates``) found, kept as
  possible-duplicate links (``ComplaintLink``) and on the receipt event, for staff to link,
  dismiss or merge (``handling.links``) — suggested, never merged by intake;
- consent to the personal-data notice recorded when the complainant gave it, with the way the
  channel asked (a tick on the web, a statement taken by staff, an API field) and what shows
  it; silence is never consent, and a channel that did not ask (email) records nothing;
- priority and significance set by ``complaint_receive`` from what was said.

Bulk import and the volume seed write many complaints at once with the same rules
(``complaints.rules``), not through this function; the import finds possible duplicates in
bulk (``intake.importing.duplicates``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.attachments import IncomingFile
from redress.complaints.duplicates import complaint_duplicates
from redress.complaints.models import Category, Channel, Complaint, Product
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.core.models import OrgUnit, User
from redress.core.sealing import Unsealable, seal, unseal
from redress.core.writes import insert, writes_combined
from redress.handling.receipt import Received, complainant_get_or_create, complaint_receive
from redress.intake.models import IntakeKey
from redress.transparency.selectors import notice_current
from redress.transparency.services import consent_record


@dataclass(frozen=True)
class Person:
    """The complainant as the channel describes them."""

    full_name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    organisation: str = ""
    preferred_language: str = "vi"
    preferred_channel: str = Channel.EMAIL
    vulnerable_group: str = ""


@dataclass(frozen=True)
class Consent:
    """The complainant agreed to the current personal-data notice (PDPL: verifiable consent):
    how the channel asked them (``transparency.models.ConsentMethod``) and what shows their
    answer (the evidence the channel holds: the web form's tick, the clerk and their note, the
    API token's name)."""

    method: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """What a channel received, in the terms of ``complaint_receive``."""

    person: Person
    subject: str
    description: str
    unit: OrgUnit | None = None
    received_at: dt.datetime | None = None
    received_by: User | None = None
    category: Category | None = None
    product: Product | None = None
    occurred_on: dt.date | None = None
    order_ref: str = ""
    remedy_requested: str = ""
    amount_claimed: object = None
    is_negotiation_request: bool = False
    health_safety: bool = False
    language: str = "vi"
    representative_name: str = ""
    representative_relation: str = ""
    representative_contact: str = ""
    source_system: str = ""
    attachments: Sequence[IncomingFile] = field(default=())
    # The complainant's agreement to the personal-data notice; None when they were not asked or
    # did not agree (silence is never consent).
    consent: Consent | None = None
    # The member of staff the complaint is about, and why (staff channels only; ISO 10002 4.7).
    subject_staff: User | None = None
    subject_staff_note: str = ""


@dataclass(frozen=True)
class Once:
    """A key that makes a submission happen once: unique within ``scope``."""

    scope: str
    key: str
    # Keep the tracking code, sealed, so that a repeat within RECEIPT_REPLAY_SECONDS gets it
    # again (the portal: the key is a form's random token, which only that browser holds).
    keep_receipt: bool = False


# How long after a submission its repeat still gets the tracking code back.
RECEIPT_REPLAY_SECONDS = 3600


@dataclass
class IntakeResult:
    complaint: Complaint
    created: bool
    # When this call created the complaint, or it repeats one whose Once kept its receipt.
    tracking_code: str | None
    # The possible duplicates the actor may see (all of them for a channel without a person).
    duplicates: list[Complaint] = field(default_factory=list)


def fingerprint(payload: Any) -> str:
    """A stable hash of what was submitted (dict keys sorted)."""
    canonical = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_fingerprint(submission: Submission) -> str:
    """The fingerprint of a submission: its values, related rows by id, files by content."""
    values: dict[str, Any] = {}
    for name in (f.name for f in dataclass_fields(submission)):
        value = getattr(submission, name)
        if isinstance(value, models.Model):
            value = value.pk
        values[name] = value
    # How consent was given is part of the submission; its evidence (the browser, the clerk's
    # words) is not: the same form sent again from another browser is the same complaint.
    values["consent"] = submission.consent.method if submission.consent else None
    values["person"] = asdict(submission.person)
    values["attachments"] = sorted(
        hashlib.sha256(file.content).hexdigest() for file in submission.attachments
    )
    return fingerprint(values)


def possible_duplicates(submission: Submission, *, seen_by: User | None) -> list[Complaint]:
    """Complaints that may be this one, among those ``seen_by`` may see (all of them for a
    channel acting without a person)."""
    person = submission.person
    return complaint_duplicates(
        seen_by,
        email=person.email,
        phone=person.phone,
        subject=submission.subject,
        description=submission.description,
        order_ref=submission.order_ref,
    )


def intake_receive(
    submission: Submission, *, channel: str, actor: Actor, once: Once | None = None
) -> IntakeResult:
    """Receive a complaint through ``channel`` (see the module doc for the rules).

    Raises what ``complaint_receive`` raises (``ValidationFailed`` naming the fields,
    ``NotPermitted``), and ``Conflict`` (code ``idempotency_conflict``) when the key of ``once``
    was used for a different submission. Nothing is written when it raises.
    """
    # Every possible duplicate becomes a link (the workspace shows each person those they may
    # see); the receipt event and the caller get those the actor may see.
    found = possible_duplicates(submission, seen_by=None)
    duplicates = _seen_by(actor.user, found)

    def receive() -> Received:
        received = _receive(
            submission, channel=channel, actor=actor, found=found, duplicates=duplicates
        )
        consent = submission.consent
        if consent is not None:
            notice = notice_current()
            if notice is not None:
                consent_record(
                    complaint=received.complaint,
                    notice=notice,
                    language=submission.language,
                    channel=channel,
                    method=consent.method,
                    evidence=consent.evidence,
                    actor=actor,
                )
        return received

    if once is None:
        with transaction.atomic(), writes_combined():
            received = receive()
        return IntakeResult(received.complaint, True, received.tracking_code, duplicates)
    return _intake_once(
        once,
        submission_fingerprint(submission),
        receive,
        duplicates,
        look_first=bool(submission.attachments),
    )


def _seen_by(user: User | None, complaints: list[Complaint]) -> list[Complaint]:
    if user is None or not complaints:
        return complaints
    visible = set(
        complaints_visible_to(user)
        .filter(pk__in=[c.pk for c in complaints])
        .values_list("pk", flat=True)
    )
    return [c for c in complaints if c.pk in visible]


def _receive(
    submission: Submission,
    *,
    channel: str,
    actor: Actor,
    found: list[Complaint],
    duplicates: list[Complaint],
) -> Received:
    complainant = complainant_get_or_create(**asdict(submission.person))
    return complaint_receive(
        actor=actor,
        complainant=complainant,
        vulnerable_group=submission.person.vulnerable_group,
        channel=channel,
        subject=submission.subject,
        description=submission.description,
        unit=submission.unit,
        received_at=submission.received_at,
        received_by=submission.received_by,
        category=submission.category,
        product=submission.product,
        occurred_on=submission.occurred_on,
        order_ref=submission.order_ref,
        remedy_requested=submission.remedy_requested,
        amount_claimed=submission.amount_claimed,
        is_negotiation_request=submission.is_negotiation_request,
        health_safety=submission.health_safety,
        language=submission.language,
        representative_name=submission.representative_name,
        representative_relation=submission.representative_relation,
        representative_contact=submission.representative_contact,
        source_system=submission.source_system,
        subject_staff=submission.subject_staff,
        subject_staff_note=submission.subject_staff_note,
        attachments=submission.attachments,
        possible_duplicates=[c.reference for c in duplicates],
        duplicate_of=found,
    )


def _intake_once(
    once: Once,
    fingerprint: str,
    receive: Callable[[], Received],
    duplicates: list[Complaint],
    *,
    look_first: bool,
) -> IntakeResult:
    """Receive once per (scope, key).

    A repeat with the same fingerprint returns the first complaint (no tracking code: it was
    shown once); a repeat with another fingerprint raises ``Conflict``. Two concurrent
    submissions with one key make one complaint: the second waits on the unique key and then
    returns the first's complaint.
    """
    # Almost every key is new, so it is not looked up first: a repeat is found by the key's
    # unique index when it is written, and everything written with it is rolled back (its
    # reference given back). Only a submission with files is looked up first, because the
    # files stored before that point would stay behind.
    if look_first:
        try:
            existing = IntakeKey.objects.only(
                "fingerprint", "complaint_id", "receipt", "created_at"
            ).get(scope=once.scope, key=once.key)
        except IntakeKey.DoesNotExist:
            pass
        else:
            return _repeat(existing, fingerprint)
    try:
        # The key goes with the receipt's combined write (``core.writes``), so a repeat is
        # refused by the key's unique index when that one statement runs, still in here.
        with transaction.atomic(), writes_combined():
            received = receive()
            key = {
                "scope": once.scope,
                "key": once.key,
                "fingerprint": fingerprint,
                "complaint_id": received.complaint.pk,
                "receipt": seal(received.tracking_code or "") if once.keep_receipt else "",
            }
            insert(IntakeKey, [key], later=True)
    except IntegrityError:
        raced = (
            IntakeKey.objects.filter(scope=once.scope, key=once.key)
            .select_related("complaint")
            .first()
        )
        if raced is None:
            raise
        return _repeat(raced, fingerprint)
    return IntakeResult(received.complaint, True, received.tracking_code, duplicates)


def _repeat(existing: IntakeKey, fingerprint: str) -> IntakeResult:
    if existing.fingerprint != fingerprint:
        raise Conflict(
            _("This key was already used for a different submission."), code="idempotency_conflict"
        )
    return IntakeResult(existing.complaint, False, _receipt_kept(existing))


def _receipt_kept(existing: IntakeKey) -> str | None:
    """The tracking code a recent submission kept for its repeats, else None (shown once)."""
    age = timezone.now() - existing.created_at
    if not existing.receipt or age.total_seconds() > RECEIPT_REPLAY_SECONDS:
        return None
    try:
        return unseal(existing.receipt)
    except Unsealable:  # the secret key changed since: the receipt email still has the code
        return None
