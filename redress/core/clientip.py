"""The client's address, one rule for every use (portal limits, sign-in lockout)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; with ``REDRESS_PROXY_COUNT`` trusted proxies in front, the entry
    of X-Forwarded-For that the outermost trusted proxy added (a client can forge the rest).
    Without proxies X-Forwarded-For is ignored: anyone could write it."""
    proxies = settings.REDRESS_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
