"""The evaluators of the complaint records, improvement and personal data: missing before the
records exist, evidenced once they do, weak when they fall short or age (explicit ``now``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from redress.audit.services import audit_record
from redress.certification.evaluation import Reason, Status
from redress.certification.tests.helpers import fact, run
from redress.complaints.models import SatisfactionResponse
from redress.complaints.models.choices import Status as ComplaintStatus
from redress.core.actors import Actor
from redress.core.models import Membership
from redress.core.roles import Role
from redress.handling.testing import advance, complaint_in_state, make_team, receive
from redress.improvement.models import Capa, CapaSource, CapaStatus, CapaType, SystemicIssue
from redress.privacy.models import BreachIncident, DataSubjectRequest, PersonalDataAccess
from redress.sla.models import StageClock
from redress.sla.testing import frozen_clock, local
from redress.transparency.models import ExternalBody, Notice, NoticeStep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def team():
    return make_team()


def test_acknowledgement_on_time_against_its_target_and_out_of_the_window(team):
    assert run("kpi_target", "2026-03-09 12:00", kpi="ack_on_time_pct", target=95).status == (
        Status.MISSING
    )
    with frozen_clock("2026-03-09 09:00"):
        first = receive(team).complaint
        advance(first, team, "acknowledge")
    on_time = run("kpi_target", "2026-03-09 12:00", kpi="ack_on_time_pct", target=95)
    assert on_time.status == Status.EVIDENCED
    assert fact(on_time, "Value") == 100
    with frozen_clock("2026-03-09 10:00"):
        receive(team)  # never acknowledged: late once its deadline passes
    late = run("kpi_target", "2026-03-20 09:00", kpi="ack_on_time_pct", target=95)
    assert (late.status, late.reason) == (Status.WEAK, Reason.BELOW_TARGET)
    # A year and more later neither complaint is in the twelve months looked at.
    assert run("kpi_target", "2027-04-01 09:00", kpi="ack_on_time_pct", target=95).status == (
        Status.MISSING
    )


def test_internal_reviews_on_time_with_none_in_the_window_is_no_gap(team):
    """Few complaints go to an internal review: a year without one leaves nothing to measure,
    which the rule that says so (``unused_is_evidence``) takes as evidence, not as a gap."""
    params = {"kpi": "review_on_time_pct", "target": 90}
    assert run("kpi_target", "2026-03-20 09:00", **params).status == Status.MISSING
    unused = run("kpi_target", "2026-03-20 09:00", **params, unused_is_evidence=True)
    assert unused.status == Status.EVIDENCED
    assert fact(unused, "Measured") == "None in the last 365 days"
    with frozen_clock("2026-03-02 09:00"):
        complaint = receive(team).complaint
    StageClock.objects.create(
        complaint=complaint,
        stage="review",
        started_at=local("2026-03-05 09:00"),
        due_at=local("2026-03-12 17:00"),
        completed_at=local("2026-03-16 09:00"),
        outcome="breached",
    )
    late = run("kpi_target", "2026-03-20 09:00", **params, unused_is_evidence=True)
    assert (late.status, late.reason, fact(late, "Value")) == (
        Status.WEAK,
        Reason.BELOW_TARGET,
        0,
    )


def test_complaints_recorded_every_recent_month(team):
    assert run("complaints_recorded", "2026-03-20 09:00").status == Status.MISSING
    with frozen_clock("2026-03-09 09:00"):
        receive(team)
    assert run("complaints_recorded", "2026-03-20 09:00", months=1).status == Status.EVIDENCED
    gap = run("complaints_recorded", "2026-05-20 09:00", months=3)
    assert (gap.status, gap.reason) == (Status.WEAK, Reason.GAP_IN_PERIOD)
    assert fact(gap, "Months without any") == 2


def test_channels_in_use_against_the_minimum(team):
    assert run("channels_in_use", "2026-03-20 09:00").status == Status.MISSING
    with frozen_clock("2026-03-09 09:00"):
        receive(team, channel="web")
        receive(team, channel="email")
    assert run("channels_in_use", "2026-03-20 09:00", minimum=2).status == Status.EVIDENCED
    few = run("channels_in_use", "2026-03-20 09:00", minimum=4)
    assert (few.status, few.reason) == (Status.WEAK, Reason.BELOW_TARGET)


def published(at: str, *, charges: str = "Miễn phí", target: str = "1 ngày làm việc") -> Notice:
    notice = Notice.objects.create(
        version=Notice.objects.count() + 1,
        intro_vi="Giới thiệu",
        how_vi="Cách khiếu nại",
        charges_vi=charges,
        privacy_vi="Dữ liệu cá nhân",
        review_vi="Xem xét lại",
        state=Notice.State.PUBLISHED,
        published_at=local(at),
    )
    NoticeStep.objects.create(notice=notice, title_vi="Xác nhận", target_vi=target)
    return notice


def test_the_public_page_published_with_target_times_and_charges():
    Notice.objects.all().delete()  # the version the migrations publish
    assert run("public_notice", "2026-03-09 09:00").status == Status.MISSING
    published("2026-03-01 09:00", charges=" ", target="")
    untimed = run("public_notice", "2026-03-09 09:00")
    assert (untimed.status, untimed.reason) == (Status.WEAK, Reason.GAP_IN_PERIOD)
    assert run("public_notice", "2026-03-09 09:00", part="charges").status == Status.WEAK
    published("2026-03-05 09:00")
    assert run("public_notice", "2026-03-09 09:00", part="charges").status == Status.EVIDENCED
    stale = run("public_notice", "2028-06-01 09:00", max_age_months=24)
    assert (stale.status, stale.reason) == (Status.WEAK, Reason.STALE)


def test_external_recourse_listed():
    ExternalBody.objects.all().delete()  # the bodies the migrations list
    assert run("external_recourse", "2026-03-09 09:00").status == Status.MISSING
    ExternalBody.objects.create(name_vi="Sở Công Thương")
    assert run("external_recourse", "2026-03-09 09:00").status == Status.EVIDENCED


def test_satisfaction_answers_and_their_mean(team):
    params = {"min_answers": 1, "min_response_pct": 10, "target_mean": 3.5}
    assert run("satisfaction_surveyed", "2026-03-20 09:00", **params).status == Status.MISSING
    with frozen_clock("2026-03-09 09:00"):
        happy = complaint_in_state(ComplaintStatus.CLOSED, team)
        unhappy = complaint_in_state(ComplaintStatus.CLOSED, team)
    SatisfactionResponse.objects.create(
        complaint=happy, overall=5, submitted_at=local("2026-03-10 09:00")
    )
    assert run("satisfaction_surveyed", "2026-03-20 09:00", **params).status == Status.EVIDENCED
    SatisfactionResponse.objects.create(
        complaint=unhappy, overall=1, submitted_at=local("2026-03-10 09:00")
    )
    low = run("satisfaction_surveyed", "2026-03-20 09:00", **params)
    assert (low.status, low.reason) == (Status.WEAK, Reason.BELOW_TARGET)
    few = run("satisfaction_surveyed", "2026-03-20 09:00", min_answers=30)
    assert few.status == Status.WEAK


def test_systemic_issues_opened_and_decided_in_time():
    assert run("systemic_issues_decided", "2026-03-20 09:00").status == Status.MISSING
    issue = SystemicIssue.objects.create(
        title="Tính tiền hai lần",
        source="rule",
        opened_at=local("2026-03-01 09:00"),
        opened_by_label="system",
    )
    assert run("systemic_issues_decided", "2026-03-20 09:00").status == Status.EVIDENCED
    waiting = run("systemic_issues_decided", "2026-04-20 09:00", max_open_days=30)
    assert (waiting.status, waiting.reason) == (Status.WEAK, Reason.OVERDUE)
    issue.status, issue.decision = "closed", "no_action"
    issue.decided_at = local("2026-04-21 09:00")
    issue.save(update_fields=["status", "decision", "decided_at"])
    assert run("systemic_issues_decided", "2026-04-22 09:00").status == Status.EVIDENCED


def capa(team, **values) -> Capa:
    return Capa.objects.create(
        title="Sửa quy trình",
        source=CapaSource.SUGGESTION,
        type=CapaType.CORRECTIVE,
        owner=team.handler,
        unit=team.unit,
        check_window_days=30,
        created_at=local("2026-01-05 09:00"),
        created_by_label="x",
        **values,
    )


def test_corrective_actions_effective_and_on_time(team):
    assert run("capa_effective", "2026-03-20 09:00").status == Status.MISSING
    assert run("capa_on_time", "2026-03-20 09:00").status == Status.MISSING
    capa(team, status=CapaStatus.CLOSED, verified_at=local("2026-03-01 09:00"), effective=True)
    assert run("capa_effective", "2026-03-20 09:00", target_pct=70).status == Status.EVIDENCED
    capa(team, status=CapaStatus.REOPENED, verified_at=local("2026-03-02 09:00"), effective=False)
    poor = run("capa_effective", "2026-03-20 09:00", target_pct=70)
    assert (poor.status, poor.reason) == (Status.WEAK, Reason.BELOW_TARGET)
    capa(team, status=CapaStatus.IN_PROGRESS, due_at=local("2026-04-01 09:00"))
    assert run("capa_on_time", "2026-03-20 09:00").status == Status.EVIDENCED
    overdue = run("capa_on_time", "2026-04-02 09:00")
    assert (overdue.status, overdue.reason) == (Status.WEAK, Reason.OVERDUE)
    assert fact(overdue, "Overdue") == 1


def test_access_log_in_use_and_going_quiet(team):
    assert run("access_log_in_use", "2026-03-20 09:00").status == Status.MISSING
    PersonalDataAccess.objects.create(at=local("2026-03-10 09:00"), user=team.manager, via="page")
    assert run("access_log_in_use", "2026-03-20 09:00").status == Status.EVIDENCED
    quiet = run("access_log_in_use", "2026-05-20 09:00", max_age_days=30)
    assert (quiet.status, quiet.reason) == (Status.WEAK, Reason.STALE)


def test_a_data_protection_officer_appointed(team):
    assert run("data_protection_officer", "2026-03-20 09:00").status == Status.MISSING
    Membership.objects.create(user=team.manager, unit=team.unit, role=Role.DPO)
    assert run("data_protection_officer", "2026-03-20 09:00").status == Status.EVIDENCED


def request(received: str, due: str, completed: str | None) -> DataSubjectRequest:
    return DataSubjectRequest.objects.create(
        year=2026,
        sequence=DataSubjectRequest.objects.count() + 1,
        kind="access",
        channel="portal",
        received_at=local(received),
        first_response_due_at=local(due),
        completion_due_at=local(due),
        completed_at=local(completed) if completed else None,
        status="done" if completed else "received",
    )


def test_data_subject_requests_completed_by_their_deadline():
    none_due = run("data_requests_on_time", "2026-03-20 09:00")
    assert none_due.status == Status.EVIDENCED and fact(none_due, "Requests due") == 0
    request("2026-03-01 09:00", "2026-03-15 09:00", "2026-03-10 09:00")
    assert run("data_requests_on_time", "2026-03-20 09:00").status == Status.EVIDENCED
    request("2026-03-02 09:00", "2026-03-16 09:00", None)  # still open past its deadline
    late = run("data_requests_on_time", "2026-03-20 09:00", target_pct=100)
    assert (late.status, late.reason) == (Status.WEAK, Reason.BELOW_TARGET)


def test_breaches_notified_within_72_hours_or_with_a_reason(team):
    found = local("2026-03-01 09:00")
    breach = BreachIncident.objects.create(
        year=2026,
        sequence=1,
        title="Lộ email",
        description="…",
        discovered_at=found,
        notify_due_at=found + dt.timedelta(hours=72),
        reported_by=team.manager,
        reported_at=found,
    )
    assert run("breaches_notified_on_time", "2026-03-02 09:00").status == Status.EVIDENCED
    late = run("breaches_notified_on_time", "2026-03-10 09:00")
    assert (late.status, late.reason) == (Status.WEAK, Reason.OVERDUE)
    breach.authority_notified_at = local("2026-03-05 09:00")
    breach.late_reason = "Chờ xác minh phạm vi"
    breach.save(update_fields=["authority_notified_at", "late_reason"])
    assert run("breaches_notified_on_time", "2026-03-10 09:00").status == Status.EVIDENCED


def test_the_audit_trail_is_written(team):
    assert run("audit_trail", "2026-03-10 09:00").status == Status.MISSING
    with frozen_clock("2026-03-09 09:00"):
        audit_record(actor=Actor.for_user(team.manager), action="test.touch", target=team.unit)
    assert run("audit_trail", "2026-03-10 09:00").status == Status.EVIDENCED
    stale = run("audit_trail", "2026-04-10 09:00", max_age_days=7)
    assert (stale.status, stale.reason) == (Status.WEAK, Reason.STALE)
