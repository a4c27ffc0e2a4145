"""Administration of what other systems may do: API tokens, webhook subscriptions and their
delivery log. Administrators only; every change goes through ``integrations.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.integrations import (
    ApiTokenForm,
    DeliveryFilterForm,
    SubscriptionDisableForm,
    WebhookEditForm,
    WebhookSubscriptionForm,
)
from redress.backoffice.views.common import admin_view, create_once, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.integrations import services
from redress.integrations.models import ApiToken, WebhookDelivery, WebhookSubscription

SUBSCRIPTIONS_SHOWN = 100


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


# --------------------------------------------------------------------------------------------
# API tokens


@admin_view
def token_list(request: HttpRequest) -> HttpResponse:
    """Every token with whom it acts for and when it was last used; never its hash."""
    tokens = (
        ApiToken.objects.select_related("user").defer("key_hash").order_by("-created_at", "-pk")
    )
    result = paginate(tokens, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/token_list.html",
        {"section": "tokens", "result": result, "tokens": result.rows},
    )


@admin_view
def token_create(request: HttpRequest) -> HttpResponse:
    """A new token. Its value is in this one response only (it is stored hashed)."""
    return _create_once(
        request,
        ApiTokenForm(request.POST if request.method == "POST" else None),
        section="tokens",
        form_template="backoffice/token_form.html",
        create=lambda data: services.token_create(
            actor=_actor(request),
            user=data["user"],
            name=data["name"],
            scopes=data["scopes"],
            kind=data["kind"],
            source_system=data["source_system"],
            expires_at=data["expires_at"],
        ),
        created_template="backoffice/token_created.html",
        shown=lambda created: {"token": created.token, "raw": created.raw},
        already=gettext(
            "This form was already sent: the token was created then, and its value cannot "
            "be shown again. Revoke it if its value was not noted."
        ),
    )


def _create_once(
    request: HttpRequest,
    form: Any,
    *,
    section: str,
    form_template: str,
    create: Callable[[dict[str, Any]], Any],
    created_template: str,
    shown: Callable[[Any], dict[str, Any]],
    already: str,
) -> HttpResponse:
    """Create something whose secret is shown in this one response only (a token, a webhook's
    signing secret), once per copy of the form (``create_once``)."""

    def done(created: Any) -> HttpResponse:
        response = page(request, created_template, {"section": section, **shown(created)})
        # Not kept by the browser or a proxy: the value must not be shown a second time.
        response["Cache-Control"] = "no-store"
        return response

    return create_once(
        request,
        form,
        section=section,
        form_template=form_template,
        create=create,
        done=done,
        already=already,
    )


@admin_view
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then revoke (POST). Revoking a revoked token changes nothing."""
    token = get_object_or_404(ApiToken.objects.select_related("user").defer("key_hash"), pk=pk)
    if request.method != "POST":
        return page(request, "backoffice/token_revoke.html", {"section": "tokens", "token": token})
    services.token_revoke(token=token, actor=_actor(request))
    messages.success(request, gettext("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("backoffice:tokens")


# --------------------------------------------------------------------------------------------
# Webhooks


@admin_view
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The subscriptions, with an alert for those switched off after failing, and the delivery
    log (bounded, newest first), filtered by status and subscription."""
    subscriptions = list(
        WebhookSubscription.objects.defer("secret").order_by("name", "pk")[:SUBSCRIPTIONS_SHOWN]
    )
    form = DeliveryFilterForm(request.GET or None, subscriptions=subscriptions)
    deliveries = (
        WebhookDelivery.objects.select_related("subscription", "complaint")
        .only(
            "pk",
            "event_id",
            "event_type",
            "state",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "subscription__name",
            "subscription__is_active",
            "subscription__max_attempts",
            "complaint__reference",
        )
        # Newest first by id (the rows are numbered as they are written): the primary key's
        # index serves the order on a log that only grows.
        .order_by("-pk")
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data["state"]:
            deliveries = deliveries.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["subscription"]:
            deliveries = deliveries.filter(subscription_id=form.cleaned_data["subscription"])
    result = paginate(deliveries, _page_number(request))  # type: ignore[arg-type]
    switched_off = [
        s for s in subscriptions if not s.is_active and s.failed_in_row >= s.disable_after
    ]
    return page(
        request,
        "backoffice/webhook_list.html",
        {
            "section": "webhooks",
            "subscriptions": subscriptions,
            "switched_off": switched_off,
            "capped": len(subscriptions) >= SUBSCRIPTIONS_SHOWN,
            "form": form,
            "result": result,
            "deliveries": result.rows,
            "retryable": {
                WebhookDelivery.State.FAILED,
                WebhookDelivery.State.CANCELLED,
                WebhookDelivery.State.RETRYING,
            },
        },
    )


@admin_view
def webhook_create(request: HttpRequest) -> HttpResponse:
    """A new subscription. Its signing secret is shown in this one response; the receiving
    system needs it to check the signature of every event."""
    return _create_once(
        request,
        WebhookSubscriptionForm(request.POST if request.method == "POST" else None),
        section="webhooks",
        form_template="backoffice/webhook_form.html",
        create=lambda data: services.webhook_subscription_create(
            actor=_actor(request),
            name=data["name"],
            url=data["url"],
            events=data["events"],
            secret=data["secret"],
        ),
        created_template="backoffice/webhook_created.html",
        shown=lambda subscription: {
            "subscription": subscription,
            "secret": services.webhook_secret(subscription),
        },
        already=gettext(
            "This form was already sent: the subscription was created then. If its signing "
            "secret was not kept, make a new one from the subscription's Edit page."
        ),
    )


@admin_view
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a subscription's name, address, events and patience (never shows its secret)."""
    subscription = get_object_or_404(WebhookSubscription.objects.defer("secret"), pk=pk)
    initial = {
        field: getattr(subscription, field)
        for field in ("name", "url", "events", "max_attempts", "disable_after")
    }
    form = WebhookEditForm(request.POST if request.method == "POST" else None, initial=initial)
    return save_form(
        request,
        form,
        form_template="backoffice/webhook_edit.html",
        context={"section": "webhooks", "subscription": subscription},
        save=lambda data: services.webhook_subscription_update(
            subscription=subscription, actor=_actor(request), **data
        ),
        saved=gettext("Subscription “%(name)s” saved.")
        % {"name": form.data.get("name", "").strip()},
        to="backoffice:webhooks",
    )


@admin_view
def webhook_secret_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then replace the signing secret and show the new one in this one
    response (POST)."""
    subscription = get_object_or_404(WebhookSubscription.objects.defer("secret"), pk=pk)
    if request.method != "POST":
        return page(
            request,
            "backoffice/webhook_secret_rotate.html",
            {"section": "webhooks", "subscription": subscription},
        )
    secret = services.webhook_secret_rotate(subscription=subscription, actor=_actor(request))
    response = page(
        request,
        "backoffice/webhook_created.html",
        {"section": "webhooks", "subscription": subscription, "secret": secret, "rotated": True},
    )
    response["Cache-Control"] = "no-store"  # the value must not be shown a second time
    return response


def _back_to_webhooks(request: HttpRequest) -> HttpResponse:
    """Back to the list with the filters and page it was posted from (kept in the query)."""
    query = request.GET.urlencode()
    return redirect(reverse("backoffice:webhooks") + (f"?{query}" if query else ""))


@admin_view
@require_POST
def webhook_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.webhook_delivery_retry(delivery=delivery, actor=_actor(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The event will be sent again."))
    return _back_to_webhooks(request)


@admin_view
@require_POST
def webhook_enable(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.webhook_subscription_enable(subscription=subscription, actor=_actor(request))
    messages.success(
        request, gettext("Subscription “%(name)s” is on.") % {"name": subscription.name}
    )
    return _back_to_webhooks(request)


@admin_view
@require_POST
def webhook_disable(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    form = SubscriptionDisableForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return _back_to_webhooks(request)
    reason = form.cleaned_data["reason"].strip() or gettext(
        "Turned off by %(person)s in the back office."
    ) % {"person": request.user.get_username()}
    services.webhook_subscription_disable(
        subscription=subscription, actor=_actor(request), reason=reason
    )
    messages.success(
        request, gettext("Subscription “%(name)s” is off.") % {"name": subscription.name}
    )
    return _back_to_webhooks(request)
