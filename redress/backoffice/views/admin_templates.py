"""Administration of the messages sent to complainants: the templates, edited with a preview
filled in with a sample complaint. Administrators only; changes go through
``notifications.templates_admin``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext

from redress.backoffice.forms.admin_templates import TemplateFilterForm, TemplateForm
from redress.backoffice.views.common import admin_view, page
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.notifications.models import MessageTemplate
from redress.notifications.templates_admin import message_template_update, template_preview


@admin_view
def template_list(request: HttpRequest) -> HttpResponse:
    filters = TemplateFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    templates = MessageTemplate.objects.order_by("purpose", "code", "language")
    if data.get("language"):
        templates = templates.filter(language=data["language"])
    if data.get("purpose"):
        templates = templates.filter(purpose=data["purpose"])
    result = paginate(templates, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_templates.html",
        {"section": "templates", "result": result, "templates": result.rows, "filters": filters},
    )


def _edit_page(
    request: HttpRequest,
    template: MessageTemplate,
    form: TemplateForm,
    preview: tuple[str, str] | None,
    *,
    status: int = 200,
) -> HttpResponse:
    return page(
        request,
        "backoffice/admin_template_form.html",
        {"section": "templates", "template": template, "form": form, "preview": preview},
        status=status,
    )


@admin_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A template and its preview with a sample complaint. "Preview" shows the text as typed,
    saving nothing; "Save" changes the template."""
    template = get_object_or_404(MessageTemplate, pk=pk)
    if request.method != "POST":
        preview = template_preview(
            subject=template.subject, body=template.body, language=template.language
        )
        return _edit_page(request, template, TemplateForm(template=template), preview)
    form = TemplateForm(request.POST, template=template)
    if not form.is_valid():
        return _edit_page(request, template, form, None, status=422)
    data = form.cleaned_data
    try:
        if "preview" in request.POST:
            preview = template_preview(
                subject=data["subject"], body=data["body"], language=template.language
            )
            return _edit_page(request, template, form, preview)
        user: User = request.user  # type: ignore[assignment]
        message_template_update(actor=Actor.for_user(user), template=template, **data)
    except ApplicationError as error:
        form_add_error(form, error)
        return _edit_page(request, template, form, None, status=error.http_status)
    messages.success(request, gettext("Template “%(name)s” saved.") % {"name": data["name"]})
    return redirect("backoffice:template_edit", pk=template.pk)
