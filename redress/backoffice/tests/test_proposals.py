"""Proposed systemic issues in the back office: listed on the systemic issues page, each with
its complaints and why it is proposed; a complaints manager confirms (the issue opens) or
dismisses with a reason; others may read, not decide."""

import pytest
from django.urls import reverse

from redress.core.actors import Actor
from redress.core.models import User
from redress.handling.testing import make_team, receive
from redress.improvement.models import IssueSource, ProposalStatus, SystemicIssue
from redress.improvement.services.proposals import systemic_proposal_make

pytestmark = pytest.mark.django_db


def english(user):
    User.objects.filter(pk=user.pk).update(language="en")
    return user


@pytest.fixture
def proposal(team):
    complaints = [
        receive(team, subject=f"Mất điện khu phố {i}", description="Mất điện từ sáng.").complaint
        for i in range(5)
    ]
    return systemic_proposal_make(
        actor=Actor.system("triage"),
        title="5 similar complaints in 7 days: Mất điện khu phố",
        complaints=complaints,
        at_least=5,
        evidence={
            "size": 5,
            "days": 7,
            "likeness": 0.6,
            "complaints": {c.reference: 0.9 for c in complaints},
        },
    )


def test_the_issues_page_lists_the_proposals_and_their_page_names_the_complaints(
    team, signed_in, proposal
):
    client = signed_in(english(team.manager))
    body = client.get(reverse("backoffice:issues")).content.decode()
    assert "Proposed from similar complaints" in body and proposal.reference in body
    assert "5 complaints" in body
    page = client.get(reverse("backoffice:proposal", args=[proposal.pk])).content.decode()
    for complaint in proposal.complaints.all():
        assert complaint.reference in page
    assert "received within 7 days" in page
    assert "Confirm and open the issue" in page and "Dismiss the proposal" in page


def test_a_manager_confirms_and_lands_on_the_issue_opened(team, signed_in, proposal):
    client = signed_in(team.manager)
    response = client.post(
        reverse("backoffice:proposal_confirm", args=[proposal.pk]),
        {"title": "Mất điện diện rộng"},
    )
    issue = SystemicIssue.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "backoffice:issue", args=[issue.pk]
    )
    assert issue.source == IssueSource.SIMILAR and issue.complaints.count() == 5
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    again = client.post(
        reverse("backoffice:proposal_confirm", args=[proposal.pk]), {"title": "Lần nữa"}
    )
    assert again.status_code == 409 and SystemicIssue.objects.count() == 1


def test_a_dismissal_needs_a_reason(team, signed_in, proposal):
    client = signed_in(team.manager)
    url = reverse("backoffice:proposal_dismiss", args=[proposal.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "Sự cố đã biết"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (ProposalStatus.DISMISSED, "Sự cố đã biết")
    assert not SystemicIssue.objects.exists()


def test_a_handler_reads_but_may_not_decide_and_another_units_complaints_stay_hidden(
    team, signed_in, proposal
):
    client = signed_in(english(team.handler))
    page = client.get(reverse("backoffice:proposal", args=[proposal.pk])).content.decode()
    assert "Confirm and open the issue" not in page
    confirm = client.post(
        reverse("backoffice:proposal_confirm", args=[proposal.pk]), {"title": "x"}
    )
    assert confirm.status_code == 403 and not SystemicIssue.objects.exists()
    outsider = make_team()
    page = (
        signed_in(english(outsider.handler))
        .get(reverse("backoffice:proposal", args=[proposal.pk]))
        .content.decode()
    )
    assert proposal.complaints.first().reference not in page
    assert "outside what you may see" in page
    assert (
        signed_in(team.frontline)
        .get(reverse("backoffice:proposal", args=[proposal.pk]))
        .status_code
        == 403
    )
