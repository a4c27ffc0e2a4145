"""Management review (ISO 10002 8.6): planned with top management, inputs frozen once at the
review date and never changed by later data, outputs (an action opens a CAPA or is a task),
minutes approved by a top-management participant, nothing changed afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import staff
from redress.framework.models import Objective, ObjectiveStatus
from redress.framework.models.review import (
    ManagementReview,
    OutputType,
    ReviewStatus,
    TaskStatus,
)
from redress.framework.review_inputs import snapshot_digest
from redress.framework.services.reviews import (
    review_action_done,
    review_freeze,
    review_hold,
    review_inputs_save,
    review_minutes_approve,
    review_minutes_save,
    review_output_record,
    review_plan,
)
from redress.handling.testing import make_team, receive
from redress.improvement.models import CapaSource, CapaStatus
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db

REVIEW_DAY = dt.date(2026, 3, 9)


@pytest.fixture
def clock():
    with frozen_clock("2026-03-09 09:00") as value:
        yield value


@pytest.fixture
def team(db, clock):
    return make_team()


def planned(team, **kwargs) -> ManagementReview:
    values = {
        "actor": Actor.for_user(team.manager),
        "title": "Xem xét của lãnh đạo quý I",
        "review_date": REVIEW_DAY,
        "participants": [team.manager, team.top],
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 3, 8),
    }
    values.update(kwargs)
    return review_plan(**values)


def held(team) -> ManagementReview:
    review = planned(team)
    review_freeze(review=review, actor=Actor.for_user(team.manager))
    return review_hold(review=review, actor=Actor.for_user(team.manager))


def test_a_review_without_top_management_is_refused_on_its_participants(team):
    with pytest.raises(ValidationFailed) as refused:
        planned(team, participants=[team.manager, team.handler])
    assert "participants" in refused.value.fields
    assert not ManagementReview.objects.exists()


def test_an_inactive_top_manager_does_not_count(team):
    team.top.is_active = False
    team.top.save()
    with pytest.raises(ValidationFailed) as refused:
        planned(team)
    assert "participants" in refused.value.fields


def test_planning_gives_a_reference_per_year_and_is_audited(team):
    first = planned(team)
    second = planned(team, review_date=dt.date(2026, 9, 1))
    assert (first.reference, second.reference) == ("MR-2026-01", "MR-2026-02")
    assert first.status == ReviewStatus.PLANNED
    assert set(first.participants.all()) == {team.manager, team.top}
    entry = AuditEntry.objects.filter(action="framework.review_plan").first()
    assert entry is not None and entry.target_label == "MR-2026-01"


def test_the_period_defaults_to_the_time_since_the_previous_review(team):
    planned(team, review_date=dt.date(2025, 9, 30))
    review = planned(team, period_start=None, period_end=None)
    assert (review.period_start, review.period_end) == (dt.date(2025, 10, 1), REVIEW_DAY)


def test_only_managers_and_top_management_prepare(team):
    with pytest.raises(NotPermitted):
        planned(team, actor=Actor.for_user(team.handler))
    with pytest.raises(NotPermitted):
        planned(team, actor=Actor.for_user(team.auditor))


def test_inputs_freeze_not_before_the_review_date_and_only_once(team):
    review = planned(team, review_date=REVIEW_DAY + dt.timedelta(days=1))
    with pytest.raises(Conflict):
        review_freeze(review=review, actor=Actor.for_user(team.manager))
    review = planned(team)
    snapshot = review_freeze(review=review, actor=Actor.for_user(team.manager))
    review.refresh_from_db()
    assert review.status == ReviewStatus.INPUTS_FROZEN
    with pytest.raises(Conflict):
        review_freeze(review=review, actor=Actor.for_user(team.manager))
    entry = AuditEntry.objects.get(action="framework.review_freeze")
    assert entry.after["sha256"] == snapshot.sha256 == snapshot_digest(snapshot.data)


def test_the_frozen_snapshot_does_not_change_when_the_data_changes(team, clock):
    receive(team, received_at=timezone.now() - dt.timedelta(days=3))
    objective = Objective.objects.create(
        title="Xác nhận đúng hạn",
        kpi="ack_on_time_pct",
        direction="higher",
        target=Decimal("95"),
        actual=Decimal("80"),
        status=ObjectiveStatus.AT_RISK,
        owner=team.manager,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        frequency="quarterly",
        next_review=dt.date(2026, 4, 1),
        created_at=timezone.now(),
    )
    review = planned(team)
    review_inputs_save(
        review=review,
        actor=Actor.for_user(team.manager),
        context_changes="Luật Bảo vệ quyền lợi người tiêu dùng 2023 có hiệu lực",
        resources="Thêm hai nhân viên xử lý",
        other="",
    )
    snapshot = review_freeze(review=review, actor=Actor.for_user(team.manager))
    frozen = snapshot.data
    volume = next(k for k in frozen["kpis"] if k["code"] == "volume")
    assert volume["value"] == 1
    assert frozen["objectives"][0]["actual"] == "80.0000"
    assert frozen["free_text"]["resources"] == "Thêm hai nhân viên xử lý"

    # Later: more complaints in the period, the objective measured again.
    receive(team, received_at=timezone.now() - dt.timedelta(days=2))
    receive(team, received_at=timezone.now() - dt.timedelta(days=1))
    Objective.objects.filter(pk=objective.pk).update(
        actual=Decimal("99"), status=ObjectiveStatus.ON_TRACK
    )
    clock.set("2026-03-11 10:00")

    snapshot.refresh_from_db()
    assert snapshot.data == frozen
    assert snapshot_digest(snapshot.data) == snapshot.sha256


def test_inputs_are_written_only_before_the_freeze(team):
    review = planned(team)
    review_freeze(review=review, actor=Actor.for_user(team.manager))
    with pytest.raises(Conflict):
        review_inputs_save(
            review=review,
            actor=Actor.for_user(team.manager),
            context_changes="x",
            resources="",
            other="",
        )


def test_outputs_are_recorded_while_held_and_an_action_opens_a_capa(team):
    review = planned(team)
    with pytest.raises(Conflict):
        review_output_record(
            review=review, actor=Actor.for_user(team.manager), type=OutputType.DECISION, text="x"
        )
    review = held(team)
    decision = review_output_record(
        review=review,
        actor=Actor.for_user(team.top),
        type=OutputType.DECISION,
        text="Duy trì chính sách hiện hành",
    )
    assert decision.owner is None and decision.task_status == ""
    action = review_output_record(
        review=review,
        actor=Actor.for_user(team.manager),
        type=OutputType.ACTION,
        text="Giảm thời gian xác nhận xuống 4 giờ",
        owner=team.handler,
        due_on=dt.date(2026, 4, 30),
        open_capa=True,
        capa_unit=team.unit,
    )
    capa = action.capa
    assert capa is not None
    assert capa.source == CapaSource.MANAGEMENT_REVIEW
    assert review.reference in capa.source_note
    assert capa.owner == team.handler and capa.status == CapaStatus.DRAFT
    assert capa.created_by_label == team.manager.username  # the manager may open CAPA here


def test_an_action_needs_an_owner_and_a_due_date(team):
    review = held(team)
    with pytest.raises(ValidationFailed) as refused:
        review_output_record(
            review=review, actor=Actor.for_user(team.manager), type=OutputType.ACTION, text="Làm"
        )
    assert set(refused.value.fields) == {"owner", "due_on"}
    with pytest.raises(ValidationFailed) as past:
        review_output_record(
            review=review,
            actor=Actor.for_user(team.manager),
            type=OutputType.ACTION,
            text="Làm",
            owner=team.handler,
            due_on=dt.date(2026, 3, 1),
        )
    assert "due_on" in past.value.fields
    assert not review.outputs.exists()


def test_a_task_is_done_by_its_owner_only(team):
    review = held(team)
    task = review_output_record(
        review=review,
        actor=Actor.for_user(team.manager),
        type=OutputType.ACTION,
        text="Cập nhật quy trình",
        owner=team.handler,
        due_on=dt.date(2026, 4, 30),
    )
    assert task.task_status == TaskStatus.OPEN and task.capa is None
    with pytest.raises(NotPermitted):
        review_action_done(output=task, actor=Actor.for_user(team.manager))
    done = review_action_done(output=task, actor=Actor.for_user(team.handler))
    assert done.task_status == TaskStatus.DONE
    with pytest.raises(Conflict):
        review_action_done(output=task, actor=Actor.for_user(team.handler))


def test_minutes_are_approved_only_by_a_top_management_participant(team):
    review = held(team)
    with pytest.raises(ValidationFailed) as unwritten:
        review_minutes_approve(review=review, actor=Actor.for_user(team.top))
    assert "minutes" in unwritten.value.fields
    review_minutes_save(review=review, actor=Actor.for_user(team.manager), minutes="Biên bản họp")
    with pytest.raises(NotPermitted):
        review_minutes_approve(review=review, actor=Actor.for_user(team.manager))
    outsider = staff(Role.TOP_MANAGEMENT, team.unit)
    with pytest.raises(ValidationFailed) as not_there:
        review_minutes_approve(review=review, actor=Actor.for_user(outsider))
    assert "approver" in not_there.value.fields
    approved = review_minutes_approve(review=review, actor=Actor.for_user(team.top))
    assert approved.status == ReviewStatus.MINUTES_APPROVED
    assert approved.approved_by == team.top


def test_nothing_changes_after_approval(team):
    review = held(team)
    review_minutes_save(review=review, actor=Actor.for_user(team.manager), minutes="Biên bản")
    review_minutes_approve(review=review, actor=Actor.for_user(team.top))
    manager = Actor.for_user(team.manager)
    refusals = [
        lambda: review_minutes_save(review=review, actor=manager, minutes="Sửa"),
        lambda: review_output_record(
            review=review, actor=manager, type=OutputType.DECISION, text="Thêm"
        ),
        lambda: review_minutes_approve(review=review, actor=Actor.for_user(team.top)),
        lambda: review_hold(review=review, actor=manager),
        lambda: review_freeze(review=review, actor=manager),
        lambda: review_inputs_save(
            review=review, actor=manager, context_changes="x", resources="", other=""
        ),
    ]
    for refused in refusals:
        with pytest.raises(Conflict):
            refused()
    review.refresh_from_db()
    assert review.minutes == "Biên bản" and not review.outputs.exists()
