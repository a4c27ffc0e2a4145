"""Administration of time-limit policies' targets and of the escalation levels
(``sla.services.policies`` decides)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.sla.models import EscalationLevel, SlaPolicy
from redress.sla.rules import Stage, TimeUnit
from redress.sla.services.policies import ESCALATION_FIELDS, POLICY_FIELDS

STAGE_LABELS = {
    Stage.ACKNOWLEDGE: _("Acknowledge within"),
    Stage.ASSESS: _("Assess within"),
    Stage.DECISION: _("Communicate the decision within"),
    Stage.CLOSE: _("Close within"),
    Stage.REVIEW: _("Decide an internal review within"),
}


class PolicyForm(forms.Form):
    """A policy's names, whether it is used, and its target for each stage."""

    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    near_due_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Near-due reminder at (% of the time used)"),
        min_value=1,
        max_value=99,
    )

    def __init__(self, *args: Any, policy: SlaPolicy, **kwargs: Any):
        kwargs.setdefault("initial", {name: getattr(policy, name) for name in POLICY_FIELDS})
        super().__init__(*args, **kwargs)
        for stage in Stage.values:
            self.fields[f"{stage}_amount"] = forms.IntegerField(
                label=STAGE_LABELS[Stage(stage)],
                min_value=1,
                required=False,
                help_text=_("Empty: no deadline for this stage."),
            )
            self.fields[f"{stage}_unit"] = forms.ChoiceField(
                label=_("Counted in"), choices=TimeUnit.choices
            )
        if policy.is_statutory:
            # A limit set by law is shown, never changed here (the model refuses it too).
            for name in ("is_active", "decision_amount", "decision_unit"):
                self.fields[name].disabled = True

    def stages(self) -> list[tuple[Any, Any]]:
        return [(self[f"{stage}_amount"], self[f"{stage}_unit"]) for stage in Stage.values]


class EscalationForm(forms.Form):
    audience = forms.ChoiceField(label=_("Who is told"), choices=EscalationLevel.Audience.choices)
    near_due = forms.BooleanField(label=_("Told when the deadline is near"), required=False)
    breach = forms.BooleanField(label=_("Told when the deadline is missed"), required=False)
    after_hours = forms.IntegerField(
        label=_("Working hours after the deadline"),
        min_value=0,
        help_text=_("0: at once when the deadline passes."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, level: EscalationLevel, **kwargs: Any):
        kwargs.setdefault("initial", {name: getattr(level, name) for name in ESCALATION_FIELDS})
        super().__init__(*args, **kwargs)
