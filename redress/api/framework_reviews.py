"""Management reviews over /api/v1, read only (ISO 10002 8.6): the list, and one review with
its participants, its frozen inputs (the snapshot, as stored, with its SHA-256), its outputs
and its minutes.

Role-checked as in the back office: the pack is for complaints managers, top management and
auditors, and for the owner of one of its actions; others get 403 for the list and 404 for a
review, like an unknown one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from redress.analytics.cohort import organisation_zone
from redress.api.auth import READ, api_user
from redress.api.errors import error_responses
from redress.api.output import cursor_encode, cursor_pk
from redress.api.schemas import In, Text200
from redress.core.errors import NotPermitted
from redress.framework.models.review import ManagementReview, OutputType, ReviewStatus
from redress.framework.selectors_review import (
    may_read_reviews,
    output_state,
    participants_of,
    review_get_for_user,
    review_list,
    review_outputs,
    reviews_visible_to,
)

router = Router(tags=["management review"])


class ReviewFilters(In):
    status: ReviewStatus | Literal[""] = ""
    cursor: Text200 = ""
    limit: int = Field(50, ge=1, le=200)


class ReviewSummary(Schema):
    reference: str
    title: str
    review_date: dt.date
    period_start: dt.date
    period_end: dt.date
    status: ReviewStatus


class ReviewPage(Schema):
    items: list[ReviewSummary]
    next_cursor: str | None


class PersonOut(Schema):
    username: str
    name: str


class SnapshotOut(Schema):
    taken_at: dt.datetime
    sha256: str = Field(description="SHA-256 of the canonical JSON of ``data``.")
    data: dict[str, Any]


class OutputOut(Schema):
    type: OutputType
    text: str
    owner: str | None
    due_on: dt.date | None
    capa: str | None = Field(description="The reference of the CAPA the action opened.")
    task_status: str = Field(description="open or done for an action tracked as a task")
    done: bool | None
    overdue: bool | None


class ReviewDetail(ReviewSummary):
    participants: list[PersonOut]
    prepared_by: str
    frozen_at: dt.datetime | None
    held_at: dt.datetime | None
    snapshot: SnapshotOut | None
    outputs: list[OutputOut]
    minutes: str
    approved_at: dt.datetime | None
    approved_by: str | None


def _summary(review: ManagementReview) -> dict[str, Any]:
    return {
        "reference": review.reference,
        "title": review.title,
        "review_date": review.review_date,
        "period_start": review.period_start,
        "period_end": review.period_end,
        "status": review.status,
    }


def _detail(review: ManagementReview) -> dict[str, Any]:
    today = timezone.now().astimezone(organisation_zone()).date()
    snapshot = getattr(review, "snapshot", None)
    outputs = []
    for output in review_outputs(review):
        state = output_state(output, today)
        outputs.append(
            {
                "type": output.type,
                "text": output.text,
                "owner": output.owner.get_username() if output.owner else None,
                "due_on": output.due_on,
                "capa": output.capa.reference if output.capa else None,
                "task_status": output.task_status,
                "done": state.done if state else None,
                "overdue": state.overdue if state else None,
            }
        )
    return {
        **_summary(review),
        "participants": [
            {"username": p.get_username(), "name": p.get_full_name() or p.get_username()}
            for p in participants_of(review)
        ],
        "prepared_by": review.prepared_by.get_username(),
        "frozen_at": review.frozen_at,
        "held_at": review.held_at,
        "snapshot": {
            "taken_at": snapshot.taken_at,
            "sha256": snapshot.sha256,
            "data": snapshot.data,
        }
        if snapshot
        else None,
        "outputs": outputs,
        "minutes": review.minutes,
        "approved_at": review.approved_at,
        "approved_by": review.approved_by.get_username() if review.approved_by else None,
    }


@router.get(
    "/reviews",
    auth=READ,
    response={200: ReviewPage, **error_responses(400, 401, 403, 422, 429)},
    operation_id="review_list",
    summary="List management reviews",
)
def review_list_api(request: HttpRequest, filters: Query[ReviewFilters]) -> Any:
    """The reviews the token's person may see, latest planned first, ``limit`` at a time."""
    user = api_user(request)
    if not (may_read_reviews(user) or reviews_visible_to(user).exists()):
        raise NotPermitted(_("Your role does not let you read management reviews."))
    queryset = review_list(user, status=filters.status)
    if filters.cursor:
        queryset = queryset.filter(pk__lt=cursor_pk(filters.cursor))
    rows = list(queryset.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [_summary(review) for review in rows],
        "next_cursor": cursor_encode(rows[-1].pk) if more else None,
    }


@router.get(
    "/reviews/{reference}",
    auth=READ,
    response={200: ReviewDetail, **error_responses(401, 403, 404, 422, 429)},
    operation_id="review_get",
    summary="Get a management review with its frozen inputs and its outputs",
)
def review_get(request: HttpRequest, reference: str) -> Any:
    return _detail(review_get_for_user(api_user(request), reference=reference))
