"""Exports built by a background job: their progress and, once built, their download, for the
person who asked for them alone (``complaints.export_jobs``)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext

from redress.backoffice.views.common import page, staff_view
from redress.complaints import exports
from redress.complaints.export_jobs import export_job_for
from redress.complaints.models import ExportJob
from redress.core.models import User
from redress.privacy.access_log import personal_data_accessed
from redress.privacy.models import PersonalDataAccess


def _job(request: HttpRequest, pk: int) -> ExportJob:
    user: User = request.user  # type: ignore[assignment]
    job = export_job_for(user, pk)
    if job is None:
        # Someone else's job is not found rather than refused: its existence is not told.
        raise Http404(pk)
    return job


@staff_view
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state and progress; the page asks again every few seconds until it is done
    (HTMX), and offers the download when it is."""
    job = _job(request, pk)
    context = {"job": job, "finished": job.state not in (job.State.QUEUED, job.State.RUNNING)}
    if getattr(request, "htmx", False):
        return page(request, "backoffice/partials/export_job_state.html", context)
    return page(request, "backoffice/export_job.html", context)


@staff_view
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job(request, pk)
    if job.state == job.State.EXPIRED:
        context = {"reason": gettext("This export has expired; export the queue again.")}
        return page(request, "backoffice/export_refused.html", context, status=410)
    if job.state != job.State.DONE or not job.file:
        raise Http404(pk)
    user: User = request.user  # type: ignore[assignment]
    personal_data_accessed(
        user=user, via=PersonalDataAccess.Via.EXPORT, detail=f"export job {job.pk}: {job.queue}"
    )
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=exports.export_filename(job.format, now=job.finished_at),
        content_type=exports.CONTENT_TYPES[job.format],
    )
