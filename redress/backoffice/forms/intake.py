"""Frontline intake: a complaint taken by phone, in person or by letter."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import (
    LANGUAGES,
    FieldGroups,
    LocalizedChoiceField,
    MultipleFileField,
    UserChoiceField,
)
from redress.complaints.models import Category, Channel, Product, VulnerableGroup
from redress.core.models import OrgUnit, User

STAFF_CHANNELS = [(c, Channel(c).label) for c in (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER)]


class IntakeForm(FieldGroups, forms.Form):
    # The same page sent twice (double click, reload) registers one complaint.
    once = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        required=False,
        initial=lambda: secrets.token_urlsafe(16),
    )
    channel = forms.ChoiceField(
        label=_("Received by"), choices=STAFF_CHANNELS, widget=forms.RadioSelect
    )
    received_by = UserChoiceField(label=_("Taken by"), queryset=User.objects.none())
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Empty: now. For a letter, the day it arrived."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    unit = LocalizedChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    full_name = forms.CharField(label=_("Complainant's full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="vi")
    vulnerable_group = forms.ChoiceField(
        label=_("Vulnerable group"), choices=VulnerableGroup.choices, required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5})
    )
    category = LocalizedChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    product = LocalizedChoiceField(
        label=_("Product or service"),
        queryset=Product.objects.filter(is_active=True),
        required=False,
    )
    order_ref = forms.CharField(
        label=_("Order or contract reference"), max_length=100, required=False
    )
    remedy_requested = forms.CharField(label=_("Remedy requested"), required=False)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (VND)"),
        required=False,
        min_value=0,
        decimal_places=0,
        max_digits=16,
    )
    is_negotiation_request = forms.BooleanField(
        label=_("Negotiation request (Law 19/2023 Art. 57)"), required=False
    )
    health_safety = forms.BooleanField(label=_("Health or safety risk"), required=False)
    subject_staff = UserChoiceField(
        label=_("Person complained about"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Only when the complaint is about a member of staff: they will not see it, own it "
            "or decide it."
        ),
    )
    subject_staff_note = forms.CharField(
        label=_("Why this person"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a person complained about is named."),
    )
    consent = forms.BooleanField(
        label=_("The complainant agreed to the personal-data notice (read out or handed to them)"),
        required=False,
        help_text=_("Leave unticked if they were not asked: silence is not consent."),
    )
    consent_note = forms.CharField(
        label=_("What they said when agreeing"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept as the evidence of their consent, with your name."),
    )
    attachments = MultipleFileField(
        label=_("Files the complainant handed in"),
        required=False,
        help_text=_("Letters, receipts, photos: scanned or photographed."),
    )
    not_duplicate = forms.BooleanField(
        label=_("This is a new complaint, not one of those above"), required=False
    )

    def __init__(self, *args: Any, units: Any, takers: Any, staff: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["received_by"].queryset = takers  # type: ignore[attr-defined]
        self.fields["subject_staff"].queryset = staff  # type: ignore[attr-defined]
        self.use_field_groups()

    def clean_received_at(self) -> Any:
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("phone") or data.get("email") or data.get("address")):
            message = _("Give at least one way to reach the complainant: phone, email or address.")
            self.add_error("phone", message)
        if data.get("subject_staff") and not (data.get("subject_staff_note") or "").strip():
            self.add_error("subject_staff_note", _("Say why the complaint is about this person."))
        if (data.get("consent_note") or "").strip() and not data.get("consent"):
            self.add_error(
                "consent_note",
                _("Tick that they agreed, or leave their words out: a note alone is not consent."),
            )
        return data
