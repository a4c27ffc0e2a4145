"""The period of the complaints report: ``from`` and ``to`` (YYYY-MM-DD, both included)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportPeriodForm(forms.Form):
    """Either day may be left out: without ``from``, the first day of ``to``'s month; without
    ``to``, the last day of ``from``'s month; without both, last month (the view decides)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are named here, as the query string names them.
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("period", "From"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=DATE_INPUT,
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("period", "To"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=DATE_INPUT,
        )
