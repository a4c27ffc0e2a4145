"""Reads of management review: who may read the pack, the reviews a person sees, and the state
of each output.

The review pack is for complaints managers, top management and auditors (DESIGN: "Top
management sees the management-review pack"). The owner of an action also sees the review the
action belongs to, to follow and close it, as the holder of a CAPA's task sees the CAPA.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from redress.core.errors import NotFound
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.models.review import (
    ManagementReview,
    OutputType,
    ReviewOutput,
    TaskStatus,
)
from redress.framework.roles import Permission, held_roles, may
from redress.improvement.models import CapaStatus

REVIEW_READERS = frozenset({Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR})


def may_read_reviews(user: User) -> bool:
    """Whether the person reads every management review (the pack's readers)."""
    return bool(held_roles(user) & REVIEW_READERS)


def reviews_visible_to(user: User) -> QuerySet[ManagementReview]:
    if not user.is_authenticated or not user.is_active:
        return ManagementReview.objects.none()
    if may_read_reviews(user):
        return ManagementReview.objects.all()
    owns = Exists(ReviewOutput.objects.filter(review=OuterRef("pk"), owner=user))
    return ManagementReview.objects.filter(Q(owns))


def review_list(user: User, *, status: str = "") -> QuerySet[ManagementReview]:
    queryset = reviews_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-review_date", "-pk")


def _not_found() -> str:
    return _("Not found, or you may not see it.")


def review_get_for_user(
    user: User, *, pk: int | None = None, reference: str | None = None
) -> ManagementReview:
    queryset = reviews_visible_to(user).select_related("prepared_by", "approved_by")
    found = (
        queryset.filter(pk=pk).first()
        if pk is not None
        else queryset.filter(reference=(reference or "").strip().upper()).first()
    )
    if found is None:
        raise NotFound(_not_found())
    return found


def review_previous(review: ManagementReview) -> ManagementReview | None:
    """The latest review dated before this one (its actions are an input of this one)."""
    return (
        ManagementReview.objects.filter(review_date__lt=review.review_date)
        .exclude(pk=review.pk)
        .order_by("-review_date", "-pk")
        .first()
    )


def participants_of(review: ManagementReview) -> list[User]:
    return list(review.participants.order_by("last_name", "first_name", "username"))


@dataclass(frozen=True)
class OutputState:
    """Where an action stands: done (its task marked done, or its CAPA closed), and overdue
    (not done and past its due date)."""

    done: bool
    overdue: bool
    label: str


def output_state(output: ReviewOutput, today: dt.date) -> OutputState | None:
    """The state of an action (None for the other outputs, which need no follow-up)."""
    if output.type != OutputType.ACTION:
        return None
    if output.capa_id is not None:
        capa_status = output.capa.status  # type: ignore[union-attr]
        done = capa_status == CapaStatus.CLOSED
        label = str(CapaStatus(capa_status).label)
    else:
        done = output.task_status == TaskStatus.DONE
        label = str(TaskStatus(output.task_status or TaskStatus.OPEN).label)
    overdue = not done and output.due_on is not None and output.due_on < today
    return OutputState(done=done, overdue=overdue, label=label)


def review_outputs(review: ManagementReview) -> list[ReviewOutput]:
    return list(review.outputs.select_related("owner", "capa").order_by("pk"))


def actions_open_past_due(today: dt.date, *, limit: int = 500) -> list[ReviewOutput]:
    """Actions not done whose due date has passed and whose overdue notice is not sent yet."""
    candidates = (
        ReviewOutput.objects.filter(
            type=OutputType.ACTION, due_on__lt=today, escalated_at__isnull=True
        )
        .exclude(task_status=TaskStatus.DONE)
        .exclude(capa__status=CapaStatus.CLOSED)
        .select_related("owner", "capa", "review")
        .order_by("due_on", "pk")
    )
    return list(candidates[:limit])


def may_prepare(user: User) -> bool:
    return may(user, Permission.REVIEW_PREPARE)


def may_approve(user: User) -> bool:
    return may(user, Permission.REVIEW_APPROVE)
