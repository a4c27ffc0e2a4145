"""The portal's home page: how to complain, the steps and their times, where else to turn."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from redress.framework.selectors_policy import policy_current
from redress.portal import present
from redress.portal.views.common import external_bodies, page, public_steps
from redress.transparency.selectors import notice_current, targets_for_groups


def home(request: HttpRequest) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    context = {
        "nav": "home",
        "notice": notice,
        "intro": notice.text("intro", language) if notice else "",
        "how": notice.text("how", language) if notice else "",
        "charges": notice.text("charges", language) if notice else "",
        "steps": public_steps(notice, language),
        "faster": {g.group: present.target_words(g.decision) for g in targets_for_groups()},
        "bodies": external_bodies(language),
    }
    return page(request, "portal/home.html", context)


def policy(request: HttpRequest) -> HttpResponse:
    """The complaints-handling policy in force, as top management approved it (ISO 10002 5.2:
    published, with the date it took effect)."""
    language = get_language()
    current = policy_current()
    context = {
        "nav": "policy",
        "policy": current,
        "title": current.display_title(language) if current else "",
        "text": current.display_text(language) if current else "",
    }
    return page(request, "portal/policy.html", context)
