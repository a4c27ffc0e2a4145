"""Forms of the personal-data pages: the breach register, the access log and the complainant's
consent on the complaint workspace (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.privacy.consents import STAFF_METHODS
from redress.privacy.models import DataCategory, SubjectsDecision
from redress.transparency.models import WithdrawalMethod


def _moment(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _text(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class BreachReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("What happened"), required=True, rows=4)
    discovered_at = _moment(_("Found at"))
    occurred_at = _moment(_("Happened at (if known)"), required=False)
    data_categories = forms.MultipleChoiceField(
        label=_("Data concerned"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    people_affected = forms.IntegerField(
        label=_("Number of people affected (if known)"), min_value=0, required=False
    )
    affected_description = _text(_("Who is affected"))
    cause = _text(_("Cause"))
    containment = _text(_("Measures taken"))


class NotifyAuthorityForm(forms.Form):
    notified_at = _moment(_("Notified at"))
    authority_reference = forms.CharField(
        label=_("Authority's reference"), max_length=100, required=False
    )
    late_reason = _text(_("Reason for the delay (when past the 72 hours)"), required=False, rows=2)


class SubjectsDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Inform the people affected?"),
        choices=[c for c in SubjectsDecision.choices if c[0]],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason"), required=True, rows=2)


class SubjectsInformedForm(forms.Form):
    informed_at = _moment(_("Informed at"))


class BreachCloseForm(forms.Form):
    note = _text(_("Closing note: what was learnt and changed"), required=True, rows=3)


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label=_("Staff member (username)"), max_length=150, required=False)
    reference = forms.CharField(label=_("Complaint reference"), max_length=40, required=False)
    older_than = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ConsentRecordForm(forms.Form):
    """A consent the complainant gave to staff after their complaint came in."""

    method = forms.ChoiceField(
        label=_("How they told you"),
        choices=[(m.value, m.label) for m in STAFF_METHODS],
    )
    note = _text(_("What they said"), required=True, rows=2)


class ConsentWithdrawForm(forms.Form):
    """A withdrawal the complainant asked a member of staff for."""

    method = forms.ChoiceField(label=_("How they asked"), choices=WithdrawalMethod.choices)
    note = _text(_("What they said"), rows=2)


class PersonExportForm(forms.Form):
    """Whose data to export: their email address or phone number (either, or both)."""

    email = forms.EmailField(label=_("Email address"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=32, required=False)


class PersonEraseForm(forms.Form):
    """Erase a person's data (the DPO): found by email or phone; confirmed by a tick."""

    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    reason = _text(_("Reason (the request, the decision)"))
    confirm = forms.BooleanField(
        label=_("I understand that the person's identifiers are erased for good."),
        required=True,
    )


class LegalHoldForm(forms.Form):
    """Put a complaint under a legal hold: its reference and why."""

    reference = forms.CharField(label=_("Complaint reference"), max_length=40)
    reason = _text(_("Why (a court case, an inspection, a request from the police)"), required=True)
