"""One-time codes for requests about personal data from someone who no longer has their
complaint's tracking code (Decree 356/2025: the controller verifies who asks). The person gives
the email address they complained from; if Redress holds a complaint from it, a six-digit code
goes there, usable once within ``REDRESS_CONTACT_CODE_MINUTES`` minutes and for at most
``ATTEMPTS`` tries. Whoever gives the right code proves they read that mailbox, and their request
covers that person's complaints. The portal answers the same words whether the address is known
or not, so that it tells nobody who has complained."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redress.complaints.models import Complainant, Complaint
from redress.core.selectors import organisation_get
from redress.privacy.mail import outbox_email
from redress.privacy.models import ContactCode

# Wrong codes tried against one sent code before it stops working.
ATTEMPTS = 5
# Codes sent to one address in an hour: more are not sent (the page says the same).
SENT_PER_HOUR = 3


def _digest(*parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    key = f"redress.privacy.contact_code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _normalised(email: str) -> str:
    return email.strip().lower()


def code_minutes() -> int:
    return int(getattr(settings, "REDRESS_CONTACT_CODE_MINUTES", 15))


def contact_complainant(email: str) -> Complainant | None:
    """The person who complained from this address (the one with the newest complaint, when the
    address was given on several records)."""
    address = _normalised(email)
    if not address:
        return None
    newest = (
        Complaint.objects.filter(complainant__email__iexact=address)
        .order_by("-received_at", "-pk")
        .values_list("complainant_id", flat=True)
        .first()
    )
    return Complainant.objects.filter(pk=newest).first() if newest is not None else None


@transaction.atomic
def contact_code_send(*, email: str, language: str) -> bool:
    """Send a one-time code to the address when a complaint came from it and it has not had
    ``SENT_PER_HOUR`` codes in the past hour. True when a code was sent (for tests and logs:
    the portal never tells)."""
    complainant = contact_complainant(email)
    if complainant is None:
        return False
    contact = _digest("contact", _normalised(email))
    now = timezone.now()
    recent = ContactCode.objects.filter(
        contact_digest=contact, created_at__gte=now - dt.timedelta(hours=1)
    )
    if recent.count() >= SENT_PER_HOUR:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    ContactCode.objects.create(
        contact_digest=contact,
        code_digest=_digest("code", _normalised(email), code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=code_minutes()),
    )
    organisation = organisation_get()
    language = complainant.preferred_language or language
    outbox_email(
        to=complainant.email,
        language=language,
        code="dsar_contact_code",
        context={
            "code": code,
            "minutes": code_minutes(),
            "organisation": organisation.name_en
            if language == "en" and organisation.name_en
            else organisation.name,
        },
    )
    return True


@transaction.atomic
def contact_code_check(*, email: str, code: str) -> Complainant | None:
    """The person the address belongs to when ``code`` is the latest unused, unexpired code
    sent to it; the code is then used up. A wrong code counts against the code's tries; None
    for any failure, alike."""
    address = _normalised(email)
    sent = (
        ContactCode.objects.select_for_update()
        .filter(
            contact_digest=_digest("contact", address),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if sent is None or sent.attempts >= ATTEMPTS:
        return None
    given = "".join(code.split())
    if not hmac.compare_digest(sent.code_digest, _digest("code", address, given)):
        sent.attempts += 1
        sent.save(update_fields=["attempts"])
        return None
    sent.used_at = timezone.now()
    sent.save(update_fields=["used_at"])
    return contact_complainant(address)
