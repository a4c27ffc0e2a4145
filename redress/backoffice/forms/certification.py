"""Forms of the auditor's pack and of external auditors' access: they take input and show the
services' refusals; the rules are in ``redress.certification.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import UserChoiceField
from redress.certification.models import AuditorPack, PackLanguage, PackState
from redress.certification.selectors import external_auditor_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _last_quarter() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=90), today


class PackForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    language = forms.ChoiceField(label=_("Language"), choices=PackLanguage.choices)
    sample_size = forms.IntegerField(
        label=_("Complaints in the sample"), min_value=1, max_value=200, initial=25
    )
    seed = forms.IntegerField(
        label=_("Random seed (to draw an earlier sample again)"), required=False, min_value=0
    )
    unmasked = forms.BooleanField(
        label=_("Show complainants' personal data where I am entitled to it"),
        required=False,
        help_text=_("Such a pack cannot be given to an external auditor."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, last = _last_quarter()
        self.fields["period_start"].initial = first
        self.fields["period_end"].initial = last


class PackChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: AuditorPack) -> str:  # type: ignore[override]
        return f"{obj.reference} ({obj.period_start:%d/%m/%Y} – {obj.period_end:%d/%m/%Y})"


class GrantForm(forms.Form):
    auditor = UserChoiceField(label=_("External auditor"), queryset=None)
    packs = PackChoiceField(label=_("Packs"), queryset=None, widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = external_auditor_candidates().order_by("username")  # type: ignore[attr-defined]
        self.fields["packs"].queryset = AuditorPack.objects.filter(  # type: ignore[attr-defined]
            state=PackState.READY, unmasked=False
        )
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["ends_on"].initial = timezone.localdate() + dt.timedelta(days=30)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500)
