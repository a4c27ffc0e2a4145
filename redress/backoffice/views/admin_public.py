"""Administration of the public information about complaining (the portal's "how to
complain" page, ISO 10002 6.3/7.2): its versions, a draft's text, publishing it. Published text
never changes: it is copied into a new draft. Administrators only; changes go through
``transparency.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.views.common import admin_view, page
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.transparency.models import Notice
from redress.transparency.selectors import notice_current
from redress.transparency.services import (
    NOTICE_TEXT_FIELDS,
    notice_copy,
    notice_draft_update,
    notice_publish,
)


class NoticeForm(forms.ModelForm):
    """The texts of a draft, as the model labels them (Vietnamese required)."""

    class Meta:
        model = Notice
        fields = list(NOTICE_TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in NOTICE_TEXT_FIELDS[:-1]}


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


@admin_view
def notice_list(request: HttpRequest) -> HttpResponse:
    """The versions of the public information, newest first; the one in force marked."""
    versions = Notice.objects.select_related("published_by").order_by("-version")
    result = paginate(versions, _page_number(request))  # type: ignore[arg-type]
    current = notice_current()
    return page(
        request,
        "backoffice/admin_notices.html",
        {
            "section": "notices",
            "result": result,
            "notices": result.rows,
            "current_pk": current.pk if current else None,
        },
    )


def _notice_page(
    request: HttpRequest, notice: Notice, form: Any, *, status: int = 200
) -> HttpResponse:
    return page(
        request,
        "backoffice/admin_notice.html",
        {"section": "notices", "notice": notice, "form": form},
        status=status,
    )


@admin_view
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version: a draft's texts to edit, or a published version's text to read."""
    notice = get_object_or_404(Notice, pk=pk)
    if notice.is_published:
        return _notice_page(request, notice, None)
    if request.method != "POST":
        return _notice_page(request, notice, NoticeForm(instance=notice))
    form = NoticeForm(request.POST, instance=notice)
    if not form.is_valid():
        return _notice_page(request, notice, form, status=422)
    notice.refresh_from_db()  # the form wrote its values on the instance; the service decides
    try:
        notice_draft_update(notice=notice, actor=_actor(request), **form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return _notice_page(request, notice, form, status=error.http_status)
    messages.success(request, gettext("The draft was saved."))
    return redirect("backoffice:notice", pk=notice.pk)


@admin_view
@require_POST
def notice_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    draft = notice_copy(notice=notice, actor=_actor(request))
    messages.success(
        request, gettext("Version %(version)s was started as a copy.") % {"version": draft.version}
    )
    return redirect("backoffice:notice", pk=draft.pk)


@admin_view
@require_POST
def notice_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        notice_publish(notice=notice, actor=_actor(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("Version %(version)s is published: the portal shows it from now on.")
            % {"version": notice.version},
        )
    return redirect("backoffice:notices")
