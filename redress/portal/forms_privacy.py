"""The complainant's requests about their personal data (docs/privacy.md): on their complaint's
page, and on the page that asks for the reference and tracking code first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.portal.forms import AccessibleFormMixin, TrackForm
from redress.privacy.models import RequestKind

# The rights as the complainant reads them (the staff site's labels are the law's words).
KIND_WORDS = [
    (RequestKind.ACCESS, _("Send me a copy of the personal data you hold about me")),
    (RequestKind.RECTIFICATION, _("Correct my personal data")),
    (RequestKind.ERASURE, _("Erase my personal data")),
    (RequestKind.RESTRICTION, _("Restrict the processing of my personal data")),
    (RequestKind.OBJECTION, _("I object to the processing of my personal data")),
    (RequestKind.CONSENT_WITHDRAWAL, _("I withdraw my consent")),
]


class PersonalDataForm(AccessibleFormMixin, forms.Form):
    grouped = ("data_request",)

    # Named apart from the other forms of the complaint's page, whose ids they would repeat.
    data_request = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=KIND_WORDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like us to do.")},
    )
    data_note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        help_text=_("For a correction, say what is wrong and what it should be."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()


class PersonalDataByCodeForm(PersonalDataForm, TrackForm):
    """The same request from someone who has not opened their complaint on this device."""

    grouped = ("data_request",)
    field_order = ["reference", "code", "data_request", "data_note"]


class ContactCodeForm(AccessibleFormMixin, forms.Form):
    """The address a complaint was made from, to send a one-time code to."""

    email = forms.EmailField(
        label=_("The email address you complained from"),
        max_length=254,
        help_text=_("We send a one-time code to it."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()


class PersonalDataByContactForm(PersonalDataForm):
    """The request, with the one-time code sent to the address given before."""

    grouped = ("data_request",)
    field_order = ["one_time_code", "data_request", "data_note"]

    one_time_code = forms.CharField(
        label=_("One-time code"),
        max_length=12,
        help_text=_("Six digits, in the email we just sent."),
        error_messages={"required": _("Enter the code from the email.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
