"""What a person decides about a quarantined email (dismiss it, or run it through intake
again), audited. Receiving itself is ``intake.receive.intake_receive``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.intake.mail import mail_dismiss, mail_reprocess
from redress.intake.models import InboundEmail

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
