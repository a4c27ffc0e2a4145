"""Clusters of similar recent complaints are proposed as a systemic issue, naming them; a
person confirms (the issue opens) or dismisses; nothing is opened by triage."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.handling.testing import make_team, receive
from redress.improvement.models import IssueSource, ProposalStatus, SystemicIssue, SystemicProposal
from redress.improvement.services.proposals import (
    systemic_proposal_confirm,
    systemic_proposal_dismiss,
)
from redress.triage.clusters import clusters_propose, clusters_propose_hourly

pytestmark = pytest.mark.django_db

OUTAGE = [
    ("Mất điện cả khu phố", "Khu phố tôi bị mất điện từ sáng đến giờ, không ai thông báo trước."),
    ("Mat dien ca ngay", "Khu pho bi mat dien tu sang, khong thong bao truoc, tu lanh hong het."),
    (
        "Mất điện không báo trước",
        "Nhà tôi và cả khu phố mất điện từ sáng nay mà không có thông báo.",
    ),
    ("Cúp điện khu phố", "Khu phố mất điện từ sáng, không có thông báo trước, khi nào có điện?"),
    ("Mất điện", "Mất điện từ sáng tới giờ ở khu phố, không thông báo trước."),
]
OTHERS = [
    ("Hoá đơn tính sai", "Tôi bị tính tiền hai lần trong hoá đơn tháng này."),
    ("Nhân viên thô lỗ", "Nhân viên tổng đài nói chuyện thô lỗ với tôi."),
    ("Giao hàng chậm", "Kiện hàng giao chậm một tuần."),
]


@pytest.fixture
def team():
    return make_team()


def complain(team, texts, *, people=None, days_ago=1):
    made = []
    for i, (subject, description) in enumerate(texts):
        person = people[i % len(people)] if people else ComplainantFactory()
        complaint = receive(
            team, complainant=person, subject=subject, description=description
        ).complaint
        Complaint.objects.filter(pk=complaint.pk).update(
            received_at=timezone.now() - dt.timedelta(days=days_ago, minutes=i)
        )
        made.append(complaint)
    return made


def test_five_like_complaints_from_five_people_are_proposed_and_nothing_is_opened(team):
    outage = complain(team, OUTAGE)
    complain(team, OTHERS)
    (proposal,) = clusters_propose()
    assert set(proposal.complaints.all()) == set(outage)
    assert proposal.status == ProposalStatus.PENDING
    assert "5 khiếu nại tương tự trong 7 ngày" in proposal.title
    assert set(proposal.evidence["complaints"]) == {c.reference for c in outage}
    assert proposal.evidence["size"] == 5 and proposal.evidence["days"] == 7
    assert not SystemicIssue.objects.exists()
    # Looked for again: the same complaints are not proposed twice.
    assert clusters_propose() == []
    # A sixth like complaint joins the proposal still waiting.
    (sixth,) = complain(team, [("Mất điện khu phố", "Khu phố mất điện từ sáng, không báo trước.")])
    assert clusters_propose() == [proposal]
    assert sixth in proposal.complaints.all() and SystemicProposal.objects.count() == 1


def test_too_few_too_old_or_from_too_few_people_are_not_proposed(team):
    complain(team, OUTAGE[:4] + OTHERS)
    assert clusters_propose() == []
    Complaint.objects.all().delete()
    complain(team, OUTAGE, days_ago=8)
    assert clusters_propose() == []
    Complaint.objects.all().delete()
    complain(team, OUTAGE + OTHERS, people=[ComplainantFactory(), ComplainantFactory()])
    assert clusters_propose() == []


def test_a_manager_confirms_and_the_issue_opens_with_the_complaints_named(team):
    outage = complain(team, OUTAGE)
    (proposal,) = clusters_propose()
    with pytest.raises(NotPermitted):
        systemic_proposal_confirm(
            proposal=proposal, actor=Actor.for_user(team.handler), title="Mất điện"
        )
    issue = systemic_proposal_confirm(
        proposal=proposal, actor=Actor.for_user(team.manager), title="Mất điện khu phố"
    )
    assert issue.source == IssueSource.SIMILAR and issue.title == "Mất điện khu phố"
    assert set(issue.complaints.all()) == set(outage)
    assert issue.evidence["proposal"] == proposal.reference
    proposal.refresh_from_db()
    assert (proposal.status, proposal.issue, proposal.decided_by) == (
        ProposalStatus.CONFIRMED,
        issue,
        team.manager,
    )
    with pytest.raises(Conflict):
        systemic_proposal_confirm(
            proposal=proposal, actor=Actor.for_user(team.manager), title="Lần nữa"
        )
    assert clusters_propose() == []


def test_a_dismissal_needs_a_reason_and_only_new_complaints_are_proposed_again(team):
    complain(team, OUTAGE)
    (proposal,) = clusters_propose()
    manager = Actor.for_user(team.manager)
    with pytest.raises(ValidationFailed):
        systemic_proposal_dismiss(proposal=proposal, actor=manager, reason=" ")
    systemic_proposal_dismiss(proposal=proposal, actor=manager, reason="Sự cố đã biết, đã xử lý")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED and proposal.reason
    assert clusters_propose() == []
    later = complain(team, OUTAGE, days_ago=0)
    (again,) = clusters_propose()
    assert again != proposal and set(later) <= set(again.complaints.all())
    assert not SystemicIssue.objects.exists()


def test_the_periodic_job_looks_once_an_hour(team):
    complain(team, OUTAGE)
    now = timezone.now()
    assert clusters_propose_hourly(now=now) == 1
    complain(team, OUTAGE, days_ago=0)
    assert clusters_propose_hourly(now=now + dt.timedelta(minutes=1)) == 0
    assert clusters_propose_hourly(now=now + dt.timedelta(hours=1)) == 1
