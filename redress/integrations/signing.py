"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret.

Headers sent with every attempt::

    X-Redress-Event: complaint.status_changed
    X-Redress-Delivery: <event id>
    X-Redress-Timestamp: 1767225600            (Unix seconds of this attempt)
    X-Redress-Signature: v1=<hex digest>

A receiver recomputes the digest over the raw body it got, compares in constant time, and
refuses timestamps older than a few minutes (replay protection). ``signature_verify`` is the
reference implementation (docs/api.md shows the same in a few lines).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def signature_compute(secret: str, timestamp: int | str, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signature_verify(
    secret: str,
    *,
    body: bytes,
    timestamp: str,
    signature: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is ours for this body and timestamp, and the timestamp is fresh."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > tolerance:
        return False
    expected = signature_compute(secret, sent, body)
    # Several signatures may be sent during a secret rotation, separated by commas.
    return any(
        hmac.compare_digest(expected, candidate.strip()) for candidate in signature.split(",")
    )
