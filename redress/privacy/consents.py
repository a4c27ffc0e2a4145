"""Consent to the personal-data notice recorded by staff on the complainant's behalf
(REQ-PD-1): a consent the complainant gave by phone, in person or by letter after their
complaint came in, and a withdrawal they asked for. The record itself is the transparency
app's (``NoticeConsent``, ``consent_record``, ``consent_withdraw``); here who may record it is
checked (``Permission.CONSENT_RECORD``: frontline staff, handlers, complaints managers, the
data-protection officer) and what was said is kept as the evidence."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import User
from redress.privacy.roles import Permission, permission_check
from redress.transparency.models import ConsentMethod, NoticeConsent
from redress.transparency.selectors import notice_current
from redress.transparency.services import consent_record, consent_withdraw, staff_evidence

# The ways a complainant tells staff they agree.
STAFF_METHODS = (ConsentMethod.PHONE, ConsentMethod.IN_PERSON, ConsentMethod.LETTER)


def _person(actor: Actor) -> User:
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, Permission.CONSENT_RECORD)
    return actor.user


@transaction.atomic
def consent_record_for_complainant(
    *, complaint: Complaint, actor: Actor, method: str, note: str
) -> NoticeConsent:
    """Record the consent the complainant gave to a member of staff (phone, in person, letter)
    to the current notice, with the clerk's name and their note of what was said as evidence.

    Raises ``NotPermitted`` for a role that may not, ``ValidationFailed`` for another method or
    an empty note (the note is the evidence), ``Conflict`` when consent is already in force.
    """
    clerk = _person(actor)
    if method not in STAFF_METHODS:
        message = _("Choose how the complainant told you: phone, in person or letter.")
        raise ValidationFailed(message, fields={"method": [message]})
    if not note.strip():
        message = _("Write down what the complainant said: it is the evidence of their consent.")
        raise ValidationFailed(message, fields={"note": [message]})
    notice = notice_current()
    if notice is None:
        message = _("No personal-data notice is published: there is nothing to agree to.")
        raise ValidationFailed(message, fields={"method": [message]})
    return consent_record(
        complaint=complaint,
        notice=notice,
        language=complaint.complainant.preferred_language,
        channel=method,
        method=method,
        evidence=staff_evidence(clerk=clerk, note=note),
        actor=actor,
    )


def consent_withdraw_for_complainant(
    *, complaint: Complaint, actor: Actor, method: str, note: str
) -> NoticeConsent:
    """Record the withdrawal the complainant asked a member of staff for. Raises
    ``NotPermitted`` for a role that may not, and what ``consent_withdraw`` raises."""
    _person(actor)
    return consent_withdraw(complaint=complaint, actor=actor, method=method, note=note)
