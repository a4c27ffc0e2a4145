"""The files of a complaint, for the complainant let into it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache

from redress.complaints.models import Message
from redress.portal.views.common import granted, not_granted


@never_cache
def complaint_file(request: HttpRequest, reference: str, pk: str) -> HttpResponseBase:
    """A file the complainant sent or was sent (never one of the staff's internal notes)."""
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    found = (
        complaint.attachments.filter(pk=int(pk))
        .exclude(message__direction=Message.Direction.INTERNAL)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)
