"""Administration of message templates (``notifications.templates_admin`` decides)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import LANGUAGES
from redress.notifications.models import MessageTemplate


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16}),
        strip=False,
        help_text=_(
            "Placeholders: {{ reference }}, {{ name }}, {{ subject }}, {{ deadline }}, "
            "{{ tracking_url }}, {{ organisation }}, {{ support_email }}, {{ support_phone }}."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, template: MessageTemplate, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "name": template.name,
                "subject": template.subject,
                "body": template.body,
                "is_active": template.is_active,
            },
        )
        super().__init__(*args, **kwargs)


class TemplateFilterForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *LANGUAGES]
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=[("", _("All")), *MessageTemplate.Purpose.choices],
    )
