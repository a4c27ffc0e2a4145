"""Management review in the staff site (ISO 10002 8.6): the list of reviews, planning one, and
the review's page (the free-text inputs, freezing them, the snapshot as tables, the meeting
held, its outputs, the minutes and their approval, the PDF pack).

The pages are for complaints managers, top management and auditors; the owner of an action
also sees its review, to mark the action done. Each step is refused (403) before its form is
read to a role that may not take it; every change is a service call, and a refusal is shown on
the page with its status (403, 409, 422) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from redress.analytics.cohort import organisation_zone
from redress.backoffice.forms.reviews import (
    FollowUp,
    ReviewFilterForm,
    ReviewInputsForm,
    ReviewMinutesForm,
    ReviewOutputForm,
    ReviewPlanForm,
)
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.framework.models.review import ManagementReview, ReviewOutput, ReviewStatus
from redress.framework.review_pack import free_text, pack_filename, review_pack_pdf, snapshot_tables
from redress.framework.review_transitions import ReviewAction, review_actions_allowed
from redress.framework.roles import Permission, may
from redress.framework.selectors_review import (
    may_read_reviews,
    output_state,
    participants_of,
    review_get_for_user,
    review_list,
    review_outputs,
    reviews_visible_to,
)
from redress.framework.services import reviews as services


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


def _reader_only(request: HttpRequest) -> None:
    """The pages are for the pack's readers and for the owners of a review's actions."""
    user = _user(request)
    if may_read_reviews(user) or reviews_visible_to(user).exists():
        return
    raise PermissionDenied(gettext("Your role does not let you read management reviews."))


def _require(request: HttpRequest, permission: str) -> None:
    if not may(_user(request), permission):
        raise PermissionDenied(
            gettext("You may not do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )


def _review(request: HttpRequest, pk: int) -> ManagementReview:
    try:
        return review_get_for_user(_user(request), pk=pk)
    except NotFound:
        raise Http404(pk) from None


def review_url(review: ManagementReview) -> str:
    return reverse("backoffice:review", args=[review.pk])


@staff_view
def review_list_page(request: HttpRequest) -> HttpResponse:
    """The reviews the person may see, latest first."""
    _reader_only(request)
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = review_list(_user(request), status=filters.get("status", ""))
    result = paginate(queryset, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/framework_review_list.html",
        {
            "section": "reviews",
            "form": form,
            "result": result,
            "reviews": result.rows,
            "may_plan": may(_user(request), Permission.REVIEW_PREPARE),
        },
    )


@staff_view
def review_plan(request: HttpRequest) -> HttpResponse:
    """Plan a review (complaints managers, top management)."""
    _require(request, Permission.REVIEW_PREPARE)
    form = ReviewPlanForm(request.POST if request.method == "POST" else None)
    context = {"section": "reviews", "form": form}
    template = "backoffice/framework_review_form.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    data = form.cleaned_data
    try:
        review = services.review_plan(
            actor=_actor(request),
            title=data["title"],
            review_date=data["review_date"],
            participants=list(data["participants"]),
            period_start=data["period_start"],
            period_end=data["period_end"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(request, gettext("The review is planned."))
    return redirect(review_url(review))


def _review_page(
    request: HttpRequest, review: ManagementReview, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    language = get_language() or "vi"
    today = timezone.now().astimezone(organisation_zone()).date()
    snapshot = getattr(review, "snapshot", None)
    allowed = review_actions_allowed(review.status)
    prepare = may(user, Permission.REVIEW_PREPARE)
    participants = participants_of(review)
    context = {
        "section": "reviews",
        "review": review,
        "participants": participants,
        "snapshot": snapshot,
        "tables": snapshot_tables(snapshot.data, language) if snapshot else [],
        "free_text": free_text(snapshot.data) if snapshot else [],
        "outputs": [(output, output_state(output, today)) for output in review_outputs(review)],
        "may_inputs": prepare and ReviewAction.INPUTS in allowed,
        "may_freeze": prepare and ReviewAction.FREEZE in allowed and today >= review.review_date,
        "may_hold": prepare and ReviewAction.HOLD in allowed,
        "may_output": prepare and ReviewAction.OUTPUT in allowed,
        "may_minutes": prepare and ReviewAction.MINUTES in allowed,
        "may_approve": may(user, Permission.REVIEW_APPROVE)
        and ReviewAction.APPROVE in allowed
        and any(person.pk == user.pk for person in participants),
        "inputs_form": forms.get("inputs_form")
        or ReviewInputsForm(
            initial={
                "context_changes": review.context_changes,
                "resources": review.resources,
                "other": review.other_inputs,
            }
        ),
        "output_form": forms.get("output_form") or ReviewOutputForm(),
        "minutes_form": forms.get("minutes_form")
        or ReviewMinutesForm(initial={"minutes": review.minutes}),
        "error": forms.get("error", ""),
        "statuses": ReviewStatus,
    }
    return page(request, "backoffice/framework_review.html", context, status=status)


@staff_view
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader_only(request)
    return _review_page(request, _review(request, pk))


def _perform(
    request: HttpRequest,
    review: ManagementReview,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    form_name: str,
) -> HttpResponse:
    """``form_perform`` on the review's page: success goes back to it with ``done``."""
    return form_perform(
        request,
        form,
        call,
        done,
        review_url(review),
        lambda **shown: _review_page(request, review, **shown),
        form_name,
    )


def _step(
    request: HttpRequest, review: ManagementReview, call: Callable[[], Any], done: str
) -> HttpResponse:
    """A step without a form: a refusal is shown on the page with its status."""
    try:
        call()
    except ApplicationError as error:
        return _review_page(request, review, status=error.http_status, error=error.message)
    messages.success(request, done)
    return redirect(review_url(review))


@require_POST
@staff_view
def review_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_PREPARE)
    review = _review(request, pk)
    return _perform(
        request,
        review,
        ReviewInputsForm(request.POST),
        lambda d: services.review_inputs_save(
            review=review,
            actor=_actor(request),
            context_changes=d["context_changes"],
            resources=d["resources"],
            other=d["other"],
        ),
        gettext("The inputs are saved."),
        "inputs_form",
    )


@require_POST
@staff_view
def review_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_PREPARE)
    review = _review(request, pk)
    return _step(
        request,
        review,
        lambda: services.review_freeze(review=review, actor=_actor(request)),
        gettext("The inputs are frozen."),
    )


@require_POST
@staff_view
def review_hold(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_PREPARE)
    review = _review(request, pk)
    return _step(
        request,
        review,
        lambda: services.review_hold(review=review, actor=_actor(request)),
        gettext("The review is recorded as held."),
    )


@require_POST
@staff_view
def review_output_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_PREPARE)
    review = _review(request, pk)
    return _perform(
        request,
        review,
        ReviewOutputForm(request.POST),
        lambda d: services.review_output_record(
            review=review,
            actor=_actor(request),
            type=d["type"],
            text=d["text"],
            owner=d["owner"],
            due_on=d["due_on"],
            open_capa=d["follow_up"] == FollowUp.CAPA,
            capa_type=d["capa_type"],
            capa_unit=d["unit"],
        ),
        gettext("The output is recorded."),
        "output_form",
    )


@require_POST
@staff_view
def review_task_done(request: HttpRequest, pk: int, task: int) -> HttpResponse:
    """The owner of an action tracked as a task marks it done."""
    _reader_only(request)
    review = _review(request, pk)
    output = ReviewOutput.objects.filter(review=review, pk=task).first()
    if output is None:
        raise Http404(task)
    return _step(
        request,
        review,
        lambda: services.review_action_done(output=output, actor=_actor(request)),
        gettext("The action is done."),
    )


@require_POST
@staff_view
def review_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_PREPARE)
    review = _review(request, pk)
    return _perform(
        request,
        review,
        ReviewMinutesForm(request.POST),
        lambda d: services.review_minutes_save(
            review=review, actor=_actor(request), minutes=d["minutes"]
        ),
        gettext("The minutes are saved."),
        "minutes_form",
    )


@require_POST
@staff_view
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, Permission.REVIEW_APPROVE)
    review = _review(request, pk)
    return _step(
        request,
        review,
        lambda: services.review_minutes_approve(review=review, actor=_actor(request)),
        gettext("The minutes are approved."),
    )


@staff_view
def review_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's pack as PDF, in the person's language."""
    _reader_only(request)
    review = _review(request, pk)
    pdf = review_pack_pdf(review, language=get_language() or "vi")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(review)}"'
    return response
