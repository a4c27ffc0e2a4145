"""Admin for API tokens, webhook subscriptions and the delivery log.

Creating a token, turning a subscription on and retrying an event go through the services
(audited); the token's value is shown once, in the confirmation message.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.core.actors import Actor
from redress.core.admin import SettingsAdmin
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.core.sealing import Unsealable, seal
from redress.integrations import services
from redress.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(cast(User, request.user))


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )

    class Meta:
        model = ApiToken
        fields = [
            "name",
            "kind",
            "user",
            "scopes",
            "source_system",
            "rate_limit_per_minute",
            "expires_at",
        ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "prefix",
        "kind",
        "user",
        "scope_list",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["name", "prefix", "user__username", "source_system"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "created_by_label", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes or [])

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        # The person a token acts for is fixed: a new person needs a new token.
        return [*self.readonly_fields, *(["user", "kind"] if obj else [])]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.token_create(
            actor=_actor(request),  # type: ignore[arg-type]
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            kind=form.cleaned_data["kind"],
            source_system=form.cleaned_data.get("source_system") or "",
            expires_at=form.cleaned_data.get("expires_at"),
            rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
        )
        obj.pk = created.token.pk
        obj.prefix = created.token.prefix
        obj.key_hash = created.token.key_hash
        obj.created_at = created.token.created_at
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                gettext("Copy the token now; it will not be shown again:"),
                created.raw,
            ),
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.token_revoke(token=token, actor=_actor(request))  # type: ignore[arg-type]
        self.message_user(
            request, gettext("%(count)s tokens revoked.") % {"count": queryset.count()}
        )


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        help_text=_(
            "Leave empty to generate one (or, when editing, to keep the current one). Shared "
            "with the receiver, which checks the signature."
        ),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "secret", "max_attempts", "disable_after", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["secret"] = ""  # stored sealed; shown unsealed below the form

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data.get("secret") or ""
        if secret and len(secret) < 16:
            raise forms.ValidationError(_("The secret must have at least 16 characters."))
        return secret

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            return services.webhook_url_check(url)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SettingsAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "state", "failed_in_row", "last_success_at", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "current_secret",
        "failed_in_row",
        "last_success_at",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    actions = ["enable"]

    @admin.display(description=_("current signing secret"))
    def current_secret(self, obj: WebhookSubscription) -> str:
        # For the administrator to hand to the receiving system; stored sealed.
        if not obj.pk:
            return "—"
        try:
            return services.webhook_secret(obj)
        except Unsealable:
            return gettext("Sealed with another key: enter a new secret.")

    @admin.display(description=_("state"))
    def state(self, obj: WebhookSubscription) -> str:
        if obj.is_active:
            return format_html('<span style="color:#0a7a2f">{}</span>', gettext("active"))
        return format_html('<strong style="color:#b00020">{}</strong>', gettext("disabled"))

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        if not change:
            created = services.webhook_subscription_create(
                actor=_actor(request),  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                secret=form.cleaned_data.get("secret") or "",
                max_attempts=form.cleaned_data["max_attempts"],
                disable_after=form.cleaned_data["disable_after"],
            )
            obj.pk = created.pk
            obj.secret = created.secret
            return
        entered = form.cleaned_data.get("secret") or ""
        obj.secret = (
            seal(entered)
            if entered
            else WebhookSubscription.objects.values_list("secret", flat=True).get(pk=obj.pk)
        )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Turn the selected subscriptions on again"))
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            services.webhook_subscription_enable(subscription=subscription, actor=_actor(request))  # type: ignore[arg-type]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only, with a retry action."""

    list_display = [
        "event_type",
        "subscription",
        "complaint",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event_type", "subscription"]
    search_fields = ["event_id", "complaint__reference"]
    list_select_related = ["subscription", "complaint"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False

    @admin.action(description=_("Send the selected events again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            try:
                services.webhook_delivery_retry(delivery=delivery, actor=_actor(request))  # type: ignore[arg-type]
            except ApplicationError as error:
                self.message_user(request, error.message, level=messages.ERROR)
                return
