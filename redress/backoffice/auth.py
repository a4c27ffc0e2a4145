"""Sign-in lockout: django-axes refuses a username from an address after repeated failures.

Axes insists on the request to know the address. Every sign-in through a page (this site's
form, the admin, password change) passes it; ``authenticate()`` without a request comes from
code on the server (tests, the shell), where there is no address to lock out, so it is let
through to the next backend instead of failing.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


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
