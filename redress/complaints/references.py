"""Complaint references (KN-2026-000123) and secret tracking codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import zoneinfo

from django.conf import settings

from redress.complaints.models import Complaint, ReferenceCounter

# No 0/O, 1/I/L: codes are read aloud on the phone and typed on small screens.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def reference_next(*, prefix: str, received_at: dt.datetime, time_zone: str) -> str:
    """The next reference of the year the complaint was received in (organisation's time).

    Must run inside the intake transaction: the counter row stays locked until commit, so two
    intakes never share a number, and a rolled-back intake gives its number back.
    """
    year = received_at.astimezone(zoneinfo.ZoneInfo(time_zone)).year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def tracking_code_new() -> str:
    """12 random symbols (about 59 bits), shown as ABCD-EFGH-JKMN."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def tracking_code_hash(reference: str, code: str) -> str:
    # A keyed hash: the code has enough entropy that a slow password hash is not needed, and
    # intake stays fast. Guessing is stopped by the portal's rate limit.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{reference}:{_normalise(code)}".encode(), hashlib.sha256).hexdigest()


def tracking_code_matches(complaint: Complaint, code: str) -> bool:
    return hmac.compare_digest(
        complaint.tracking_code_hash, tracking_code_hash(complaint.reference, code)
    )
