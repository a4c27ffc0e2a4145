"""The client's address, one rule for every use (portal limits, sign-in lockout)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries none that is valid. With
    ``REDRESS_PROXY_COUNT`` trusted proxies in front, the entry of X-Forwarded-For that the
    outermost trusted proxy added (a client can forge the rest); without proxies
    X-Forwarded-For is ignored, since anyone could write it."""
    proxies = settings.REDRESS_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", "") or "")


def client_ip(request: HttpRequest) -> str:
    """The client's address as a key for counters ("unknown" when there is none)."""
    return client_address(request) or "unknown"
