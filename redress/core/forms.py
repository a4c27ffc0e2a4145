"""What every interface's forms share with the services behind them."""

from __future__ import annotations

from django import forms

from redress.core.errors import ApplicationError


def form_add_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's refusal on the form that was sent: each field's problems next to that
    field (above the form when the form has no such field), and the refusal's message above
    the form when it names no field."""
    for name, problems in error.fields.items():
        form.add_error(name if name in form.fields else None, problems)
    if not error.fields:
        form.add_error(None, error.message)
