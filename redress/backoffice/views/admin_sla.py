"""Administration of time-limit policies' targets and of the escalation levels. Administrators
only; changes go through ``sla.services.policies``. Which complaints a policy applies to (its
conditions) and new policies stay in the Django admin, for superusers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from redress.backoffice.forms.admin_sla import EscalationForm, PolicyForm
from redress.backoffice.views.common import admin_view, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.models import User
from redress.sla.models import EscalationLevel, SlaPolicy
from redress.sla.services.policies import escalation_level_update, sla_policy_update


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


@admin_view
def policy_list(request: HttpRequest) -> HttpResponse:
    """The policies in the order they are tried, with their targets; then the escalation
    levels (few, always shown whole)."""
    policies = SlaPolicy.objects.order_by("rank", "code")
    result = paginate(policies, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_policies.html",
        {
            "section": "policies",
            "result": result,
            "policies": result.rows,
            "levels": list(EscalationLevel.objects.order_by("level")[:50]),
        },
    )


@admin_view
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=pk)
    form = PolicyForm(request.POST if request.method == "POST" else None, policy=policy)
    return save_form(
        request,
        form,
        form_template="backoffice/admin_policy_form.html",
        context={"section": "policies", "policy": policy},
        save=lambda data: sla_policy_update(actor=_actor(request), policy=policy, **data),
        saved=gettext(
            "Policy “%(name)s” saved; the deadlines of open complaints are being recomputed."
        )
        % {"name": policy.name},
        to="backoffice:policies",
    )


@admin_view
def escalation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(EscalationLevel, pk=pk)
    form = EscalationForm(request.POST if request.method == "POST" else None, level=level)
    return save_form(
        request,
        form,
        form_template="backoffice/admin_escalation_form.html",
        context={"section": "policies", "level": level},
        save=lambda data: escalation_level_update(actor=_actor(request), level=level, **data),
        saved=gettext("Escalation level %(level)s saved.") % {"level": level.level},
        to="backoffice:policies",
    )
