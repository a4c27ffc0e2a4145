"""The complainant's consent to the personal-data notice on the complaint workspace
(docs/privacy.md "Consent"): staff who may (``Permission.CONSENT_RECORD``) record a consent
the complainant gave them, or a withdrawal they asked for. Both are service calls; a refusal
shows the workspace again with the problem on the form and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.privacy import ConsentRecordForm, ConsentWithdrawForm
from redress.backoffice.views.common import page, staff_view
from redress.backoffice.views.workspace import workspace_context
from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_get_for_user
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.privacy.consents import (
    consent_record_for_complainant,
    consent_withdraw_for_complainant,
)
from redress.privacy.roles import Permission, may


def _complaint(request: HttpRequest, reference: str) -> Complaint:
    user: User = request.user  # type: ignore[assignment]
    try:
        found = complaint_get_for_user(user, reference)
    except NotFound:
        raise Http404(reference) from None
    if not may(user, Permission.CONSENT_RECORD):
        raise PermissionDenied(
            gettext("Your role does not let you do this: %(what)s.")
            % {"what": str(Permission.CONSENT_RECORD.label).lower()}
        )
    return found


def _perform(
    request: HttpRequest,
    reference: str,
    form: Any,
    form_name: str,
    call: Any,
    done: str,
) -> HttpResponse:
    complaint = _complaint(request, reference)
    status = 422
    if form.is_valid():
        try:
            call(
                complaint=complaint,
                actor=Actor.for_user(request.user),  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_add_error(form, error)
            status = error.http_status
        else:
            messages.success(request, done)
            return redirect(reverse("backoffice:complaint", args=[reference]) + "#consent")
    context = workspace_context(request, complaint)
    context[form_name] = form
    return page(request, "backoffice/complaint.html", context, status=status)


@staff_view
@require_POST
def consent_record(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        ConsentRecordForm(request.POST, prefix="consent"),
        "consent_record_form",
        consent_record_for_complainant,
        gettext("The complainant's consent is recorded."),
    )


@staff_view
@require_POST
def consent_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    return _perform(
        request,
        reference,
        ConsentWithdrawForm(request.POST, prefix="withdraw"),
        "consent_withdraw_form",
        consent_withdraw_for_complainant,
        gettext("The withdrawal of the complainant's consent is recorded."),
    )
