"""Administration of what other systems may do: API tokens, webhook subscriptions and the
delivery log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redress.backoffice.forms.common import BLANK, UserChoiceField, once_field
from redress.core.models import User
from redress.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)


class ApiTokenForm(forms.Form):
    """A new API token; ``integrations.services.token_create`` decides. ``once`` identifies this
    copy of the form, so that sending it again (reload, back) creates no second token."""

    once = once_field()

    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Call centre 1900”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ApiToken.Kind.choices, initial=ApiToken.Kind.INTEGRATION
    )
    user = UserChoiceField(
        label=_("Acts as"),
        queryset=User.objects.none(),
        help_text=_(
            "The token has this person's roles; an integration acts through a service account."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )
    source_system = forms.CharField(
        label=_("Source system"),
        max_length=64,
        required=False,
        help_text=_("Recorded on the complaints an integration creates (empty: the name)."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: the token works until it is revoked."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only people who hold a role: a token acting for anyone else could do nothing.
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("username")
        )

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data.get("expires_at")
        if value and value <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return value


class WebhookSubscriptionForm(forms.Form):
    """A new webhook subscription; ``integrations.services.webhook_subscription_create``
    decides. ``once``: as on the token form."""

    once = once_field()
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("Which system receives the events, e.g. “CRM”."),
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("The address the events are posted to (https, except on a test machine)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Leave empty and Redress makes one (shown once, after saving)."),
    )


class WebhookEditForm(forms.Form):
    """A subscription's settings (not its secret, which is only ever replaced);
    ``integrations.services.webhook_subscription_update`` decides."""

    name = WebhookSubscriptionForm.base_fields["name"]
    url = WebhookSubscriptionForm.base_fields["url"]
    events = WebhookSubscriptionForm.base_fields["events"]
    max_attempts = forms.IntegerField(
        label=_("Attempts per event"),
        min_value=1,
        max_value=100,
        help_text=_("How many times an event is sent before it counts as failed."),
    )
    disable_after = forms.IntegerField(
        label=_("Turn off after"),
        min_value=1,
        max_value=100,
        help_text=_("Failed events in a row after which the subscription is turned off."),
    )


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *WebhookDelivery.State.choices], required=False
    )
    subscription = forms.TypedChoiceField(
        label=_("Subscription"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, subscriptions: list[WebhookSubscription], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # From the subscriptions already loaded for the page: no query of its own.
        self.fields["subscription"].choices = BLANK + [(s.pk, s.name) for s in subscriptions]  # type: ignore[attr-defined]


class SubscriptionDisableForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)
