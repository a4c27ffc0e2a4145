"""The investigation record of a complaint (ISO 10002 7.6) in the staff site: its dated
activities with evidence files, the findings and root cause, the 5 whys and the fishbone.
Every change is an improvement service; a refusal is shown on its form and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.improvement import (
    ActivityForm,
    ConclusionForm,
    FishboneFormSet,
    WhyFormSet,
)
from redress.backoffice.views.common import page, staff_view
from redress.complaints.attachments import IncomingFile
from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_get_for_user, complaint_roles
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.improvement import services
from redress.improvement.models import Investigation
from redress.improvement.transitions import IMPROVEMENT_ROLES, Permission

# Blank rows offered under the rows already written.
SPARE_ROWS = 3


def _complaint(request: HttpRequest, reference: str, permission: str) -> Complaint:
    """The complaint, if the person sees it (404 otherwise), and if their role for it may
    ``permission`` (403 otherwise, before any form is read): reading the investigation is for
    the roles that read improvement records (not frontline staff), recording it for handlers
    and complaints managers (``IMPROVEMENT_ROLES``)."""
    try:
        complaint = complaint_get_for_user(request.user, reference)  # type: ignore[arg-type]
    except NotFound:
        raise Http404(reference) from None
    if not complaint_roles(request.user, complaint) & IMPROVEMENT_ROLES[permission]:  # type: ignore[arg-type]
        raise PermissionDenied(
            gettext("Your role does not allow this: %(action)s.")
            % {"action": Permission(permission).label}
        )
    return complaint


def _page(
    request: HttpRequest, complaint: Complaint, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    investigation = (
        Investigation.objects.select_related("root_cause").filter(complaint=complaint).first()
    )
    whys = [
        {"why": w.why, "answer": w.answer, "evidence": w.evidence}
        for w in complaint.why_steps.all()
    ]
    bones = [{"family": f.family_id, "text": f.text} for f in complaint.fishbone.all()]
    context = {
        "complaint": complaint,
        "investigation": investigation,
        "activities": list(
            investigation.activities.prefetch_related("evidence") if investigation else []
        ),
        "may_investigate": bool(
            complaint_roles(user, complaint) & IMPROVEMENT_ROLES[Permission.INVESTIGATE]
        ),
        "activity_form": forms.get("activity_form") or ActivityForm(),
        "conclusion_form": forms.get("conclusion_form")
        or ConclusionForm(
            initial={
                "findings": investigation.findings if investigation else "",
                "root_cause": investigation.root_cause_id if investigation else None,
                "root_cause_text": investigation.root_cause_text if investigation else "",
            }
        ),
        "whys": forms.get("whys") or WhyFormSet(prefix="why", initial=whys + [{}] * SPARE_ROWS),
        "bones": forms.get("bones")
        or FishboneFormSet(prefix="bone", initial=bones + [{}] * SPARE_ROWS),
    }
    return page(request, "backoffice/improvement_investigation.html", context, status=status)


@staff_view
def investigation(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _complaint(request, reference, Permission.READ))


def _done(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("backoffice:investigation", args=[complaint.reference]))


@require_POST
@staff_view
def activity_add(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference, Permission.INVESTIGATE)
    form = ActivityForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, complaint, status=422, activity_form=form)
    data = form.cleaned_data
    try:
        services.investigation_activity_add(
            complaint=complaint,
            actor=Actor.for_user(request.user),  # type: ignore[arg-type]
            done_on=data["done_on"],
            checked=data["checked"],
            result=data["result"],
            files=[IncomingFile(f.name, f.read()) for f in data["evidence"]],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return _page(request, complaint, status=error.http_status, activity_form=form)
    return _done(request, complaint, gettext("The activity is recorded."))


@require_POST
@staff_view
def conclude(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference, Permission.INVESTIGATE)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        return _page(request, complaint, status=422, conclusion_form=form)
    data = form.cleaned_data
    try:
        services.investigation_conclude(
            complaint=complaint,
            actor=Actor.for_user(request.user),  # type: ignore[arg-type]
            findings=data["findings"],
            root_cause=data["root_cause"],
            root_cause_text=data["root_cause_text"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return _page(request, complaint, status=error.http_status, conclusion_form=form)
    return _done(request, complaint, gettext("The findings and root cause are recorded."))


@require_POST
@staff_view
def five_whys(request: HttpRequest, reference: str) -> HttpResponse:
    """The rows written (blank rows are left out), in order."""
    complaint = _complaint(request, reference, Permission.INVESTIGATE)
    formset = WhyFormSet(request.POST, prefix="why")
    if not formset.is_valid():
        return _page(request, complaint, status=422, whys=formset)
    rows = [
        services.WhyInput(row["why"], row["answer"], row.get("evidence", ""))
        for row in formset.cleaned_data
        if row and (row.get("why") or row.get("answer"))
    ]
    try:
        services.why_steps_save(
            actor=Actor.for_user(request.user),  # type: ignore[arg-type]
            complaint=complaint,
            steps=rows,
        )
    except ApplicationError as error:
        formset._non_form_errors = formset.error_class([error.message])  # type: ignore[attr-defined]
        return _page(request, complaint, status=error.http_status, whys=formset)
    return _done(request, complaint, gettext("The 5 whys are saved."))


@require_POST
@staff_view
def fishbone(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference, Permission.INVESTIGATE)
    formset = FishboneFormSet(request.POST, prefix="bone")
    if not formset.is_valid():
        return _page(request, complaint, status=422, bones=formset)
    rows = []
    for row in formset.cleaned_data:
        if not row or not (row.get("text") or row.get("family")):
            continue
        if row.get("family") is None:
            formset._non_form_errors = formset.error_class(  # type: ignore[attr-defined]
                [gettext("Choose a category for every cause.")]
            )
            return _page(request, complaint, status=422, bones=formset)
        rows.append(services.FishboneInput(row["family"], row.get("text", "")))
    try:
        services.fishbone_save(
            actor=Actor.for_user(request.user),  # type: ignore[arg-type]
            complaint=complaint,
            items=rows,
        )
    except ApplicationError as error:
        formset._non_form_errors = formset.error_class([error.message])  # type: ignore[attr-defined]
        return _page(request, complaint, status=error.http_status, bones=formset)
    return _done(request, complaint, gettext("The fishbone is saved."))
