"""Forms of the data-subject requests' pages (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.privacy.clocks import MAX_EXTENSION_DAYS
from redress.privacy.models import RequestKind, Verification


def _text(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class RequestRecordForm(forms.Form):
    """A request received by phone, letter or in person, recorded on the person's behalf."""

    kind = forms.ChoiceField(label=_("What the person asks for"), choices=RequestKind.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    references = forms.CharField(
        label=_("Complaint references (if known)"),
        required=False,
        help_text=_("One or more, separated by spaces or commas."),
    )
    requester_name = forms.CharField(label=_("Name given"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Email given"), required=False)
    contact_phone = forms.CharField(label=_("Phone given"), max_length=32, required=False)
    note = _text(_("What the person asked"), required=False)
    processor_involved = forms.BooleanField(
        label=_("A processor or third party is involved"), required=False
    )
    verification = forms.ChoiceField(
        label=_("Verified by"), choices=Verification.choices, required=False
    )

    def clean_references(self) -> list[str]:
        raw = self.cleaned_data.get("references") or ""
        return [part.upper() for part in raw.replace(",", " ").split() if part]


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the person was verified"),
        choices=[c for c in Verification.choices if c[0]],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), required=False, rows=2)


class RespondForm(forms.Form):
    note = _text(_("What the person was told"))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Days of extension"), required=False)
    reason = _text(_("Reason for the extension"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = _("At most %(max)s days, once.") % {
            "max": MAX_EXTENSION_DAYS
        }


class CompleteForm(forms.Form):
    outcome_note = _text(_("Outcome: what was done"))


class RefuseForm(forms.Form):
    reason = _text(_("Reason for the refusal"))


class LiftForm(forms.Form):
    reason = _text(_("Why the restriction is lifted"))
