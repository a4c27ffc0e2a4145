"""The scheduled duties of management review: the participants reminded once, N working days
before; the inputs frozen by the job on the review date; an overdue action told once to its
owner, the complaints managers and top management."""

from __future__ import annotations

import datetime as dt

import pytest

from redress.core.actors import Actor
from redress.framework.models.review import ManagementReview, OutputType, ReviewStatus
from redress.framework.services.review_jobs import (
    reminder_day,
    review_actions_escalate,
    review_duties,
    review_freezes_due,
    review_reminders_send,
)
from redress.framework.services.reviews import (
    review_action_done,
    review_freeze,
    review_hold,
    review_output_record,
    review_plan,
)
from redress.handling.testing import make_team
from redress.notifications.models import Notification
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(settings):
    settings.REDRESS_REVIEW_REMINDER_DAYS = 5
    with frozen_clock("2026-03-06 09:00") as value:  # a Friday
        yield value


@pytest.fixture
def team(clock):
    return make_team()


def plan(team, day: dt.date) -> ManagementReview:
    return review_plan(
        actor=Actor.for_user(team.manager),
        title="Xem xét của lãnh đạo",
        review_date=day,
        participants=[team.manager, team.top],
    )


def test_the_reminder_day_counts_working_days_back():
    assert reminder_day(dt.date(2026, 3, 16), 5) == dt.date(2026, 3, 9)
    assert reminder_day(dt.date(2026, 3, 16), 0) == dt.date(2026, 3, 16)


def test_participants_are_reminded_once_from_n_working_days_before(team, clock):
    review = plan(team, dt.date(2026, 3, 16))
    assert review_reminders_send() == 0  # Friday 6 March: seven working days before
    clock.set("2026-03-09 08:00")
    assert review_reminders_send() == 1
    assert review_reminders_send() == 0
    notices = Notification.objects.filter(kind=Notification.Kind.REVIEW_REMINDER)
    assert {n.recipient for n in notices} == {team.manager, team.top}
    assert {n.target_id for n in notices} == {review.pk}
    review.refresh_from_db()
    assert review.reminded_at is not None


def test_the_job_freezes_the_inputs_on_the_review_date(team, clock):
    review = plan(team, dt.date(2026, 3, 9))
    assert review_freezes_due() == 0
    clock.set("2026-03-09 00:05")
    assert review_freezes_due() == 1
    review.refresh_from_db()
    assert review.status == ReviewStatus.INPUTS_FROZEN
    assert review.snapshot.taken_by_label == "review-freeze"
    assert review_freezes_due() == 0


def test_an_overdue_action_is_escalated_once(team, clock):
    clock.set("2026-03-09 09:00")
    review = plan(team, dt.date(2026, 3, 9))
    review_freeze(review=review, actor=Actor.for_user(team.manager))
    review_hold(review=review, actor=Actor.for_user(team.manager))
    action = review_output_record(
        review=review,
        actor=Actor.for_user(team.manager),
        type=OutputType.ACTION,
        text="Đào tạo lại nhân viên tiếp nhận",
        owner=team.handler,
        due_on=dt.date(2026, 3, 20),
    )
    done = review_output_record(
        review=review,
        actor=Actor.for_user(team.manager),
        type=OutputType.ACTION,
        text="Cập nhật mẫu thư trả lời",
        owner=team.handler,
        due_on=dt.date(2026, 3, 20),
    )
    review_action_done(output=done, actor=Actor.for_user(team.handler))
    assert review_actions_escalate() == 0
    clock.set("2026-03-23 09:00")
    assert review_duties() == 1
    assert review_actions_escalate() == 0
    notices = Notification.objects.filter(kind=Notification.Kind.REVIEW_ACTION_OVERDUE)
    assert {n.recipient for n in notices} == {team.handler, team.manager, team.top}
    action.refresh_from_db()
    assert action.escalated_at is not None
