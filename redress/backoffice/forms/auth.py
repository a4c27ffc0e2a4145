"""The language switch of the staff site and the second-factor code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import LANGUAGES


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=LANGUAGES)
    next = forms.CharField(required=False)


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
