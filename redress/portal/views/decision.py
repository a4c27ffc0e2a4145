"""The complainant's answer to the decision (ISO 10002 7.9) and their opinion of the handling
once the complaint is closed (8.3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from redress.handling.services import complaint_rate, complaint_record_reaction
from redress.portal.forms import ReactionForm, SurveyForm
from redress.portal.views.common import WEB, granted, not_granted
from redress.portal.views.tracking import complainant_step


@require_POST
@never_cache
def complaint_answer(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)

    def done(data: dict[str, Any]) -> tuple[int, str]:
        if data["reaction"] == "accepted":
            return messages.SUCCESS, _(
                "Thank you. You accepted our decision; we will now do what we promised."
            )
        return messages.INFO, _(
            "Thank you. A more senior person will review your complaint. You can also go to the bodies listed below."
        )

    return complainant_step(
        request,
        complaint,
        ReactionForm(request.POST),
        "reaction_form",
        lambda data: complaint_record_reaction(
            complaint=complaint, actor=WEB, reaction=data["reaction"], note=data["note"]
        ),
        done=done,
        # Already answered (another tab, a double click): show where things stand.
        already=_("We already have your answer to this decision."),
    )


@require_POST
@never_cache
def complaint_survey(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    return complainant_step(
        request,
        complaint,
        SurveyForm(request.POST),
        "survey_form",
        lambda data: complaint_rate(complaint=complaint, actor=WEB, **data),
        done=lambda _data: (messages.SUCCESS, _("Thank you for your opinion.")),
        already=_("We already have your opinion on this complaint. Thank you."),
    )
