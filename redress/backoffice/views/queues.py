"""The work queues: filterable, sortable, bounded lists with counts, bulk actions and export."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.queues import BulkForm, QueueFilterForm
from redress.backoffice.queue_rows import ROW_FIELDS, RowLayout, rows_for
from redress.backoffice.views.common import HtmxHttpRequest, home_queue, page, staff_view
from redress.complaints import export_jobs, exports
from redress.complaints.masking import PersonalDataScope
from redress.complaints.models import Category, Complaint
from redress.complaints.queue_views import queue_columns_get, saved_query, saved_views_for
from redress.complaints.queues import (
    Column,
    ListFilters,
    Queue,
    queue_counts,
    queue_page,
    queue_queryset,
    user_unit_ids,
)
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import OrgUnit, User
from redress.core.roles import ORGANISATION_WIDE_ROLES, Role
from redress.core.selectors import user_roles
from redress.handling import services
from redress.privacy.access_log import personal_data_accessed
from redress.privacy.models import PersonalDataAccess


def _filter_options(user: User) -> tuple[Any, Any, list[User]]:
    """Categories, units and possible owners offered in the filters (three queries)."""
    roles = user_roles(user)
    categories = Category.objects.filter(is_active=True).order_by("code")
    if any(role in ORGANISATION_WIDE_ROLES for role in roles):
        units = OrgUnit.objects.filter(is_active=True)
        owners = User.objects.filter(memberships__role__in=[Role.HANDLER, Role.COMPLAINTS_MANAGER])
    else:
        unit_ids = user_unit_ids(user)
        units = OrgUnit.objects.filter(pk__in=unit_ids)
        owners = User.objects.filter(
            memberships__role__in=[Role.HANDLER, Role.COMPLAINTS_MANAGER],
            memberships__unit_id__in=unit_ids,
        )
    owner_list = list(owners.filter(is_active=True).distinct().order_by("first_name", "username"))
    return categories, units.order_by("name"), owner_list


def list_filters(form: QueueFilterForm, user: User) -> ListFilters:
    if not form.is_valid():
        return ListFilters()
    d = form.cleaned_data
    owner = d.get("owner") or ""
    return ListFilters(
        status=d.get("status") or "",
        priority=d.get("priority") or "",
        category_id=d["category"].pk if d.get("category") else None,
        unit_id=d["unit"].pk if d.get("unit") else None,
        owner_id=user.pk if owner == "me" else (int(owner) if owner.isdigit() else None),
        unowned=owner == "none",
        channel=d.get("channel") or "",
        received_from=d.get("received_from"),
        received_to=d.get("received_to"),
        deadline=d.get("deadline") or "",
        sort=d.get("sort") or "-received",
    )


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    return redirect("backoffice:queue", queue=home_queue(request.user))


@staff_view
def queue(request: HtmxHttpRequest, queue: str) -> HttpResponse:
    if queue not in Queue.values:
        raise Http404(queue)
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    categories, units, owners = _filter_options(user)
    form = QueueFilterForm(
        request.GET or None, categories=categories, units=units, owners=owners, me=user
    )
    filters = list_filters(form, user) if request.GET else ListFilters()
    result = queue_page(
        user, queue, filters, page=_page_number(request), now=now, fields=ROW_FIELDS
    )
    query = request.GET.copy()
    query.pop("page", None)
    shown = queue_columns_get(user)
    current = saved_query(request.GET.urlencode())
    views = saved_views_for(user)
    context = {
        "queue": Queue(queue),
        "counts": queue_counts(user, now=now),
        "form": form,
        "result": result,
        "rows": rows_for(
            user, result.rows, now=now, layout=RowLayout.chosen(shown, selectable=True)
        ),
        "now": now,
        "owners": owners,
        "query": query.urlencode(),
        "sort": filters.sort,
        "columns": shown,
        "column_choices": [(key, label, key in shown) for key, label in Column.choices],
        "saved_views": views,
        "current_view": next((v for v in views if v.queue == queue and v.query == current), None),
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "backoffice/partials/queue_results.html", context)
    return page(request, "backoffice/queue.html", context)


@staff_view
@require_POST
def bulk(request: HttpRequest, queue: str) -> HttpResponseBase:
    """Assign, change priority or export the selected complaints (or, for an export with
    nothing selected, the whole filtered queue)."""
    if queue not in Queue.values:
        raise Http404(queue)
    user: User = request.user  # type: ignore[assignment]
    references = [r for r in request.POST.getlist("ref") if r][:500]
    form = BulkForm(request.POST, references=references)
    back = reverse("backoffice:queue", kwargs={"queue": queue}) + (
        "?" + request.GET.urlencode() if request.GET else ""
    )
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in error))
        return HttpResponseRedirect(back)
    operation = form.cleaned_data["operation"]
    categories, units, owners = _filter_options(user)
    filter_form = QueueFilterForm(
        request.GET or None, categories=categories, units=units, owners=owners, me=user
    )
    filters = list_filters(filter_form, user) if request.GET else ListFilters()
    if references:
        selected = queue_queryset(user, Queue.ALL).filter(reference__in=references)
    else:
        selected = queue_queryset(user, queue, filters)
    if operation.startswith("export_"):
        fmt = operation.removeprefix("export_")
        return _export(
            request,
            user,
            selected,
            fmt,
            queue=queue,
            filters=filters,
            description=f"{queue}: {len(references) or 'all'}",
            # A selection (at most 500) is built at once; the job reads a whole queue.
            may_defer=not references,
        )
    complaints = list(selected)
    if len(complaints) != len(set(references)):
        messages.error(
            request,
            gettext("Some selected complaints are not visible to you; nothing was changed."),
        )
        return HttpResponseRedirect(back)
    try:
        with transaction.atomic():
            done = _bulk_change(user, complaints, form.cleaned_data)
    except ApplicationError as error:
        messages.error(
            request, gettext("Nothing was changed: %(reason)s") % {"reason": error.message}
        )
        return HttpResponseRedirect(back)
    messages.success(request, gettext("%(count)s complaints updated.") % {"count": done})
    return HttpResponseRedirect(back)


def _bulk_change(user: User, complaints: list[Complaint], data: dict[str, Any]) -> int:
    """One service call per complaint, all in the caller's transaction: all or nothing."""
    actor = Actor.for_user(user)
    owner = None
    if data["operation"] == "assign":
        owner = User.objects.filter(pk=data["owner"], is_active=True).first()
        if owner is None:
            raise ApplicationError(gettext("Unknown person."))
    for complaint in complaints:
        try:
            if data["operation"] == "assign":
                services.complaint_assign(complaint=complaint, actor=actor, owner=owner)
            else:
                services.complaint_prioritise(
                    complaint=complaint, actor=actor, priority=data["priority"]
                )
        except ApplicationError as error:
            error.message = f"{complaint.reference}: {error.message}"
            raise
    return len(complaints)


def _export(
    request: HttpRequest,
    user: User,
    queryset: Any,
    fmt: str,
    *,
    queue: str,
    filters: ListFilters,
    description: str,
    may_defer: bool = True,
) -> HttpResponseBase:
    """Stream the export, or, past ``REDRESS_EXPORT_INLINE_MAX`` rows, hand it to a background
    job and show its progress."""
    language = get_language() or "vi"
    if may_defer and exports.rows_exceed(queryset, exports.inline_max()):
        job = export_jobs.export_job_request(
            user=user,
            queue=queue,
            filters=filters,
            fmt=fmt,
            language=language,
            description=description,
        )
        return redirect("backoffice:export_job", pk=job.pk)
    response: HttpResponseBase
    if fmt == "xlsx":
        # A workbook is a zip whose directory comes last: built in a temporary file (constant
        # memory), then sent from it; the response closes (and so deletes) it once sent.
        out = tempfile.TemporaryFile()  # noqa: SIM115
        exports.xlsx_write(user, queryset, out, language=language, description=description)
        out.seek(0)
        response = FileResponse(out, content_type=exports.CONTENT_TYPES["xlsx"])
    else:
        response = StreamingHttpResponse(
            exports.csv_stream(user, queryset, language=language, description=description),
            content_type=exports.CONTENT_TYPES["csv"],
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(fmt)}"'
    return response


def _form_problems(form: QueueFilterForm) -> str:
    """Each invalid field with its reason: "Status: Select a valid choice. …"."""
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        problems.append(f"{label}: {' '.join(str(error) for error in errors)}")
    return "; ".join(problems)


def _export_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return page(request, "backoffice/export_refused.html", {"reason": reason}, status=400)


@staff_view
def export(request: HttpRequest, queue: str) -> HttpResponseBase:
    """The whole filtered queue as CSV or XLSX (GET link; masked where needed)."""
    if queue not in Queue.values:
        raise Http404(queue)
    user: User = request.user  # type: ignore[assignment]
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        return _export_refused(request, exports.unknown_format_message(fmt))
    categories, units, owners = _filter_options(user)
    form = QueueFilterForm(request.GET, categories=categories, units=units, owners=owners, me=user)
    if not form.is_valid():
        # An export of everything in place of a mistyped filter would be a surprise, and a leak.
        return _export_refused(request, _form_problems(form))
    filters = list_filters(form, user)
    scope = PersonalDataScope.for_user(user)
    if scope.unit_ids or scope.owner_sees:
        # The export holds the complainants this person may see unmasked: one log row for it.
        personal_data_accessed(
            user=user,
            via=PersonalDataAccess.Via.EXPORT,
            detail=f"{queue} {fmt}: {request.GET.urlencode()}",
        )
    return _export(
        request,
        user,
        queue_queryset(user, queue, filters),
        fmt,
        queue=queue,
        filters=filters,
        description=f"{queue}: all",
    )
