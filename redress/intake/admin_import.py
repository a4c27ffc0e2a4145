"""The complaint import in the admin: upload a file, map its columns, see every problem (and
download the report), then import all rows or none.

Small files are imported while the page waits; larger ones by the worker (a task), and the
import's page shows when it is done.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Channel
from redress.core.actors import Actor
from redress.intake.importing import (
    FIELDS,
    FileUnreadable,
    RowError,
    batch_check,
    batch_check_and_write,
    batch_file_read,
    errors_csv,
    mapping_guess,
    table_read,
)
from redress.intake.models import ImportBatch
from redress.intake.tasks import batch_check_and_write_task

INLINE_ROWS = 2000  # above this the worker imports the file
SHOWN_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"), help_text=_("The first row holds the column names.")
    )
    channel = forms.ChoiceField(
        label=_("Channel of rows without one"), choices=Channel.choices, initial=Channel.API
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return upload


class MappingForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        headers: list[str],
        samples: dict[str, list[str]],
        initial_mapping: dict[str, str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in FIELDS
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            sample = ", ".join(v for v in samples.get(header, []) if v)[:120]
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"#{index + 1}",
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, ""),
                help_text=sample,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [v for k, v in cleaned.items() if k.startswith("col_") and v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each field can be taken from one column only."))
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"col_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"col_{index}")
        }


class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "original_name",
        "state",
        "rows_total",
        "created_count",
        "skipped_count",
        "uploaded_by",
    ]
    list_filter = ["state"]
    search_fields = ["original_name", "first_reference", "last_reference"]
    readonly_fields = [
        "original_name",
        "state",
        "created_at",
        "uploaded_by",
        "rows_total",
        "created_count",
        "skipped_count",
        "first_reference",
        "last_reference",
        "imported_at",
        "mapping",
        "default_channel",
    ]
    exclude = ["file", "errors", "sha256"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self):  # type: ignore[no-untyped-def]
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/mapping/", wrap(self.mapping_view), name="intake_importbatch_mapping"),
            path("<int:pk>/check/", wrap(self.check_view), name="intake_importbatch_check"),
            path("<int:pk>/errors.csv", wrap(self.errors_view), name="intake_importbatch_errors"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseForbidden()
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                table = table_read(content, upload.name)
            except FileUnreadable as exc:
                form.add_error(
                    "file", gettext("The file cannot be read: %(error)s") % {"error": exc}
                )
            else:
                batch = ImportBatch(
                    original_name=upload.name[:255],
                    sha256=ImportBatch.hash(content),
                    uploaded_by=request.user,  # type: ignore[misc]
                    mapping=mapping_guess(table.headers),
                    default_channel=form.cleaned_data["channel"],
                    rows_total=len(table.rows),
                )
                batch.file.save(batch.sha256, ContentFile(content), save=False)
                batch.save()
                return HttpResponseRedirect(
                    reverse("admin:intake_importbatch_mapping", args=[batch.pk])
                )
        return TemplateResponse(
            request,
            "admin/intake/importbatch/upload.html",
            self._context(request, gettext("Import complaints"), form=form, fields=FIELDS),
        )

    def _batch(self, request: HttpRequest, pk: int) -> ImportBatch | None:
        if not self.has_add_permission(request):
            return None
        return get_object_or_404(ImportBatch, pk=pk)

    def mapping_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        if batch is None:
            return HttpResponseForbidden()
        if batch.state == ImportBatch.State.IMPORTED:
            return HttpResponseRedirect(reverse("admin:intake_importbatch_check", args=[pk]))
        table = table_read(batch_file_read(batch), batch.original_name)
        samples = {
            h: [row[i] if i < len(row) else "" for row in table.rows[:3]]
            for i, h in enumerate(table.headers)
        }
        form = MappingForm(
            request.POST or None,
            headers=table.headers,
            samples=samples,
            initial_mapping=batch.mapping,
        )
        if request.method == "POST" and form.is_valid():
            batch.mapping = form.mapping()
            batch_check(batch)
            return HttpResponseRedirect(reverse("admin:intake_importbatch_check", args=[pk]))
        return TemplateResponse(
            request,
            "admin/intake/importbatch/mapping.html",
            self._context(request, gettext("Match the columns"), form=form, batch=batch),
        )

    def check_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        if batch is None:
            return HttpResponseForbidden()
        if request.method == "POST" and batch.state == ImportBatch.State.CHECKED:
            return self._import(request, batch)
        errors = [RowError(*item) for item in batch.errors[:SHOWN_ERRORS]]
        return TemplateResponse(
            request,
            "admin/intake/importbatch/check.html",
            self._context(
                request,
                gettext("Check the import"),
                batch=batch,
                errors=errors,
                more_errors=max(0, len(batch.errors) - SHOWN_ERRORS),
                to_import=max(0, batch.rows_total - batch.skipped_count),
            ),
        )

    def _import(self, request: HttpRequest, batch: ImportBatch) -> HttpResponse:
        if batch.rows_total > INLINE_ROWS:
            ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.QUEUED)
            batch_check_and_write_task.enqueue(batch.pk, request.user.pk)
            self.message_user(
                request,
                gettext("The import was handed to the worker; this page shows when it is done."),
            )
        else:
            result = batch_check_and_write(batch, actor=Actor.for_user(request.user))  # type: ignore[arg-type]
            if result is not None:
                self.message_user(
                    request,
                    gettext("%(count)s complaints imported.") % {"count": result.created},
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(reverse("admin:intake_importbatch_check", args=[batch.pk]))

    def errors_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        if batch is None:
            return HttpResponseForbidden()
        report = errors_csv([RowError(*item) for item in batch.errors])
        response = HttpResponse(report, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return response
