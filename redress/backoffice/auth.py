"""Sign-in lockout: django-axes refuses an account, or a client address, after repeated failures
(the two counters: ``core.lockout``).

Axes insists on the request to know the address. Every sign-in through a page (this site's
form, the admin, password change) passes it; ``authenticate()`` without a request comes from
code on the server (tests, the shell), where there is no address to lock out, so it is let
through to the next backend instead of failing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redress.core.lockout import Locked, lockout_reason


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The "too many attempts" page (429), saying whether the account or the address is held
    and for how long (``core.lockout``)."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    context = {
        "reason": lockout_reason(request, credentials) or Locked.ACCOUNT,
        "cooloff_minutes": max(1, int(cool_off.total_seconds() // 60)),
    }
    return render(request, "backoffice/locked_out.html", context, status=429)
