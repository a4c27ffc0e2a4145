"""Systemic issues (ISO 10002 8.2): rules configured by an administrator open exactly one issue
per scope and attach later complaints; control chart signals and people open them too; each
ends in a decision; managers (and top management when significant) hear of them."""

import datetime as dt

import pytest
from django.utils import translation

from redress.audit.models import AuditEntry
from redress.complaints.testing import CategoryFactory
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services as handling
from redress.handling.testing import make_team, receive
from redress.improvement.models import (
    Dimension,
    IssueDecision,
    IssueSource,
    IssueStatus,
    SpcScan,
    SystemicIssue,
    SystemicRule,
)
from redress.improvement.services import (
    capa_link_complaint,
    systemic_issue_assign,
    systemic_issue_attach,
    systemic_issue_decide,
    systemic_issue_open,
    systemic_rule_save,
    systemic_spc_scan,
)
from redress.improvement.tests.helpers import capa_for, cause, complaint_on
from redress.integrations.models import EventType, WebhookDelivery, WebhookSubscription
from redress.notifications.models import Notification
from redress.sla.testing import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_actor(team):
    return Actor.for_user(staff(Role.ADMIN, team.unit))


def rule(admin_actor, **kwargs):
    values = {"name": "3 trong 7 ngày", "dimension": Dimension.CATEGORY, "threshold": 3}
    values.update(kwargs)
    values.setdefault("window_days", 7)
    return systemic_rule_save(actor=admin_actor, **values)


def assessed(team, complaint, category=None):
    handling.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(team.handler))
    return handling.complaint_assess(
        complaint=complaint, actor=Actor.for_user(team.handler), category=category
    )


@pytest.mark.parametrize(
    ("threshold", "window_days", "field", "vietnamese"),
    [
        (1, 7, "threshold", "Quy tắc cần ít nhất 2 khiếu nại (N); một khiếu nại chưa là xu hướng."),
        (3, 0, "window_days", "Khoảng thời gian (M) phải ít nhất 1 ngày."),
    ],
)
def test_a_rule_with_n_below_2_or_m_below_1_is_refused_naming_the_field_in_vietnamese(
    admin_actor, threshold, window_days, field, vietnamese
):
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        rule(admin_actor, threshold=threshold, window_days=window_days)
    assert refused.value.fields == {field: [vietnamese]}
    assert not SystemicRule.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="improvement.").exists()


def test_only_administrators_configure_rules(team):
    with pytest.raises(NotPermitted):
        rule(Actor.for_user(team.manager))
    assert not SystemicRule.objects.exists()


def test_the_rule_opens_exactly_one_issue_per_scope_and_attaches_later_complaints(
    team, admin_actor, clock
):
    rule(admin_actor)
    billing, other = CategoryFactory(), CategoryFactory()
    complaints = []
    for day in ("2026-03-02", "2026-03-04"):
        clock.set(f"{day} 09:00")
        complaints.append(assessed(team, receive(team, category=billing).complaint))
    assessed(team, receive(team, category=other).complaint)
    assert not SystemicIssue.objects.exists()  # two of the same category: not yet

    clock.set("2026-03-06 10:00")
    complaints.append(assessed(team, receive(team, category=billing).complaint))
    issue = SystemicIssue.objects.get()
    assert (issue.source, issue.category, issue.unit, issue.status) == (
        IssueSource.RULE,
        billing,
        None,
        IssueStatus.OPEN,
    )
    assert set(issue.complaints.all()) == set(complaints)
    assert issue.evidence["count"] == 3

    clock.set("2026-03-20 10:00")  # past the window, but the issue is still open: it attaches
    later = assessed(team, receive(team, category=billing).complaint)
    assert SystemicIssue.objects.count() == 1
    assert later in issue.complaints.all()
    assert issue.events.filter(action="issue_attach", complaint=later).exists()


def test_complaints_outside_the_window_do_not_count(team, admin_actor, clock):
    rule(admin_actor, window_days=3)
    billing = CategoryFactory()
    for day in ("2026-03-02", "2026-03-04", "2026-03-07"):
        clock.set(f"{day} 09:00")
        assessed(team, receive(team, category=billing).complaint)
    assert not SystemicIssue.objects.exists()


def test_a_per_unit_rule_counts_each_unit_apart(team, admin_actor, clock):
    rule(admin_actor, threshold=2, per_unit=True)
    other = make_team(UnitFactory())
    billing = CategoryFactory()
    assessed(team, receive(team, category=billing).complaint)
    assessed(other, receive(other, category=billing).complaint)
    assert not SystemicIssue.objects.exists()
    assessed(team, receive(team, category=billing).complaint)
    assessed(other, receive(other, category=billing).complaint)
    assert set(SystemicIssue.objects.values_list("unit", flat=True)) == {
        team.unit.pk,
        other.unit.pk,
    }


def test_a_rule_by_root_cause_counts_recorded_causes(team, admin_actor, clock):
    rule(admin_actor, dimension=Dimension.CAUSE, threshold=2)
    handover = cause("process-handover")
    complaint_on(team, clock.now, root_cause=handover)
    complaint_on(team, clock.now, root_cause=cause("system-data"))
    assert not SystemicIssue.objects.exists()
    complaint_on(team, clock.now, root_cause=handover)
    issue = SystemicIssue.objects.get()
    assert issue.cause == handover and issue.complaints.count() == 2
    assert "Bàn giao" in issue.title  # stored in the organisation's language


def test_managers_hear_of_an_issue_and_top_management_of_a_significant_one(
    team, admin_actor, clock
):
    WebhookSubscription.objects.create(
        name="BI", url="https://bi.example.test/hook", events=[EventType.SYSTEMIC_ISSUE_OPENED]
    )
    rule(admin_actor, threshold=2, is_significant=True)
    billing = CategoryFactory()
    assessed(team, receive(team, category=billing).complaint)
    assessed(team, receive(team, category=billing).complaint)
    issue = SystemicIssue.objects.get()
    told = Notification.objects.filter(kind=Notification.Kind.SYSTEMIC_SIGNIFICANT)
    assert set(told.values_list("recipient", flat=True)) == {team.manager.pk, team.top.pk}
    assert told.first().target_id == issue.pk
    delivery = WebhookDelivery.objects.get(event_type=EventType.SYSTEMIC_ISSUE_OPENED)
    assert issue.reference in delivery.body and "Nguyễn" not in delivery.body


def test_an_issue_opened_by_hand_links_only_complaints_the_person_sees(team):
    elsewhere = receive(make_team(UnitFactory())).complaint
    mine = receive(team).complaint
    manager = Actor.for_user(team.manager)
    with pytest.raises(ValidationFailed):
        systemic_issue_open(actor=manager, title="Giao hàng chậm", complaints=[mine, elsewhere])
    issue = systemic_issue_open(
        actor=manager, title="Giao hàng chậm", unit=team.unit, complaints=[mine]
    )
    assert issue.source == IssueSource.MANUAL and list(issue.complaints.all()) == [mine]
    with pytest.raises(NotPermitted):
        systemic_issue_open(actor=Actor.for_user(team.handler), title="x")
    systemic_issue_attach(issue=issue, complaint=receive(team).complaint, actor=manager)
    assert issue.complaints.count() == 2


def test_no_action_needs_a_reason_and_closes_the_issue(team):
    issue = systemic_issue_open(actor=Actor.for_user(team.manager), title="Lỗi in hóa đơn")
    with pytest.raises(ValidationFailed) as refused:
        systemic_issue_decide(
            issue=issue, actor=Actor.for_user(team.manager), decision=IssueDecision.NO_ACTION
        )
    assert "reason" in refused.value.fields
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN and issue.decision == ""
    with pytest.raises(NotPermitted):
        systemic_issue_decide(
            issue=issue,
            actor=Actor.for_user(team.handler),
            decision=IssueDecision.NO_ACTION,
            reason="x",
        )
    systemic_issue_decide(
        issue=issue,
        actor=Actor.for_user(team.manager),
        decision=IssueDecision.NO_ACTION,
        reason="Sự cố một lần của đối tác in",
    )
    issue.refresh_from_db()
    assert (issue.status, issue.decided_by) == (IssueStatus.CLOSED, team.manager)
    with pytest.raises(Conflict):
        systemic_issue_attach(
            issue=issue, complaint=receive(team).complaint, actor=Actor.for_user(team.manager)
        )


def test_the_capa_decision_needs_a_capa_opened_from_the_issue(team):
    manager = Actor.for_user(team.manager)
    issue = systemic_issue_open(actor=manager, title="Lỗi in hóa đơn", unit=team.unit)
    with pytest.raises(ValidationFailed) as refused:
        systemic_issue_decide(issue=issue, actor=manager, decision=IssueDecision.CAPA)
    assert "decision" in refused.value.fields
    capa_for(team, source="systemic_issue", source_issue=issue, source_note="")
    issue.refresh_from_db()
    assert (issue.status, issue.decision) == (IssueStatus.ACTION, IssueDecision.CAPA)


def weekly(team, clock, counts, category):
    """``counts[i]`` complaints of ``category`` in the i-th of the weeks before 2026-03-09."""
    first_monday = dt.date(2026, 3, 2) - dt.timedelta(weeks=len(counts) - 1)
    for index, count in enumerate(counts):
        day = first_monday + dt.timedelta(weeks=index, days=1)
        for _n in range(count):
            receive(team, category=category, received_at=local(f"{day} 10:00"))


def test_a_control_chart_signal_opens_one_issue_with_that_weeks_complaints(team, clock):
    billing = CategoryFactory(name_vi="Hóa đơn")
    # 25 ordinary weeks of about 2 complaints, then 9 in the last whole week (the c-chart's
    # centre is 2.0 and its upper limit 2 + 3·√2 ≈ 6.24 from the first 20 weeks).
    weekly(team, clock, [2, 1, 3, 2, 2] * 5 + [9], billing)
    clock.set("2026-03-09 09:00")
    assert systemic_spc_scan() == 2
    issue = SystemicIssue.objects.get(category=billing)
    assert issue.source == IssueSource.SPC and issue.complaints.count() == 9
    assert issue.evidence["rules"] == ["we1"] and issue.evidence["ucl"] == "6.243"
    assert issue.scope_key == f"spc:volume:category:{billing.pk}"
    # The whole organisation's chart signals too (the only category), as its own issue.
    assert SystemicIssue.objects.filter(scope_key="spc:volume:all").count() == 1
    # The same week is scanned once; a later week's signal attaches nothing new while open.
    assert systemic_spc_scan() == 0
    assert SpcScan.objects.count() == 1


def test_ordinary_variation_opens_nothing(team, clock):
    weekly(team, clock, [2, 1, 3, 2, 2] * 5 + [3], CategoryFactory())
    clock.set("2026-03-09 09:00")
    assert systemic_spc_scan() == 0
    assert not SystemicIssue.objects.exists()


def test_an_issue_is_given_an_owner_who_can_work_on_it(team):
    issue = systemic_issue_open(actor=Actor.for_user(team.manager), title="a", unit=team.unit)
    with pytest.raises(ValidationFailed) as refused:
        systemic_issue_assign(issue=issue, actor=Actor.for_user(team.manager), owner=team.auditor)
    assert list(refused.value.fields) == ["owner"]
    with pytest.raises(NotPermitted):
        systemic_issue_assign(issue=issue, actor=Actor.for_user(team.handler), owner=team.handler)
    systemic_issue_assign(issue=issue, actor=Actor.for_user(team.manager), owner=team.handler)
    issue.refresh_from_db()
    assert issue.owner == team.handler
    assert issue.events.get(action="issue_assign").data == {"owner": team.handler.pk}


def test_every_recorded_step_has_a_label_for_people(team, admin_actor, clock):
    from redress.improvement.models import ImprovementEvent
    from redress.improvement.transitions import EVENT_LABELS

    rule(admin_actor, threshold=2)
    billing = CategoryFactory()
    assessed(team, receive(team, category=billing).complaint)
    assessed(team, receive(team, category=billing).complaint)
    assessed(team, receive(team, category=billing).complaint)
    capa_for(team)
    assert set(ImprovementEvent.objects.values_list("action", flat=True)) <= set(EVENT_LABELS)


def test_nobody_links_a_complaint_they_may_not_see():
    team, elsewhere = make_team(), make_team()
    hidden = complaint_on(elsewhere, local("2026-03-02 09:00"))
    seen = complaint_on(team, local("2026-03-02 10:00"))
    manager = Actor.for_user(team.manager)
    with pytest.raises(ValidationFailed) as refused:
        systemic_issue_open(actor=manager, title="Lỗi", unit=team.unit, complaints=[seen, hidden])
    assert "complaints" in refused.value.fields
    assert not SystemicIssue.objects.exists()
    issue = systemic_issue_open(actor=manager, title="Lỗi", unit=team.unit, complaints=[seen])
    with pytest.raises(ValidationFailed) as refused:
        systemic_issue_attach(issue=issue, complaint=hidden, actor=manager)
    assert "complaint" in refused.value.fields
    assert list(issue.complaints.all()) == [seen]
    capa = capa_for(team)
    with pytest.raises(ValidationFailed) as refused:
        capa_link_complaint(capa=capa, actor=manager, complaint=hidden)
    assert "complaint" in refused.value.fields
    assert not capa.complaints.filter(pk=hidden.pk).exists()
