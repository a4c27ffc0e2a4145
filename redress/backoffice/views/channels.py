"""Administration of SMS and Zalo channels (docs/channels.md): the channels with their callback
addresses and an alert for those switched off, adding and changing one (credentials sealed),
a test message, turning a channel back on, and the delivery log. Administrators only; changes
go through ``notifications.channels.setup``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.channels import ChannelForm, TestSendForm, TextLogFilterForm
from redress.backoffice.views.common import admin_view, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.core.sealing import Unsealable
from redress.intake.selectors import inbound_texts_recent
from redress.notifications.channels import setup
from redress.notifications.channels.gateways import callback_token
from redress.notifications.models import TextChannel
from redress.notifications.selectors import texts_log

CHANNELS_SHOWN = 100


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


def _callbacks(request: HttpRequest, channel: TextChannel) -> dict[str, str]:
    """The addresses to give the gateway for its delivery reports and incoming messages."""
    try:
        return {
            purpose: request.build_absolute_uri(
                reverse(
                    "channel_callback",
                    kwargs={
                        "pk": channel.pk,
                        "purpose": purpose,
                        "token": callback_token(channel, purpose),
                    },
                )
            )
            for purpose in ("report", "inbound")
        }
    except Unsealable:
        return {}


@admin_view
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = list(TextChannel.objects.order_by("name", "pk")[:CHANNELS_SHOWN])
    return page(
        request,
        "backoffice/channel_list.html",
        {
            "section": "channels",
            "channels": [(c, _callbacks(request, c)) for c in channels],
            "switched_off": [c for c in channels if not c.is_active and c.disabled_at],
            "test_form": TestSendForm(),
        },
    )


def _save(request: HttpRequest, channel: TextChannel | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if channel is not None:
        initial = setup.channel_settings(channel)
        initial["options"] = json.dumps(channel.options or {}, ensure_ascii=False, indent=2)
    form = ChannelForm(request.POST if request.method == "POST" else None, initial=initial)
    return save_form(
        request,
        form,
        form_template="backoffice/channel_form.html",
        context={"section": "channels", "channel": channel},
        save=lambda data: setup.channel_save(actor=_actor(request), channel=channel, **data),
        saved=gettext("Channel “%(name)s” saved.") % {"name": form.data.get("name", "").strip()},
        to="backoffice:channels",
    )


@admin_view
def channel_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@admin_view
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(TextChannel, pk=pk))


@admin_view
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a test message through the channel; its outcome shows in the delivery log."""
    channel = get_object_or_404(TextChannel, pk=pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect("backoffice:channels")
    try:
        setup.channel_test_send(
            channel=channel,
            actor=_actor(request),
            phone=form.cleaned_data["phone"],
            text=form.cleaned_data["text"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("backoffice:channels")
    messages.success(
        request,
        gettext("A test message is on its way through “%(name)s”: see the delivery log.")
        % {"name": channel.name},
    )
    return redirect(reverse("backoffice:channel_log") + f"?channel={channel.pk}")


@admin_view
@require_POST
def channel_enable(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(TextChannel, pk=pk)
    setup.channel_enable(channel=channel, actor=_actor(request))
    messages.success(request, gettext("Channel “%(name)s” is on.") % {"name": channel.name})
    return redirect("backoffice:channels")


@admin_view
def channel_log(request: HttpRequest) -> HttpResponse:
    """Every SMS and Zalo message, newest first, bounded pages, by state and channel; the
    latest incoming messages below."""
    channels = list(TextChannel.objects.order_by("name", "pk").only("pk", "name")[:CHANNELS_SHOWN])
    form = TextLogFilterForm(request.GET or None, channels=channels)
    state, channel_id = "", None
    if form.is_bound and form.is_valid():
        state, channel_id = form.cleaned_data["state"], form.cleaned_data["channel"]
    result = paginate(texts_log(state=state, channel_id=channel_id), _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/channel_log.html",
        {
            "section": "channels",
            "form": form,
            "result": result,
            "texts": result.rows,
            "inbound": inbound_texts_recent(),
        },
    )
