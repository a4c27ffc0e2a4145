"""What the staff site's forms share: blank choices, the languages, choice fields that show
people and places by name, a field for several files, and the ``once`` field that makes a
form create something once however often it is sent."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import get_language

from redress.core.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

BLANK: list[tuple[str, StrOrPromise]] = [("", "—")]
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.get_username()


class LocalizedChoiceField(forms.ModelChoiceField):
    """Categories, products and units show their name in the person's language."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name(get_language() or "vi")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def once_field() -> forms.CharField:
    """A hidden value that identifies one copy of a form (``views.common.create_once``)."""
    return forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: secrets.token_urlsafe(16)
    )
