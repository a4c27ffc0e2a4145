"""Writes of a person's second factor: enrolment of an authenticator app, recovery codes, and
the administrator's reset (ASVS 2.7, 2.8, 2.6).

An authenticator is a TOTP secret (django-otp's ``TOTPDevice``, 160 bits) that the person
proves they hold by typing a code before it counts. Recovery codes are ten random codes of 16
characters (80 bits), each accepted once (django-otp's ``StaticDevice``); they are shown once,
when made, and stored only as a one-way digest (ASVS 2.6.2): whoever reads the database cannot
sign in with them. Both kinds of device slow down guesses on their own (django-otp's throttling: each
failure doubles the wait). Enrolment, new recovery codes and a reset are audited; the secret
and the codes never enter the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.models import User

RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed


def _recovery_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))


def recovery_code_digest(user_id: int, code: str) -> str:
    """What is stored of a recovery code: SHA-256 of the code salted with its owner, cut to the
    16 characters django-otp's token column holds (80 bits of base32, as strong as the code
    itself). A fast hash is enough for a random 80-bit secret; the salt stops one table of
    digests from serving every person."""
    digest = hashlib.sha256(f"redress-recovery:{user_id}:{code}".encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def code_normalise(code: str) -> str:
    """A typed code without spaces or dashes, in lower case (recovery codes are shown in groups)."""
    return "".join(code.split()).replace("-", "").lower()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def second_factor_begin(*, user: User) -> TOTPDevice:
    """The person's authenticator being enrolled: a new secret, not yet confirmed (the same one
    while they have not confirmed it, so a reload does not change the QR code)."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


@transaction.atomic
def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm an authenticator with a code it shows now; returns the new recovery codes.

    Raises ``ValidationFailed`` (field ``code``) when the code is not the authenticator's. Any
    earlier authenticator and recovery codes of the person are replaced."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not locked.verify_token(code_normalise(code)):
        raise ValidationFailed(
            _("The code is not right."),
            fields={"code": [_("This is not the code your app shows now; try the next one.")]},
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    codes = _recovery_codes_make(user)
    audit_record(
        actor=Actor.for_user(user),
        action="core.second_factor_enrol",
        target=user,
        target_label=user.username,
        after={"authenticator": True, "recovery_codes": len(codes)},
    )
    return codes


def _recovery_codes_make(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(user.pk, code)) for code in codes
    )
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for a person with an authenticator; the old ones stop working."""
    codes = _recovery_codes_make(user)
    audit_record(
        actor=Actor.for_user(user),
        action="core.recovery_codes_replace",
        target=user,
        target_label=user.username,
        after={"recovery_codes": len(codes)},
    )
    return codes


def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts this code (an authenticator's current code, or an unused
    recovery code, which is used up), or None. Each device slows down repeated failures."""
    code = code_normalise(code)
    if not code or len(code) > 16:
        return None
    model: type[Device] = TOTPDevice if code.isdigit() else StaticDevice
    token = code if model is TOTPDevice else recovery_code_digest(user.pk, code)
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def second_factor_reset(*, person: User, actor: Actor) -> bool:
    """Remove a person's authenticator and recovery codes (a lost phone): at their next
    sign-in they enrol again, if their role requires it. Returns whether there was anything to
    remove; the reset is audited either way."""
    removed = TOTPDevice.objects.filter(user=person).delete()[0]
    removed += StaticDevice.objects.filter(user=person).delete()[0]
    audit_record(
        actor=actor,
        action="core.second_factor_reset",
        target=person,
        target_label=person.username,
        before={"enrolled": bool(removed)},
        after={"enrolled": False},
    )
    return bool(removed)
