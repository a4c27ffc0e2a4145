"""Per-IP counters in Django's cache, against spam and against guessing tracking codes.

A fixed window is enough here: the limits are generous for a person (mobile networks in
Vietnam put many people behind one address) and tight for a script.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; with ``REDRESS_PROXY_COUNT`` trusted proxies in front, the entry
    of X-Forwarded-For that the outermost trusted proxy added (a client can forge the rest)."""
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


def _rate(setting: str) -> tuple[int, int]:
    count, _slash, seconds = getattr(settings, setting).partition("/")
    return int(count), int(seconds or 60)


def _key(scope: str, request: HttpRequest, window: int) -> str:
    return f"portal:rl:{scope}:{client_ip(request)}:{int(time.time()) // window}"


def is_limited(request: HttpRequest, scope: str, setting: str) -> bool:
    """True when this client has used up the allowance of ``scope`` in the current window."""
    limit, window = _rate(setting)
    return (cache.get(_key(scope, request, window)) or 0) >= limit


def hit(request: HttpRequest, scope: str, setting: str) -> int:
    """Count one use of ``scope`` by this client; the new count."""
    _limit, window = _rate(setting)
    key = _key(scope, request, window)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def retry_minutes(setting: str) -> int:
    _limit, window = _rate(setting)
    return max(1, (window - int(time.time()) % window + 59) // 60)
