"""Exports built by a background job (ISO 10002 8.1; issue 19): a queue longer than
``REDRESS_EXPORT_INLINE_MAX`` rows is not built in the request. The job reads the queue anew
with the requester's visibility and masking, writes the file to storage, tells its progress as
it goes, and the file is kept ``REDRESS_EXPORT_KEEP_HOURS`` for the requester alone; the
periodic ``export_files_expire`` deletes it afterwards. The export's audit entry is written
when the file is built, as for an export built in the request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from redress.complaints import exports
from redress.complaints.models import ExportJob
from redress.complaints.queues import ListFilters, queue_queryset
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "REDRESS_EXPORT_KEEP_HOURS", 24)))


def filters_to_json(filters: ListFilters) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in dataclasses.asdict(filters).items()
    }


def filters_from_json(data: dict[str, Any]) -> ListFilters:
    known = {f.name for f in dataclasses.fields(ListFilters)}
    values = {key: value for key, value in data.items() if key in known}
    for key in ("received_from", "received_to"):
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    return ListFilters(**values)


@transaction.atomic
def export_job_request(
    *,
    user: User,
    queue: str,
    filters: ListFilters,
    fmt: str,
    language: str,
    description: str = "",
) -> ExportJob:
    """Record the request and queue its job (with the request's transaction)."""
    if fmt not in exports.FORMATS:
        raise ApplicationError(exports.unknown_format_message(fmt))
    job = ExportJob.objects.create(
        requested_by=user,
        format=fmt,
        queue=queue,
        filters=filters_to_json(filters),
        language=language,
        description=description[:200],
    )
    enqueue_on_commit(export_job_run, job.pk)
    return job


@task()
def export_job_run(job_id: int) -> int:
    """Build an export job's file; returns how many rows it holds (0: nothing to do)."""
    job = export_job_build(job_id)
    return job.written if job is not None else 0


def export_job_build(job_id: int, *, now: dt.datetime | None = None) -> ExportJob | None:
    """Build the job's file, unless another worker took it or it is not waiting any more."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ExportJob.State.QUEUED:
            return job
        job.state = ExportJob.State.RUNNING
        job.save(update_fields=["state"])
    try:
        _build(job)
    except Exception as error:
        logger.exception("export job %s failed", job.pk)
        job.state, job.error = ExportJob.State.FAILED, str(error)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        return job
    job.state = ExportJob.State.DONE
    job.finished_at = now or timezone.now()
    job.expires_at = job.finished_at + keep_for()
    job.save(update_fields=["state", "file", "written", "total", "finished_at", "expires_at"])
    return job


def _build(job: ExportJob) -> None:
    user = job.requested_by
    queryset = queue_queryset(user, job.queue, filters_from_json(job.filters))
    job.total = queryset.count()
    ExportJob.objects.filter(pk=job.pk).update(total=job.total)

    def progress(tally: exports.ExportTally) -> None:
        ExportJob.objects.filter(pk=job.pk).update(written=tally.rows)

    write = exports.xlsx_write if job.format == "xlsx" else exports.csv_write
    with tempfile.TemporaryFile() as out:
        tally = write(
            user,
            queryset,
            out,
            language=job.language,
            description=job.description,
            progress=progress,
        )
        out.seek(0)
        job.written = tally.rows
        job.file.save(exports.export_filename(job.format), File(out), save=False)


def export_job_for(user: User, job_id: int) -> ExportJob | None:
    """The job, if ``user`` asked for it: nobody else sees or downloads it."""
    return ExportJob.objects.filter(pk=job_id, requested_by=user).first()


def export_files_expire(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Delete the files whose time is up (a periodic job); returns how many."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(state=ExportJob.State.DONE, expires_at__lte=now)
    count = 0
    for job in expired.order_by("expires_at")[:limit]:
        if job.file:
            job.file.delete(save=False)
        job.state = ExportJob.State.EXPIRED
        job.save(update_fields=["state", "file"])
        count += 1
    return count
