"""Exports too long to build in a request: built by a background job into a file that only the
person who asked for it may download, until it expires (``complaints.export_jobs``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def export_path(instance: "ExportJob", filename: str) -> str:
    # A random name, never one derived from the request: the file is not found by guessing.
    return f"exports/{uuid.uuid4().hex}.{instance.format}"


class ExportJob(models.Model):
    """One requested export of a queue, its progress and, once built, its file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        # In context: another app's "Failed" (an email not sent) reads differently in Vietnamese.
        FAILED = "failed", pgettext_lazy("export state", "Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=8)
    queue = models.CharField(_("queue"), max_length=32)
    # The queue's validated filters (``ListFilters`` as JSON): the job reads the queue anew.
    filters = models.JSONField(_("filters"), default=dict)
    language = models.CharField(_("language"), max_length=8, default="vi")
    description = models.CharField(_("description"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [models.Index(fields=["state", "expires_at"], name="exportjob_state_expiry")]

    def __str__(self) -> str:
        return f"{self.queue} {self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.written * 100 // self.total)
