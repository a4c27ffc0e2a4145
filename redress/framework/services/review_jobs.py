"""The scheduled duties of management review, run by the worker every minute
(``REDRESS_PERIODIC_JOBS``): remind the participants ``REDRESS_REVIEW_REMINDER_DAYS`` working
days before a review, freeze the inputs on the review date when nobody has, and tell the owner,
the complaints managers and top management once that an action is past its due date. Each duty
is recorded (``reminded_at``, the snapshot, ``escalated_at``) so that it happens once."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redress.analytics.cohort import organisation_zone
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import users_with_role
from redress.framework.models.review import ManagementReview, ReviewOutput, ReviewStatus
from redress.framework.selectors_review import actions_open_past_due
from redress.framework.services.common import framework_record
from redress.framework.services.reviews import review_freeze
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.selectors import calendar_for_unit

logger = logging.getLogger(__name__)


def _local_date(now: dt.datetime) -> dt.date:
    return now.astimezone(organisation_zone()).date()


def reminder_days() -> int:
    return max(0, int(getattr(settings, "REDRESS_REVIEW_REMINDER_DAYS", 5)))


def reminder_day(review_date: dt.date, working_days: int) -> dt.date:
    """The day ``working_days`` working days before the review date (the organisation's
    calendar): from that day on, the participants are reminded."""
    calendar = calendar_for_unit(None)
    day, counted = review_date, 0
    while counted < working_days:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def _target(review: ManagementReview) -> tuple[str, int, str]:
    return (Notification.Target.REVIEW, review.pk, f"{review.reference} {review.title}")


def review_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind the participants of each planned review from ``reminder_day`` until the review
    date, once per review. Returns how many reviews were reminded."""
    now = now or timezone.now()
    today = _local_date(now)
    days = reminder_days()
    sent = 0
    upcoming = ManagementReview.objects.filter(
        status=ReviewStatus.PLANNED, reminded_at__isnull=True, review_date__gte=today
    ).order_by("review_date")[:200]
    for review in upcoming:
        if today < reminder_day(review.review_date, days):
            continue
        with transaction.atomic():
            locked = ManagementReview.objects.select_for_update().get(pk=review.pk)
            if locked.reminded_at is not None:
                continue  # another worker reminded them meanwhile
            people = list(locked.participants.filter(is_active=True))
            notify_users(
                users=people,
                kind=Notification.Kind.REVIEW_REMINDER,
                dedupe_key=f"review-reminder:{locked.pk}",
                target=_target(locked),
            )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            framework_record(
                actor=Actor.system("review-reminders"),
                action="review_remind",
                target=locked,
                label=locked.reference,
                after={"recipients": sorted(user.pk for user in people), "days": days},
                at=now,
            )
        sent += 1
    return sent


def review_freezes_due(*, now: dt.datetime | None = None) -> int:
    """Freeze the inputs of each planned review whose date has come."""
    now = now or timezone.now()
    today = _local_date(now)
    system = Actor.system("review-freeze")
    ids = list(
        ManagementReview.objects.filter(status=ReviewStatus.PLANNED, review_date__lte=today)
        .order_by("review_date")
        .values_list("pk", flat=True)[:50]
    )
    frozen = 0
    for pk in ids:
        try:
            review_freeze(review=ManagementReview(pk=pk), actor=system, now=now)
            frozen += 1
        except Exception:
            logger.exception("freezing the inputs of management review %s failed", pk)
    return frozen


def _managers() -> list[User]:
    return users_with_role(Role.COMPLAINTS_MANAGER) + users_with_role(Role.TOP_MANAGEMENT)


def review_actions_escalate(*, now: dt.datetime | None = None) -> int:
    """Tell the owner, the complaints managers and top management, once per action, that an
    action of a review is past its due date and not done. Returns how many were escalated."""
    now = now or timezone.now()
    overdue = actions_open_past_due(_local_date(now))
    if not overdue:
        return 0
    managers = _managers()
    escalated = 0
    for output in overdue:
        with transaction.atomic():
            locked = ReviewOutput.objects.select_for_update().get(pk=output.pk)
            if locked.escalated_at is not None:
                continue
            owner = [output.owner] if output.owner is not None and output.owner.is_active else []
            people = owner + managers
            notify_users(
                users=people,
                kind=Notification.Kind.REVIEW_ACTION_OVERDUE,
                dedupe_key=f"review-action-overdue:{output.pk}",
                target=_target(output.review),
            )
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            framework_record(
                actor=Actor.system("review-actions-overdue"),
                action="review_action_overdue",
                target=output.review,
                label=output.review.reference,
                after={
                    "output": output.pk,
                    "due_on": output.due_on,
                    "recipients": sorted({user.pk for user in people}),
                },
                at=now,
            )
        escalated += 1
    return escalated


def review_duties() -> int:
    """The periodic job: reminders, the automatic freeze, overdue actions."""
    done = 0
    for job in (review_reminders_send, review_freezes_due, review_actions_escalate):
        try:
            done += job()
        except Exception:
            logger.exception("management-review job %s failed", job.__name__)
    return done
