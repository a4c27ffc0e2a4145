"""Sign-in lockout with two counters kept apart (ASVS 2.2.1): an account and a client address.

django-axes records each failed sign-in (username, address, browser). Redress reads those
records twice:

- **the account**: ``REDRESS_LOGIN_FAILURES`` failures for one username, from any address,
  lock that username for the cool-off (someone guessing one person's password from many
  machines);
- **the address**: ``REDRESS_LOGIN_IP_FAILURES`` failures from one client address, for any
  usernames, lock that address (someone trying many usernames from one machine).

The address is the client's behind the trusted proxies (``core.clientip``), so one person's
failures behind a proxy never lock out everyone behind it. A successful sign-in clears that
account's failures, never the address's: signing in to one's own account does not reset the
count of another account's guesses.

Axes locks when ``get_failures`` reaches ``AXES_FAILURE_LIMIT`` (the account limit); this
handler reports, for that comparison, how close the nearer of the two counters is to its own
limit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class Locked(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


def _failures(request: HttpRequest, **where: Any) -> int:
    attempts = AccessAttempt.objects.filter(**where)
    if get_cool_off(request) is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def lockout_counts(request: HttpRequest, credentials: dict[str, Any] | None) -> dict[Locked, int]:
    """Failures within the cool-off for this sign-in's account and for its client address (an
    address Redress could not read is not counted: it is no one's in particular)."""
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    return {
        Locked.ACCOUNT: _failures(request, username=username) if username else 0,
        Locked.ADDRESS: _failures(request, ip_address=address) if address else 0,
    }


def lockout_reason(request: HttpRequest, credentials: dict[str, Any] | None) -> Locked | None:
    """What is locked for this sign-in, the account before the address, or None."""
    counts = lockout_counts(request, credentials)
    if counts[Locked.ACCOUNT] >= settings.AXES_FAILURE_LIMIT:
        return Locked.ACCOUNT
    if counts[Locked.ADDRESS] >= settings.REDRESS_LOGIN_IP_FAILURES:
        return Locked.ADDRESS
    return None


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the account and the address counted separately."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = lockout_counts(request, credentials)
        account_limit = settings.AXES_FAILURE_LIMIT
        left = min(
            account_limit - counts[Locked.ACCOUNT],
            settings.REDRESS_LOGIN_IP_FAILURES - counts[Locked.ADDRESS],
        )
        return account_limit - left

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
