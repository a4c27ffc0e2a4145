"""Triage in the back office (docs/triage.md): the suggestions shown at frontline intake and at
assessment (a person accepts each one into the form, and nothing is applied until they submit
it), the similar complaints on the workspace and at intake, what was suggested against what was
chosen, and the administrator's evaluation page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from redress.backoffice.views.common import admin_view, can_receive, page, staff_view
from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_get_for_user, complaint_roles
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotFound
from redress.core.models import User
from redress.triage import selectors
from redress.triage.models import Field, Stage
from redress.triage.services import suggestion_outcomes_record
from redress.triage.similar import similar_complaints, similar_to_complaint
from redress.triage.training import training_current, triage_training_request

SUGGESTED_FIELD = "triage_suggested"


def _language() -> str:
    return translation.get_language() or "vi"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@staff_view
def intake_triage(request: HttpRequest) -> HttpResponse:
    """HTMX: the suggestions and similar complaints for what the clerk has typed so far (a POST
    from the page: a description is too long for a URL)."""
    user: User = request.user  # type: ignore[assignment]
    if not can_receive(user):
        raise Http404("intake")
    typed = request.POST if request.method == "POST" else request.GET
    subject = typed.get("subject", "")[:300]
    description = typed.get("description", "")[:20_000]
    suggestions = selectors.suggestions_for(
        subject, description, stage=Stage.INTAKE, language=_language()
    )
    similar = similar_complaints(
        user,
        subject=subject,
        description=description,
        product_id=_int(typed.get("product")),
        order_ref=typed.get("order_ref", "")[:100],
    )
    return render(
        request,
        "backoffice/partials/triage_suggestions.html",
        {
            "suggestions": suggestions,
            "similar": similar,
            "stage": Stage.INTAKE,
            "stage_fields": selectors.STAGE_FIELDS[Stage.INTAKE],
            "token_field": SUGGESTED_FIELD,
        },
    )


def _complaint(request: HttpRequest, reference: str) -> Complaint:
    try:
        return complaint_get_for_user(request.user, reference)  # type: ignore[arg-type]
    except NotFound:
        raise Http404(reference) from None


@staff_view
def complaint_suggestions(request: HttpRequest, reference: str) -> HttpResponse:
    """HTMX: the suggestions for the assessment form, for those who may assess."""
    found = _complaint(request, reference)
    if not complaint_roles(request.user, found) & ACTION_ROLES[Action.ASSESS]:  # type: ignore[arg-type]
        raise PermissionDenied(gettext("Your role does not allow assessing this complaint."))
    suggestions = selectors.suggestions_for(
        found.subject, found.description, stage=Stage.ASSESSMENT, language=_language()
    )
    return render(
        request,
        "backoffice/partials/triage_suggestions.html",
        {
            "suggestions": suggestions,
            "stage": Stage.ASSESSMENT,
            "stage_fields": selectors.STAGE_FIELDS[Stage.ASSESSMENT],
            "token_field": SUGGESTED_FIELD,
            "complaint": found,
        },
    )


@staff_view
def complaint_similar(request: HttpRequest, reference: str) -> HttpResponse:
    """HTMX: the complaints most similar to this one that the person may see."""
    found = _complaint(request, reference)
    return render(
        request,
        "backoffice/partials/triage_similar.html",
        {"similar": similar_to_complaint(request.user, found), "complaint": found},  # type: ignore[arg-type]
    )


def outcomes_record(request: HttpRequest, complaint: Complaint, stage: str) -> None:
    """After intake or assessment: what was suggested (the form's signed token) against what
    the person chose. Nothing when no suggestion was shown."""
    token = request.POST.get(SUGGESTED_FIELD, "")
    if token:
        user: User = request.user  # type: ignore[assignment]
        suggestion_outcomes_record(
            complaint=complaint, stage=stage, token=token, actor=Actor.for_user(user)
        )


def intake_recorded(request: HttpRequest, complaint: Complaint) -> None:
    outcomes_record(request, complaint, Stage.INTAKE)


def assessment_recorded(request: HttpRequest, complaint: Complaint) -> None:
    outcomes_record(request, complaint, Stage.ASSESSMENT)


@admin_view
def evaluation(request: HttpRequest) -> HttpResponse:
    """The administrator's evaluation: the model in use and the latest versions, per field the
    model's accuracy against the keyword rules on the held-out split, precision, recall and the
    confusion matrix, and the acceptance of suggestions in use."""
    models = selectors.models_recent()
    latest = models[0] if models else None
    language = _language()
    fields = []
    if latest is not None:
        for name, m in latest.metrics.get("fields", {}).items():
            entry = {"name": name, "label": Field(name).label, **m}
            if "labels" in m:
                names = selectors.label_names(name, m["labels"], language)
                entry["rows"] = [
                    {
                        "name": label,
                        "precision": round(m["precision"][i] * 100),
                        "recall": round(m["recall"][i] * 100),
                        "support": m["support"][i],
                        "confusion": m["confusion"][i],
                    }
                    for i, label in enumerate(names)
                ]
                entry["names"] = names
                entry["worse"] = m["accuracy"] <= m["rules_accuracy"]
            fields.append(entry)
    return page(
        request,
        "backoffice/triage_evaluation.html",
        {
            "section": "triage",
            "latest": latest,
            "active": next((m for m in models if m.is_active), None),
            "models": models,
            "fields": fields,
            "acceptance": selectors.acceptance_rates(),
            "training": training_current(),
        },
    )


@require_POST
@admin_view
def train(request: HttpRequest) -> HttpResponse:
    """Ask the worker to train a new version ("Train now"): the page then shows the training in
    progress and its result. One at a time."""
    user: User = request.user  # type: ignore[assignment]
    try:
        triage_training_request(actor=Actor.for_user(user))
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, gettext("The training was handed to the worker; this page shows its result.")
        )
    return redirect("backoffice:triage")


@require_GET
@admin_view
def training(request: HttpRequest) -> HttpResponse:
    """HTMX: the training asked for on the page, polled while it is in progress."""
    return render(
        request, "backoffice/partials/triage_training.html", {"training": training_current()}
    )
