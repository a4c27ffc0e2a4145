"""Corrective and preventive actions (ISO 10002 8.7): the lifecycle's gates, working-day due
dates from the SLA calendar, the effectiveness check against a fixture worked by hand, and the
escalation of an overdue CAPA up the ladder, never at night."""

import datetime as dt

import pytest
from django.utils import translation

from redress.audit.models import AuditEntry
from redress.complaints.testing import CategoryFactory
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.handling import services as handling
from redress.improvement.models import CapaEscalation, CapaStatus, IssueStatus
from redress.improvement.services import (
    capa_check,
    capa_checks_due,
    capa_implement,
    capa_link_complaint,
    capa_overdue_sweep,
    capa_plan,
    capa_reopen,
    capa_start,
    capa_task_add,
    capa_task_done,
    capa_verify,
    systemic_issue_open,
)
from redress.improvement.tests.helpers import capa_for, capa_implemented, cause, complaint_on
from redress.integrations.models import EventType, WebhookDelivery, WebhookSubscription
from redress.notifications.models import Notification
from redress.sla.testing import end_of, local

pytestmark = pytest.mark.django_db


def owner(team):
    return Actor.for_user(team.handler)


def manager(team):
    return Actor.for_user(team.manager)


def test_a_capa_without_a_plan_cannot_be_planned_or_started(team, clock):
    capa = capa_for(team)
    assert capa.status == CapaStatus.DRAFT
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        capa_plan(capa=capa, actor=owner(team), plan=" ", due_working_days=5)
    assert refused.value.fields == {"plan": ["Trường này là bắt buộc."]}
    with pytest.raises(Conflict):  # draft → in progress is not in the table
        capa_start(capa=capa, actor=owner(team))
    capa.refresh_from_db()
    assert capa.status == CapaStatus.DRAFT and capa.due_at is None


def test_the_due_date_counts_working_days_on_the_units_calendar(team, clock):
    clock.set("2026-04-24 10:00")  # a Friday
    capa = capa_plan(capa=capa_for(team), actor=owner(team), plan="Kế hoạch", due_working_days=3)
    # Mon 27 April is off (Hùng Kings' day, Sunday 26 April, moved), 28 and 29 are working
    # days, 30 April and 1 May are holidays: the third working day is Monday 4 May.
    assert capa.due_at == end_of("2026-05-04")
    assert capa.status == CapaStatus.PLANNED


def test_the_lifecycle_goes_draft_planned_in_progress_implemented(team, clock):
    capa = capa_implemented(team, check_window_days=30)
    assert capa.status == CapaStatus.IMPLEMENTED
    assert capa.check_due_at == capa.implemented_at + dt.timedelta(days=30)
    assert list(capa.events.values_list("action", "to_status")) == [
        ("capa_open", "draft"),
        ("capa_plan", "planned"),
        ("capa_start", "in_progress"),
        ("capa_implement", "implemented"),
    ]
    assert AuditEntry.objects.filter(action__startswith="improvement.capa_").count() == 4


def test_the_check_waits_for_the_window_and_the_job_starts_it(team, clock):
    capa = capa_implemented(team, check_window_days=30, cause=cause("process-handover"))
    with pytest.raises(Conflict) as early:
        capa_check(capa=capa, actor=manager(team))
    assert "08/04/2026" in str(early.value) or "April" in str(early.value)
    clock.set("2026-04-08 09:00")
    assert capa_checks_due() == 1
    capa.refresh_from_db()
    assert capa.status == CapaStatus.EFFECTIVENESS_CHECK
    assert Notification.objects.filter(
        kind=Notification.Kind.CAPA_VERIFY, recipient=team.manager
    ).exists()
    assert not Notification.objects.filter(recipient=team.handler).exists()  # not the owner


@pytest.fixture
def recurrence_fixture(team, clock):
    """Worked by hand (docs/improvement.md, "Effectiveness check"). The CAPA is about the
    handover cause in the billing category, implemented Mon 9 March 2026 09:00 with a 30-day
    window: window = [9 Mar 09:00, 8 Apr 09:00), baseline = [7 Feb 09:00, 9 Mar 09:00).

    Baseline, counted (5): 10 Feb, 20 Feb, 1 Mar, 5 Mar, 9 Mar 08:59.
    Not counted: 7 Feb 08:59 (before the baseline), billing with another cause, the handover
    cause in another category, and one withdrawn.
    Window, counted (2): 9 Mar 09:00, 1 Apr. Not counted: 8 Apr 09:00 (after the window).
    Reduction (5 − 2) / 5 = 60 % ≥ 50 %: proposed effective."""
    billing, other = CategoryFactory(), CategoryFactory()
    handover, data = cause("process-handover"), cause("system-data")
    capa = capa_implemented(team, check_window_days=30, cause=handover, category=billing)
    assert capa.implemented_at == local("2026-03-09 09:00")
    clock.set("2026-04-09 09:00")
    for when in ("2026-02-10 10:00", "2026-02-20 10:00", "2026-03-01 10:00", "2026-03-05 10:00"):
        complaint_on(team, local(when), category=billing, root_cause=handover)
    complaint_on(team, local("2026-03-09 08:59"), category=billing, root_cause=handover)
    complaint_on(team, local("2026-02-07 08:59"), category=billing, root_cause=handover)
    complaint_on(team, local("2026-02-15 10:00"), category=billing, root_cause=data)
    complaint_on(team, local("2026-02-15 10:00"), category=other, root_cause=handover)
    withdrawn = complaint_on(team, local("2026-02-16 10:00"), category=billing, root_cause=handover)
    handling.complaint_withdraw(complaint=withdrawn, actor=Actor.channel("web"), reason="Thôi")
    complaint_on(team, local("2026-03-09 09:00"), category=billing, root_cause=handover)
    complaint_on(team, local("2026-04-01 10:00"), category=billing, root_cause=handover)
    complaint_on(team, local("2026-04-08 09:00"), category=billing, root_cause=handover)
    return capa


def test_the_effectiveness_check_matches_the_hand_computed_fixture(team, recurrence_fixture):
    capa = capa_check(capa=recurrence_fixture, actor=manager(team))
    figures = capa.check_figures
    assert (figures["baseline"], figures["window"]) == (5, 2)
    assert figures["reduction_pct"] == "60.0" and figures["target_pct"] == 50
    assert figures["basis"] == "cause+category"
    assert figures["baseline_from"].startswith("2026-02-07T02:00")  # 09:00 in Hà Nội
    assert capa.proposed_effective is True


def test_the_verifier_confirms_without_a_reason_and_the_capa_closes(team, recurrence_fixture):
    capa = capa_check(capa=recurrence_fixture, actor=manager(team))
    capa = capa_verify(capa=capa, actor=manager(team), effective=True)
    assert capa.status == CapaStatus.CLOSED and capa.verifier == team.manager
    assert capa.closed_on_time is True


def test_overriding_the_proposal_needs_a_reason(team, recurrence_fixture):
    capa = capa_check(capa=recurrence_fixture, actor=manager(team))
    with pytest.raises(ValidationFailed) as refused:
        capa_verify(capa=capa, actor=manager(team), effective=False)
    assert "reason" in refused.value.fields
    capa = capa_verify(
        capa=capa, actor=manager(team), effective=False, reason="Khiếu nại mới cùng nguyên nhân"
    )
    assert (capa.status, capa.reopen_count) == (CapaStatus.REOPENED, 1)
    assert capa.events.get(action="capa_verify").data["overridden"] is True


def test_the_owner_cannot_verify(team, clock):
    capa = capa_implemented(team, check_window_days=1, cause=cause("system-data"))
    # The owner is made a complaints manager too: still not allowed to verify their own CAPA.
    from redress.core.models import Membership
    from redress.core.roles import Role

    Membership.objects.create(user=team.handler, unit=team.unit, role=Role.COMPLAINTS_MANAGER)
    clock.set("2026-03-10 10:00")
    capa = capa_check(capa=capa, actor=manager(team))
    from redress.core.models import User

    manager_too = Actor.for_user(User.objects.get(pk=team.handler.pk))
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        capa_verify(capa=capa, actor=manager_too, effective=True)
    assert refused.value.fields == {"verifier": ["Người xác nhận phải khác người phụ trách."]}
    capa.refresh_from_db()
    assert capa.status == CapaStatus.EFFECTIVENESS_CHECK and capa.verifier is None


def test_closing_needs_every_task_done(team, clock):
    capa = capa_for(team, cause=cause("system-data"), check_window_days=1)
    task = capa_task_add(
        capa=capa,
        actor=owner(team),
        title="Đào tạo lại",
        owner=team.frontline,
        due_on=dt.date(2026, 3, 13),
    )
    capa = capa_plan(capa=capa, actor=owner(team), plan="Đào tạo", due_working_days=5)
    capa_implement(capa=capa_start(capa=capa, actor=owner(team)), actor=owner(team))
    clock.set("2026-03-11 10:00")
    capa = capa_check(capa=capa, actor=manager(team))
    with pytest.raises(ValidationFailed) as refused:
        capa_verify(capa=capa, actor=manager(team), effective=True)
    assert list(refused.value.fields) == ["tasks"]
    capa_task_done(task=task, actor=Actor.for_user(team.frontline))  # the task's own owner
    capa = capa_verify(capa=capa, actor=manager(team), effective=True)
    assert capa.status == CapaStatus.CLOSED


def test_a_closed_capa_changes_only_by_reopening_with_a_reason(team, recurrence_fixture):
    capa = capa_verify(
        capa=capa_check(capa=recurrence_fixture, actor=manager(team)),
        actor=manager(team),
        effective=True,
    )
    with pytest.raises(Conflict):
        capa_task_add(
            capa=capa, actor=owner(team), title="x", owner=team.handler, due_on=dt.date(2026, 5, 1)
        )
    with pytest.raises(Conflict):
        capa_plan(capa=capa, actor=owner(team), plan="y", due_working_days=3)
    with pytest.raises(ValidationFailed) as refused:
        capa_reopen(capa=capa, actor=manager(team), reason="")
    assert "reason" in refused.value.fields
    with pytest.raises(NotPermitted):
        capa_reopen(capa=capa, actor=owner(team), reason="Tái diễn")
    capa = capa_reopen(capa=capa, actor=manager(team), reason="Tái diễn sau 2 tháng")
    assert capa.status == CapaStatus.REOPENED and capa.closed_at is None
    capa = capa_plan(capa=capa, actor=owner(team), plan="Kế hoạch mới", due_working_days=5)
    assert capa.status == CapaStatus.PLANNED


def test_closing_the_last_capa_of_an_issue_closes_the_issue(team, clock):
    issue = systemic_issue_open(actor=manager(team), title="Bàn giao", unit=team.unit)
    capa = capa_implemented(
        team,
        source="systemic_issue",
        source_issue=issue,
        source_note="",
        check_window_days=1,
        cause=cause("process-handover"),
    )
    clock.set("2026-03-11 10:00")
    capa_verify(
        capa=capa_check(capa=capa, actor=manager(team)), actor=manager(team), effective=True
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED


def test_a_complaint_links_to_a_capa_once(team, clock):
    capa = capa_for(team)
    complaint = complaint_on(team, clock.now)
    capa_link_complaint(capa=capa, actor=owner(team), complaint=complaint)
    capa_link_complaint(capa=capa, actor=owner(team), complaint=complaint)
    assert list(capa.complaints.all()) == [complaint]
    assert capa.events.filter(action="capa_link").count() == 1
    with pytest.raises(NotPermitted):
        capa_link_complaint(capa=capa, actor=Actor.for_user(team.frontline), complaint=complaint)


def test_an_overdue_capa_climbs_the_escalation_ladder_never_at_night(team, clock):
    WebhookSubscription.objects.create(
        name="BI", url="https://bi.example.test/hook", events=[EventType.CAPA_OVERDUE]
    )
    capa = capa_plan(capa=capa_for(team), actor=owner(team), plan="Kế hoạch", due_working_days=2)
    assert capa.due_at == end_of("2026-03-11")  # Mon 9 March + 2 working days
    clock.set("2026-03-12 07:00")  # overdue, but before working hours
    assert capa_overdue_sweep() == 0
    clock.set("2026-03-12 08:30")
    assert capa_overdue_sweep() == 2  # level 1 (the owner), level 2 (the unit's managers)
    assert capa_overdue_sweep() == 0  # each level once
    told = Notification.objects.filter(kind=Notification.Kind.CAPA_OVERDUE)
    assert set(told.values_list("recipient", flat=True)) == {team.handler.pk, team.manager.pk}
    # Level 3 waits 8 working hours: Thursday 17:00, which is after hours; Friday morning then.
    clock.set("2026-03-12 17:30")
    assert capa_overdue_sweep() == 0
    clock.set("2026-03-13 08:05")
    assert capa_overdue_sweep() == 1
    assert sorted(CapaEscalation.objects.values_list("level", flat=True)) == [1, 2, 3]
    assert WebhookDelivery.objects.filter(event_type=EventType.CAPA_OVERDUE).count() == 1
    assert capa.events.filter(action="capa_overdue").count() == 3
