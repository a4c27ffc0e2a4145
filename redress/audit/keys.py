"""The keys that seal the audit chain: kept in the environment, never in the database.

Each entry's hash is sealed with HMAC-SHA256 under the current key, and the entry names the key
by its id (a short fingerprint), so that after a rotation the entries sealed with an earlier key
still verify. Someone who can write to the database but does not hold the key can rewrite an
entry and recompute every later hash, but cannot recompute the seals: ``redress audit verify``
then names the first entry whose seal does not match.

The key material is ``REDRESS_AUDIT_KEY``, or ``SECRET_KEY`` when that is not set; earlier key
materials, kept only to verify, are listed in ``REDRESS_AUDIT_OLD_KEYS``. The HMAC key is derived
from the material (with its own label), so the same secret never keys two different things.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditKey:
    """A derived sealing key and its public id."""

    id: str
    secret: bytes

    def seal(self, message: str) -> str:
        return hmac.new(self.secret, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def opens(self, message: str, seal: str) -> bool:
        return hmac.compare_digest(self.seal(message), seal)


@functools.lru_cache(maxsize=16)
def _derive(material: str) -> AuditKey:
    secret = hashlib.sha256(b"redress-audit-key:" + material.encode("utf-8")).digest()
    key_id = hashlib.sha256(b"redress-audit-key-id:" + secret).hexdigest()[:12]
    return AuditKey(id=key_id, secret=secret)


def audit_key() -> AuditKey:
    """The key that seals new entries and anchors."""
    return _derive(settings.REDRESS_AUDIT_KEY or settings.SECRET_KEY)


def audit_keyring() -> dict[str, AuditKey]:
    """Every key that may have sealed an entry, by id: the current one and the earlier ones."""
    keys = [audit_key(), *(_derive(m) for m in settings.REDRESS_AUDIT_OLD_KEYS if m)]
    return {key.id: key for key in keys}


def entry_seal_message(hash_: str) -> str:
    # An entry's hash covers its content and the previous entry's hash: sealing it seals both.
    return f"entry:{hash_}"


def head_seal_message(seq: int, hash_: str, legacy_until: int) -> str:
    return f"head:{seq}:{hash_}:{legacy_until}"
