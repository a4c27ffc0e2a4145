"""The framework's evaluators: each is missing before its records exist, evidenced once they
do, and weak as they age or fall short (time travel by an explicit ``now``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from redress.certification.evaluation import Reason, Status
from redress.certification.tests.helpers import fact, run
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.framework.models import (
    Audit,
    AuditStatus,
    Course,
    CourseRequirement,
    Objective,
    ObjectiveResult,
    ProcessStep,
    Raci,
    Responsibility,
    RiskLevel,
    TrainingRecord,
)
from redress.framework.models.review import ManagementReview, ReviewStatus
from redress.framework.services.policy import policy_acknowledge, policy_approve, policy_draft
from redress.handling.testing import make_team
from redress.sla.testing import frozen_clock, local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def team():
    return make_team()


def test_the_policy_is_missing_then_evidenced_then_stale_after_a_year(team):
    assert run("policy_current", "2026-03-09 09:00").status == Status.MISSING
    with frozen_clock("2026-03-09 09:00"):
        version = policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="…")
        policy_approve(
            actor=Actor.for_user(team.top), version=version, effective_from=dt.date(2026, 3, 9)
        )
    found = run("policy_current", "2026-03-10 09:00", max_age_months=12)
    assert found.status == Status.EVIDENCED
    assert fact(found, "Version in force") == 1
    # Before it took effect there was none in force.
    assert run("policy_current", "2026-03-01 09:00").status == Status.MISSING
    aged = run("policy_current", "2027-04-01 09:00", max_age_months=12)
    assert (aged.status, aged.reason) == (Status.WEAK, Reason.STALE)
    assert aged.fix is not None and aged.fix.url.endswith("/policy/draft/")


def test_the_policy_is_read_by_enough_of_the_staff(team):
    with frozen_clock("2026-03-09 09:00"):
        version = policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="…")
        policy_approve(
            actor=Actor.for_user(team.top), version=version, effective_from=dt.date(2026, 3, 9)
        )
        low = run("policy_read", "2026-03-09 10:00", target_pct=80)
        assert (low.status, low.reason) == (Status.WEAK, Reason.BELOW_TARGET)
        for person in (team.frontline, team.handler, team.manager, team.top, team.auditor):
            policy_acknowledge(actor=Actor.for_user(person))
    assert run("policy_read", "2026-03-09 10:00", target_pct=80).status == Status.EVIDENCED


def test_responsibilities_need_one_accountable_role_per_step(team):
    assert run("responsibilities_assigned", "2026-03-09 09:00").status == Status.MISSING
    for step in ProcessStep.values[:-1]:
        Responsibility.objects.create(
            step=step, role=Role.COMPLAINTS_MANAGER, part=Raci.ACCOUNTABLE, valid_from="2026-01-01"
        )
    partial = run("responsibilities_assigned", "2026-03-09 09:00")
    assert partial.status == Status.WEAK
    assert fact(partial, "Steps without one accountable role") == 1
    Responsibility.objects.create(
        step=ProcessStep.values[-1],
        role=Role.TOP_MANAGEMENT,
        part=Raci.ACCOUNTABLE,
        valid_from="2026-01-01",
    )
    assert run("responsibilities_assigned", "2026-03-09 09:00").status == Status.EVIDENCED


def objective(team) -> Objective:
    return Objective.objects.create(
        title="Xác nhận đúng hạn",
        kpi="ack_on_time_pct",
        direction="higher",
        target=95,
        owner=team.manager,
        period_start="2026-01-01",
        period_end="2026-12-31",
        frequency="monthly",
        next_review="2026-02-01",
        created_at=local("2026-01-01 09:00"),
    )


def test_objectives_need_a_recent_result(team):
    assert run("objectives_measured", "2026-03-09 09:00").status == Status.MISSING
    goal = objective(team)
    assert run("objectives_measured", "2026-03-09 09:00").reason == Reason.STALE
    ObjectiveResult.objects.create(
        objective=goal,
        measured_on="2026-03-01",
        window_start="2026-01-01",
        window_end="2026-02-28",
        value=96,
        status="on_track",
        source="kpi",
        recorded_by_label="system",
    )
    assert run("objectives_measured", "2026-03-09 09:00", max_age_days=100).status == (
        Status.EVIDENCED
    )
    aged = run("objectives_measured", "2026-07-01 09:00", max_age_days=100)
    assert (aged.status, aged.reason) == (Status.WEAK, Reason.STALE)


def test_training_current_for_handlers_and_its_expiry(team):
    assert run("training_current", "2026-03-09 09:00", role="handler").status == Status.MISSING
    course = Course.objects.create(code="xu-ly", name="Xử lý khiếu nại", valid_months=12)
    CourseRequirement.objects.create(course=course, role=Role.HANDLER)
    none_trained = run("training_current", "2026-03-09 09:00", role="handler", target_pct=90)
    assert (none_trained.status, none_trained.reason) == (Status.WEAK, Reason.BELOW_TARGET)
    TrainingRecord.objects.create(
        user=team.handler,
        course=course,
        completed_on="2026-01-05",
        expires_on="2027-01-05",
        recorded_by_label="x",
        recorded_at=local("2026-01-05 09:00"),
    )
    assert run("training_current", "2026-03-09 09:00", role="handler").status == Status.EVIDENCED
    assert run("training_current", "2027-02-01 09:00", role="handler").status == Status.WEAK


def audit(team, planned_on: str, status: str, reported_at: str | None = None) -> Audit:
    return Audit.objects.create(
        year=int(planned_on[:4]),
        sequence=Audit.objects.count() + 1,
        title="Đánh giá",
        unit=team.unit,
        period_start="2025-01-01",
        period_end="2025-12-31",
        planned_on=planned_on,
        risk_level=RiskLevel.MEDIUM,
        rationale="Rủi ro",
        planned_by=team.manager,
        created_at=local("2026-01-02 09:00"),
        status=status,
        reported_at=local(reported_at) if reported_at else None,
    )


def test_internal_audit_reported_ages_and_late_audits_weaken_it(team):
    audit(team, "2026-06-01", AuditStatus.PLANNED)
    nothing = run("internal_audit_held", "2026-03-09 09:00")
    assert nothing.status == Status.MISSING
    assert fact(nothing, "Audits planned") == 1
    audit(team, "2026-02-01", AuditStatus.REPORTED, "2026-02-20 09:00")
    assert run("internal_audit_held", "2026-03-09 09:00").status == Status.EVIDENCED
    # The June audit still planned in August: the programme slips.
    late = run("internal_audit_held", "2026-08-15 09:00", grace_days=30)
    assert (late.status, late.reason) == (Status.WEAK, Reason.OVERDUE)
    stale = run("internal_audit_held", "2027-04-01 09:00", max_age_months=12)
    assert (stale.status, stale.reason) == (Status.WEAK, Reason.STALE)


def test_management_review_held_with_approved_minutes_within_a_year(team):
    assert run("management_review_held", "2026-03-09 09:00").status == Status.MISSING
    review = ManagementReview.objects.create(
        reference="XX-2026-01",
        title="Xem xét",
        review_date="2026-03-02",
        period_start="2025-03-01",
        period_end="2026-02-28",
        prepared_by=team.manager,
        created_at=local("2026-02-01 09:00"),
        status=ReviewStatus.HELD,
    )
    unapproved = run("management_review_held", "2026-03-09 09:00")
    assert (unapproved.status, unapproved.reason) == (Status.WEAK, Reason.GAP_IN_PERIOD)
    review.status = ReviewStatus.MINUTES_APPROVED
    review.save(update_fields=["status"])
    assert run("management_review_held", "2026-03-09 09:00").status == Status.EVIDENCED
    stale = run("management_review_held", "2027-04-09 09:00", max_age_months=12)
    assert (stale.status, stale.reason) == (Status.WEAK, Reason.STALE)
