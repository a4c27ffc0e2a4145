"""The filters of the analysis pages: a period of whole days, a unit, a category."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.analytics.cohort import Filters, Period
from redress.analytics.request import period_check
from redress.backoffice.forms.common import LocalizedChoiceField
from redress.core.errors import ValidationFailed
from redress.core.forms import form_add_error


class PeriodFilterForm(forms.Form):
    """A period (both days included: ``default`` when both ends are left empty; one end left
    empty is filled and the period checked the way the API and the command line do it) and the
    units and categories the person may choose. Any problem is reported on its field and
    nothing is computed."""

    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = LocalizedChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("There is no such unit among those you may see.")},
        help_text=_("With the units below it."),
    )
    category = LocalizedChoiceField(
        label=_("Category"),
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("There is no such category.")},
        help_text=_("With its sub-categories."),
    )

    def __init__(self, *args: Any, default: Period, units: Any, categories: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["received_from"].initial = default.first
        self.fields["received_to"].initial = default.last
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "received_from" in self.errors or "received_to" in self.errors:
            return data
        first, last = data.get("received_from"), data.get("received_to")
        if first is None and last is None:
            data["period"] = self.default
            return data
        try:
            data["period"] = period_check(first, last, names=("received_from", "received_to"))
        except ValidationFailed as refused:
            form_add_error(self, refused)
        return data

    def period(self) -> Period:
        return self.cleaned_data["period"] if self.is_bound else self.default

    def filters(self) -> Filters:
        if not self.is_bound:
            return Filters()
        unit, category = self.cleaned_data.get("unit"), self.cleaned_data.get("category")
        return Filters(unit=unit.pk if unit else None, category=category.pk if category else None)
