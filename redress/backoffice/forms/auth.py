"""The language switch of the staff site."""

from __future__ import annotations

from django import forms

from redress.backoffice.forms.common import LANGUAGES


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=LANGUAGES)
    next = forms.CharField(required=False)
