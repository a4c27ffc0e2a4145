"""Per-IP counters in Django's cache: against spam and guessing of tracking codes on the
portal, and against mail-bombing through the staff password reset.

A window opens at a client's first counted request and lasts the configured time; the limits
are generous for a person (mobile networks in Vietnam put many people behind one address) and
tight for a script. The count and the window's end are stored together and written with the
time left as the timeout, so the window is the same on every cache backend (some backends'
``incr`` resets the timeout). Two requests counted at the very same moment may count once:
good enough for a limit, and it needs no lock.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from redress.core.clientip import client_ip

__all__ = ["client_ip", "hit", "is_limited", "retry_minutes"]


def _rate(setting: str) -> tuple[int, int]:
    count, _slash, seconds = getattr(settings, setting).partition("/")
    return int(count), int(seconds or 60)


def _key(scope: str, request: HttpRequest) -> str:
    return f"rl:{scope}:{client_ip(request)}"


def _window(request: HttpRequest, scope: str) -> tuple[int, float]:
    """(count, end of the window) for this client; (0, 0) when no window is open."""
    entry = cache.get(_key(scope, request))
    if not entry or entry[1] <= time.time():
        return 0, 0.0
    return int(entry[0]), float(entry[1])


def is_limited(request: HttpRequest, scope: str, setting: str) -> bool:
    """True when this client has used up the allowance of ``scope`` in its current window."""
    limit, _seconds = _rate(setting)
    return _window(request, scope)[0] >= limit


def hit(request: HttpRequest, scope: str, setting: str) -> int:
    """Count one use of ``scope`` by this client; the new count."""
    _limit, seconds = _rate(setting)
    now = time.time()
    count, ends = _window(request, scope)
    if not count:
        ends = now + seconds
    cache.set(_key(scope, request), (count + 1, ends), timeout=max(1, int(ends - now) + 1))
    return count + 1


def retry_minutes(request: HttpRequest, scope: str) -> int:
    """Whole minutes until this client's window closes (at least 1)."""
    _count, ends = _window(request, scope)
    return max(1, int((ends - time.time() + 59) // 60))
