"""Which complaints this browser may see: those it has proved it knows the tracking code of.

The code is kept in the server-side session (never in a cookie or the address bar after the
first step), and every page looks the complaint up again through
``complaint_find_by_tracking``: the portal never finds a complaint any other way. A grant
lapses after a while without use, for people who use a shared or borrowed phone.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_find_by_tracking

SESSION_KEY = "portal_access"
IDLE_SECONDS = 2 * 3600


def grant(request: HttpRequest, reference: str, code: str) -> None:
    grants = dict(request.session.get(SESSION_KEY, {}))
    grants[reference] = {"code": code, "seen": int(time.time())}
    request.session[SESSION_KEY] = grants


def forget(request: HttpRequest, reference: str) -> None:
    grants = dict(request.session.get(SESSION_KEY, {}))
    if grants.pop(reference, None) is not None:
        request.session[SESSION_KEY] = grants


def complaint_for(request: HttpRequest, reference: str) -> Complaint | None:
    """The complaint if this browser holds a live grant for it, else None."""
    entry = request.session.get(SESSION_KEY, {}).get(reference)
    if not entry or time.time() - entry.get("seen", 0) > IDLE_SECONDS:
        return None
    complaint = complaint_find_by_tracking(reference, entry["code"])
    if complaint is not None:
        grant(request, reference, entry["code"])  # still in use: keep it alive
    return complaint
