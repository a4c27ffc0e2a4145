"""A person's columns and saved views of the queues (``complaints.queue_views``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.views.common import staff_view
from redress.complaints.queue_views import (
    queue_columns_set,
    saved_query,
    saved_view_create,
    saved_view_delete,
)
from redress.complaints.queues import Queue
from redress.core.errors import ApplicationError
from redress.core.models import User


def _queue_url(queue: str, query: str) -> str:
    return reverse("backoffice:queue", kwargs={"queue": queue}) + (f"?{query}" if query else "")


@staff_view
@require_POST
def columns(request: HttpRequest, queue: str) -> HttpResponse:
    """Remember the columns chosen; back to the same queue, filters and page."""
    if queue not in Queue.values:
        raise Http404(queue)
    user: User = request.user  # type: ignore[assignment]
    back = _queue_url(queue, request.GET.urlencode())
    try:
        queue_columns_set(user=user, columns=request.POST.getlist("column"))
    except ApplicationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    messages.success(request, gettext("Columns saved."))
    return HttpResponseRedirect(back)


@staff_view
@require_POST
def view_save(request: HttpRequest, queue: str) -> HttpResponse:
    """Save this queue with its filters and sort under a name; then show it."""
    if queue not in Queue.values:
        raise Http404(queue)
    user: User = request.user  # type: ignore[assignment]
    query = request.GET.urlencode()
    try:
        view = saved_view_create(
            user=user, name=request.POST.get("name", ""), queue=queue, query=query
        )
    except ApplicationError as error:
        messages.error(
            request, gettext("The view was not saved: %(reason)s") % {"reason": error.message}
        )
        return HttpResponseRedirect(_queue_url(queue, query))
    messages.success(request, gettext("View “%(name)s” saved.") % {"name": view.name})
    return HttpResponseRedirect(_queue_url(view.queue, view.query))


@staff_view
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the person's saved views; back to the queue they were on."""
    user: User = request.user  # type: ignore[assignment]
    queue = request.POST.get("queue", "")
    back = _queue_url(
        queue if queue in Queue.values else Queue.ALL, saved_query(request.GET.urlencode())
    )
    try:
        saved_view_delete(user=user, view_id=pk)
    except ApplicationError as error:
        raise Http404(error.message) from None
    messages.success(request, gettext("Saved view deleted."))
    return HttpResponseRedirect(back)
