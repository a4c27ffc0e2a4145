"""What every interface's forms share with the services behind them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from redress.core.collation import vietnamese_key
from redress.core.errors import ApplicationError


class VietnameseOrder(ModelChoiceIterator):
    """A model choice field's choices in the alphabetical order of their labels (Vietnamese
    collation): ``field.iterator = VietnameseOrder``."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_instance
        for obj in sorted(self.queryset, key=lambda obj: vietnamese_key(label(obj))):
            yield self.choice(obj)


def form_add_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's refusal on the form that was sent: each field's problems next to that
    field (above the form when the form has no such field), and the refusal's message above
    the form when it names no field."""
    for name, problems in error.fields.items():
        form.add_error(name if name in form.fields else None, problems)
    if not error.fields:
        form.add_error(None, error.message)
