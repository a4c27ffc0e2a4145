"""Receipt (ISO 10002 7.2): the complainant found or added, the complaint registered with a
gap-free reference and a tracking code, its follow-up record started. Every channel reaches
``complaint_receive`` through one entry point, ``redress.intake.receive.intake_receive``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics.repeats import repeat_links_receive
from redress.complaints import rules
from redress.complaints.attachments import IncomingFile, attachments_check, attachments_store
from redress.complaints.models import (
    Category,
    Channel,
    Complainant,
    Complaint,
    Product,
    Status,
    VulnerableGroup,
)
from redress.complaints.references import reference_next, tracking_code_hash, tracking_code_new
from redress.complaints.search import search_texts
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.memo import memo
from redress.core.models import OrgUnit, User
from redress.core.selectors import organisation_get
from redress.core.tasks import tasks_batched
from redress.core.writes import insert_new, update, writes_combined
from redress.handling.kernel import (
    check_choice,
    check_permission,
    flag_significance,
    parse_amount,
    record,
    require,
)
from redress.handling.links import possible_duplicates_record
from redress.handling.objectivity import staff_check
from redress.sla.rules import DUE_FIELDS


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

    A returning complainant's stored record is never changed by a new complaint: anyone can
    send a complaint in their name, so what it says (vulnerable group, language, channel) belongs
    to that complaint (``complaint_receive(vulnerable_group=…)``), not to the person's record.
    Their row stays locked until the caller's transaction ends, so that two receipts for one
    person write the person's repeat links one after the other.
    """
    require({"full_name": full_name})
    if not (email.strip() or phone.strip() or address.strip()):
        message = _("Give at least one way to reach you: email, phone or address.")
        raise ValidationFailed(message, fields={"email": [message], "phone": [message]})
    check_choice("vulnerable_group", vulnerable_group, VulnerableGroup, blank=True)
    check_choice("preferred_channel", preferred_channel, Channel)
    if preferred_language not in ("vi", "en"):
        raise ValidationFailed(
            _("Unknown language."), fields={"preferred_language": [_("Not a valid choice.")]}
        )
    # The person's row stays locked until the caller's transaction ends, so that two receipts
    # for them write their repeat links in turn; called outside one, this is its own.
    with transaction.atomic(savepoint=False):
        existing = None
        if email.strip():
            existing = (
                Complainant.objects.select_for_update()
                .filter(email__iexact=email.strip(), full_name=full_name.strip())
                .first()
            )
        elif phone.strip():
            existing = (
                Complainant.objects.select_for_update()
                .filter(phone=phone.strip(), full_name=full_name.strip())
                .first()
            )
    if existing is not None:
        return existing
    complainant = Complainant(
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        organisation=organisation.strip(),
        preferred_language=preferred_language,
        preferred_channel=preferred_channel,
        vulnerable_group=vulnerable_group,
    )
    insert_new([complainant])
    return complainant


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
    subject_staff_note: str = "",
    source_system: str = "",
    attachments: Sequence[IncomingFile] = (),
    possible_duplicates: Sequence[str] = (),
    duplicate_of: Sequence[Complaint] = (),
    vulnerable_group: str | None = None,
) -> Received:
    """Register a complaint (7.2): a gap-free reference, a tracking code, the follow-up record.

    ``possible_duplicates`` (references found by intake, those the receiver may see) are kept
    on the receipt event; ``duplicate_of`` (every complaint intake found) become possible-duplicate
    links, which the workspace lists to each person through the visibility gate.
    ``subject_staff_note``, why ``subject_staff`` (who must be staff of the organisation) is
    named as the person complained about, is kept on the receipt event too.
    ``vulnerable_group`` is what the complainant said with this complaint (None: as their
    record says); it sets this complaint's priority, significance and deadlines.
    Raises ``ValidationFailed`` (naming the fields) for missing or invalid input and
    ``NotPermitted`` when a person without an intake role for the unit tries to receive.
    """
    require({"subject": subject, "description": description})
    check_choice("channel", channel, Channel)
    if vulnerable_group is None:
        vulnerable_group = complainant.vulnerable_group
    check_choice("vulnerable_group", vulnerable_group, VulnerableGroup, blank=True)
    amount = parse_amount(amount_claimed, "amount_claimed")
    files = attachments_check(attachments)
    if occurred_on and occurred_on > timezone.localdate():
        raise ValidationFailed(
            _("The date of the problem cannot be in the future."),
            fields={"occurred_on": [_("Date in the future.")]},
        )
    if subject_staff is not None:
        staff_check(subject_staff, "subject_staff")
    unit = unit or default_intake_unit()
    check_permission(actor, None, Action.RECEIVE, unit=unit)
    # Checked: from here on every statement writes. Without a savepoint of its own: an error
    # ends the caller's transaction (intake's) as a whole, which rolls back anyway. The task
    # rows (deadline checks, the receipt's sending) go in one INSERT at the end, sent with the
    # other writes nobody reads back in one statement (``core.writes``).
    with transaction.atomic(savepoint=False), writes_combined(), tasks_batched():
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
            vulnerable_group=vulnerable_group,
            health_safety=health_safety,
            subject_staff=subject_staff,
            unit=unit,
        )
        complaint.priority, complaint.severity = rules.intake_priority_severity(
            vulnerable=bool(vulnerable_group), health_safety=health_safety
        )
        flag_significance(complaint)
        insert_new([complaint])
        # Where it stands among the complainant's complaints, for repeat complainants (analytics);
        # the complainant's row was locked when they were found.
        repeat_links_receive(complainant.pk)

        def reference_assign() -> None:
            # The year's counter stays locked until commit (references are gap-free), so every other
            # intake waits from here on: it is taken after the deadlines are set, leaving under the
            # lock only the work that shows the reference (mail, webhooks, audit).
            complaint.reference = reference_next(
                prefix=organisation.reference_prefix,
                received_at=at,
                time_zone=organisation.time_zone,
            )
            complaint.tracking_code_hash = tracking_code_hash(complaint.reference, code)
            complaint.search_text, complaint.search_personal = search_texts(complaint)
            # One UPDATE for the reference and the deadlines the engine has just set in memory
            # (``sla_clocks_open(write_deadlines=False)``), sent with the combined write.
            update(
                Complaint,
                complaint.pk,
                {
                    "reference": complaint.reference,
                    "tracking_code_hash": complaint.tracking_code_hash,
                    "search_text": complaint.search_text,
                    "search_personal": complaint.search_personal,
                    **{name: getattr(complaint, name) for name in DUE_FIELDS.values()},
                },
                later=True,
            )

        record(
            complaint=complaint,
            actor=actor,
            action=Action.RECEIVE,
            from_status="",
            before={},
            data=rules.receive_event_data(
                channel=channel,
                negotiation_request=is_negotiation_request,
                attachments=len(files),
                # References of complaints that may be the same one (suggested, never merged).
                **(
                    {"possible_duplicates": list(possible_duplicates)}
                    if possible_duplicates
                    else {}
                ),
                # The member of staff complained about, named at intake, and why (ISO 10002 4.7).
                **(
                    {"subject_staff": subject_staff.pk, "reason": subject_staff_note.strip()}
                    if subject_staff is not None
                    else {}
                ),
            ),
            method=channel,
            at=at,
            extra={"tracking_code": code},
            before_publishing=reference_assign,
        )
        attachments_store(files, complaint=complaint, message=None, uploaded_by=str(actor))
        possible_duplicates_record(complaint, duplicate_of, found_by=channel, at=at)
        return Received(complaint=complaint, tracking_code=code)
