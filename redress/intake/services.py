"""Idempotent intake: the same submission, sent twice, makes one complaint. And what a person
decides about a quarantined email (dismiss it, or run it through intake again), audited."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.complaints.services import Received
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.intake.models import InboundEmail, IntakeKey


def fingerprint(payload: Any) -> str:
    """A stable hash of what was submitted (dict keys sorted)."""
    canonical = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class IntakeResult:
    complaint: Complaint
    created: bool
    tracking_code: str | None  # only when this call created the complaint


def intake_once(
    *, scope: str, key: str, fingerprint: str, receive: Callable[[], Received]
) -> IntakeResult:
    """Receive once per (scope, key).

    A repeat with the same fingerprint returns the first complaint (no tracking code: it was
    shown once); a repeat with another fingerprint raises ``Conflict`` (the key was reused for a
    different submission). Two concurrent submissions with one key make one complaint: the
    second waits on the unique key and then returns the first's complaint.
    """
    # Almost every key is new: look it up without loading a complaint (a repeat loads it after).
    try:
        existing = IntakeKey.objects.only("fingerprint", "complaint_id").get(scope=scope, key=key)
    except IntakeKey.DoesNotExist:
        pass
    else:
        return _repeat(existing, fingerprint)
    try:
        with transaction.atomic():
            received = receive()
            IntakeKey.objects.create(
                scope=scope, key=key, fingerprint=fingerprint, complaint=received.complaint
            )
    except IntegrityError:
        existing = (
            IntakeKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
        )
        if existing is None:
            raise
        return _repeat(existing, fingerprint)
    return IntakeResult(received.complaint, True, received.tracking_code)


def _repeat(existing: IntakeKey, fingerprint: str) -> IntakeResult:
    if existing.fingerprint != fingerprint:
        raise Conflict(
            _("This key was already used for a different submission."), code="idempotency_conflict"
        )
    return IntakeResult(existing.complaint, False, None)


# --------------------------------------------------------------------------------------------
# The mail quarantine


def _quarantined(inbound: InboundEmail) -> InboundEmail:
    locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if locked.outcome != InboundEmail.Outcome.QUARANTINED:
        raise Conflict(_("This email is no longer in quarantine."), code="not_quarantined")
    return locked


@transaction.atomic
def inbound_email_dismiss(*, inbound: InboundEmail, actor: Actor, note: str = "") -> InboundEmail:
    """A person looked at a quarantined email and decided it needs nothing: it leaves the
    quarantine, marked reviewed by them, and its original stays kept.

    Raises ``Conflict`` when the email is not (or no longer) in quarantine.
    """
    from redress.intake.mail import mail_dismiss

    _quarantined(inbound)
    dismissed = mail_dismiss(inbound=inbound, actor_label=actor.label, note=note.strip())
    audit_record(
        actor=actor,
        action="intake.mail_dismiss",
        target=dismissed,
        target_label=dismissed.from_address,
        before={"outcome": InboundEmail.Outcome.QUARANTINED},
        after={"outcome": dismissed.outcome, "note": note.strip()},
    )
    return dismissed


@transaction.atomic
def inbound_email_reprocess(*, inbound: InboundEmail, actor: Actor) -> InboundEmail:
    """Run a quarantined email through intake again (after the cause was fixed). It becomes a
    complaint or a message when it now can, or stays in quarantine with the new reason; it is
    marked reviewed by the person either way.

    Raises ``Conflict`` when the email is not (or no longer) in quarantine.
    """
    from redress.intake.mail import mail_reprocess

    _quarantined(inbound)
    processed = mail_reprocess(inbound=inbound, actor_label=actor.label)
    audit_record(
        actor=actor,
        action="intake.mail_reprocess",
        target=processed,
        target_label=processed.from_address,
        before={"outcome": InboundEmail.Outcome.QUARANTINED},
        after={
            "outcome": processed.outcome,
            "complaint": processed.complaint_id,
            "reason": processed.reason,
        },
    )
    return processed
