"""Forms of the management framework (policy, responsibilities, objectives): they take input
and show the services' refusals; the rules are in ``redress.framework``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.analytics.kpis import CATALOGUE
from redress.backoffice.forms.common import BLANK, LocalizedChoiceField, UserChoiceField
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.framework.models import ProcessStep, Raci, ReviewFrequency
from redress.framework.models.objectives import Direction


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PolicyDraftForm(forms.Form):
    title = forms.CharField(label=_("Title (Vietnamese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    text = forms.CharField(label=_("Text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 14}))
    text_en = forms.CharField(
        label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    change_summary = forms.CharField(
        label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PolicyApproveForm(forms.Form):
    effective_from = _date(_("Effective from"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _units() -> Any:
    return OrgUnit.objects.filter(is_active=True).order_by("name")


class ResponsibilityForm(forms.Form):
    step = forms.ChoiceField(label=_("Process step"), choices=ProcessStep.choices)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    part = forms.ChoiceField(label=_("Part"), choices=Raci.choices)
    unit = LocalizedChoiceField(
        label=_("Unit"), queryset=_units(), required=False, empty_label=_("Every unit")
    )
    valid_from = _date(_("Valid from"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def _kpi_choices() -> list[tuple[str, str]]:
    language = get_language() or "vi"
    return [(code, f"{kpi.name_in(language)} ({code})") for code, kpi in CATALOGUE.items()]


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Title (Vietnamese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    kpi = forms.ChoiceField(label=_("KPI"), choices=(), required=False)
    manual_measure = forms.CharField(
        label=_("Or a measure entered by hand"), max_length=200, required=False
    )
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[*BLANK, *Direction.choices], required=False
    )
    baseline = forms.CharField(label=_("Baseline"), max_length=20, required=False)
    target = forms.CharField(label=_("Target"), max_length=20)
    owner = UserChoiceField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    unit = LocalizedChoiceField(
        label=_("Unit"), queryset=_units(), required=False, empty_label=_("The whole organisation")
    )
    period_start = _date(_("Period start"))
    period_end = _date(_("Period end"))
    frequency = forms.ChoiceField(label=_("Review frequency"), choices=ReviewFrequency.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [*BLANK, *_kpi_choices()]  # type: ignore[attr-defined]


class ResultForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
