"""What every portal page shares: the organisation, its contacts and public text on each page,
the steps and external bodies shown to complainants, and the complaint this browser was let
into (``access``: by reference plus tracking code, never by id)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext

from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.formats import money_format
from redress.core.selectors import organisation_get
from redress.portal import access, present
from redress.transparency.models import Notice
from redress.transparency.selectors import (
    external_bodies_active,
    notice_current,
    notice_privacy_text,
    targets_general,
)

SUBMIT_RATE = "REDRESS_PORTAL_SUBMIT_RATE"
TRACK_RATE = "REDRESS_PORTAL_TRACK_RATE"
RECEIPT_KEY = "portal_receipt"
WEB = Actor.channel("web")


def fee_words(amount: Any) -> str:
    """What handling a complaint costs, as the public reads it: "free of charge", or the
    amount ("8.990.000 ₫"; ISO 10002 4.8)."""
    if not amount:
        return gettext("Free of charge")
    return money_format(amount)


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render with what every page shows: the organisation, its contacts and the public text."""
    language = get_language()
    organisation = organisation_get()
    notice = context.pop("notice", None) or notice_current()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    base = {
        "organisation": organisation,
        "organisation_name": name,
        "time_zone": organisation.time_zone,
        "notice": notice,
        # With the retention periods written into the version when it was published.
        "privacy": notice_privacy_text(notice, language) if notice else "",
        "review": notice.text("review", language) if notice else "",
        "complaint_fee": fee_words(organisation.complaint_fee),
    }
    return render(request, template, {**base, **context}, status=status)


def public_steps(notice: Notice | None, language: str) -> list[dict[str, str]]:
    """The steps of the public page, each with its target time: the time-limit policy's
    when it sets one for the step (the same limit the deadline engine applies), else the
    commitment the organisation wrote."""
    if notice is None:
        return []
    targets = targets_general()
    return [
        {
            "stage": s.stage,
            "title": s.text("title", language),
            "body": s.text("body", language),
            "target": present.target_words(targets[s.stage])
            if s.stage in targets
            else s.text("target", language),
        }
        for s in notice.steps.all()
    ]


def external_bodies(language: str, *, public_interest: bool = False) -> list[dict[str, str]]:
    """The external bodies shown to complainants; for a complaint affecting the public interest,
    without the negotiation and mediation routes the law does not allow then (REQ-VN-3)."""
    bodies = external_bodies_active()
    if public_interest:
        bodies = bodies.filter(is_negotiation_or_mediation=False)
    return [
        {
            "name": b.text("name", language),
            "description": b.text("description", language),
            "website": b.website,
            "phone": b.phone,
            "address": b.address,
        }
        for b in bodies
    ]


def granted(request: HttpRequest, reference: str) -> Complaint | None:
    return access.complaint_for(request, reference.upper())


def not_granted(reference: str) -> HttpResponse:
    response = redirect("portal:track")
    response["Location"] += "?reference=" + reference.upper()
    return response
