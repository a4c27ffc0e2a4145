"""Secrets Redress must keep and use again (a mailbox's password), sealed at rest.

A sealed value is ``sealed:v1:`` followed by a Fernet token (AES-128-CBC with HMAC-SHA256) under a
key derived from ``REDRESS_SEALING_KEY``, or from ``SECRET_KEY`` when that is not set. A copy of
the database alone does not give the password away. Changing the key makes sealed values
unreadable: ``unseal`` then raises ``Unsealable`` and the value must be entered again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "sealed:v1:"


class Unsealable(Exception):
    """A sealed value that the current key cannot open."""


def _fernet() -> Fernet:
    secret = settings.REDRESS_SEALING_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"redress-sealing:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(value: str) -> str:
    """The value sealed for storage (an empty value stays empty: nothing to hide)."""
    if not value or is_sealed(value):
        return value
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def unseal(stored: str) -> str:
    """The value back. A value stored before sealing existed is returned as it is."""
    if not is_sealed(stored):
        return stored
    try:
        return _fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise Unsealable("sealed with another key") from None
