"""Administration of SMS and Zalo channels: the channel's settings, a test message, the delivery
log's filters. ``notifications.channels.setup`` decides."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redress.backoffice.forms.common import BLANK
from redress.notifications.models import OutboundText, TextChannel

_SECRET_HELP = _("Stored sealed and never shown again; leave empty to keep the current one.")


class ChannelForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a thing", "Name"), max_length=100)
    gateway = forms.ChoiceField(label=_("Gateway"), choices=TextChannel.Gateway.choices)
    url = forms.URLField(
        label=_("Send URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Empty: the gateway's documented address. Required for a generic gateway."),
    )
    account = forms.CharField(
        label=_("Account"),
        max_length=200,
        required=False,
        help_text=_("Zalo: the application id. Generic gateway with basic auth: the user name."),
    )
    api_key = forms.CharField(
        label=_("API key or access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_SECRET_HELP,
    )
    api_secret = forms.CharField(
        label=_("API secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_SECRET_HELP,
    )
    callback_secret = forms.CharField(
        label=_("Callback secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Signs the callback URLs (and, for a generic gateway, checks the signature of its "
            "calls). Empty on a new channel: Redress makes one."
        ),
    )
    sender = forms.CharField(
        label=_("Sender name"),
        max_length=60,
        required=False,
        help_text=_("The brand name registered with the gateway."),
    )
    options = forms.CharField(
        label=_("Options (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Field mapping of a generic gateway, Zalo template ids, SMS type: see docs/channels.md."
        ),
    )
    unaccented = forms.BooleanField(
        label=_("Send Vietnamese without accents (cheaper SMS)"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    disable_after = forms.IntegerField(
        label=_("Switch off after failed attempts in a row"), min_value=1, initial=5
    )

    def clean_options(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("options") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError(_("Enter a JSON object.")) from error
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter a JSON object."))
        return value


class TestSendForm(forms.Form):
    phone = forms.CharField(label=_("Phone number"), max_length=32)
    text = forms.CharField(
        label=_("Text"),
        max_length=480,
        required=False,
        help_text=_("Empty: a short test message."),
    )


class TextLogFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[*BLANK, *OutboundText.State.choices], required=False
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"), choices=BLANK, required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, channels: list[TextChannel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [*BLANK, *((c.pk, c.name) for c in channels)]  # type: ignore[attr-defined]
