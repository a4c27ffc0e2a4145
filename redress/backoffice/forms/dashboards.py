"""The period and filters of the dashboards and charts (a GET form; codes in the address, as
in the API and the drill-down)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import BLANK, PlainSelect
from redress.complaints.models import Channel

# The query parameters that narrow a cohort, in the order of the form.
FILTERS = ("from", "to", "unit", "category", "channel")


class FigureFilterForm(forms.Form):
    def __init__(self, *args: Any, units: Any, categories: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("period", "From"), required=False, widget=date
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("period", "To"), required=False, widget=date
        )
        self.fields["unit"] = forms.ChoiceField(
            label=_("Unit"),
            required=False,
            widget=PlainSelect,
            choices=[*BLANK, *[(u.code, u.display_name(language)) for u in units]],
        )
        self.fields["category"] = forms.ChoiceField(
            label=_("Category"),
            required=False,
            widget=PlainSelect,
            choices=[
                *BLANK,
                ("none", _("(none)")),
                *[(c.code, c.display_name(language)) for c in categories],
            ],
        )
        self.fields["channel"] = forms.ChoiceField(
            label=_("Channel"),
            required=False,
            widget=PlainSelect,
            choices=[*BLANK, *Channel.choices],
        )

    def query(self) -> dict[str, str]:
        """The valid filters as query parameters (empty ones left out)."""
        data = self.cleaned_data
        found = {}
        for name in FILTERS:
            value = data.get(name)
            if value:
                found[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return found
