"""Proposed systemic issues in the staff site (ISO 10002 8.2, 4.7): the clusters of similar
complaints triage proposes, listed on the systemic issues page; a complaints manager or top
management confirms one (the systemic issue opens with its complaints) or dismisses it with a
reason. Every change is a service call; a refusal is shown on the page and changes nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from redress.backoffice.forms.improvement import ReasonForm
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.backoffice.views.improvement import _actor, _reader_only, _require, _user, issue_url
from redress.core.errors import NotFound
from redress.improvement.models import ProposalStatus, SystemicProposal
from redress.improvement.selectors import (
    may,
    proposal_complaints_for_user,
    proposal_get_for_user,
)
from redress.improvement.services.proposals import (
    systemic_proposal_confirm,
    systemic_proposal_dismiss,
)
from redress.improvement.transitions import Permission


class ConfirmForm(forms.Form):
    title = forms.CharField(label=_("Title of the systemic issue"), max_length=300)
    is_significant = forms.BooleanField(label=_("Significant"), required=False)


def _proposal(request: HttpRequest, pk: int) -> SystemicProposal:
    try:
        return proposal_get_for_user(_user(request), pk)
    except NotFound:
        raise Http404(pk) from None


def proposal_url(proposal: SystemicProposal) -> str:
    return reverse("backoffice:proposal", args=[proposal.pk])


def _proposal_page(
    request: HttpRequest, proposal: SystemicProposal, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    evidence = proposal.evidence or {}
    context = {
        "section": "issues",
        "proposal": proposal,
        "evidence": evidence,
        "likeness": evidence.get("complaints", {}),
        "complaints": list(proposal_complaints_for_user(user, proposal)[:200]),
        "total": proposal.complaints.count(),
        "may_decide": proposal.status == ProposalStatus.PENDING
        and may(user, Permission.ISSUE_OPEN, unit_id=None),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(initial={"title": proposal.title}),
        "dismiss_form": forms.get("dismiss_form") or ReasonForm(),
    }
    return page(request, "backoffice/improvement_proposal.html", context, status=status)


@staff_view
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader_only(request)
    return _proposal_page(request, _proposal(request, pk))


@require_POST
@staff_view
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _require(request, Permission.ISSUE_OPEN, unit_id=None)
    opened: list[Any] = []

    def confirm(data: dict[str, Any]) -> None:
        opened.append(
            systemic_proposal_confirm(
                proposal=proposal,
                actor=_actor(request),
                title=data["title"],
                is_significant=data["is_significant"],
            )
        )

    response = form_perform(
        request,
        ConfirmForm(request.POST),
        confirm,
        gettext("Confirmed: the systemic issue is open."),
        proposal_url(proposal),
        lambda **kw: _proposal_page(request, proposal, **kw),
        "confirm_form",
    )
    if opened and response.status_code == 302:
        response["Location"] = issue_url(opened[0])
    return response


@require_POST
@staff_view
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    _require(request, Permission.ISSUE_OPEN, unit_id=None)
    return form_perform(
        request,
        ReasonForm(request.POST),
        lambda data: systemic_proposal_dismiss(
            proposal=proposal, actor=_actor(request), reason=data["reason"]
        ),
        gettext("The proposal is dismissed."),
        proposal_url(proposal),
        lambda **kw: _proposal_page(request, proposal, **kw),
        "dismiss_form",
    )
