"""The workspace's assessment (ISO 10002 7.5, 4.8; REQ-VN-3): the matrix's proposal in the form,
the reason asked for another priority, public interest and the fee shown, mediation withheld."""

import pytest
from django.urls import reverse
from django.utils import translation

from redress.backoffice.forms.actions import EXTERNAL_BODIES
from redress.complaints.models import Complaint, Priority, Status
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state

pytestmark = pytest.mark.django_db


def act_url(complaint, action):
    return reverse("backoffice:act", args=[complaint.reference, action])


def _assessed(complaint, team, **values):
    return services.complaint_assess(
        complaint=complaint, actor=Actor.for_user(team.handler), **values
    )


def test_the_form_offers_the_matrix_proposal(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team, health_safety=True)
    form = (
        signed_in(team.handler)
        .get(act_url(complaint, "assess"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    # Health or safety: the proposal is urgent whatever the severity.
    with translation.override("vi"):
        assert f"({Priority.URGENT.label})</option>" in form
    assert "data-priority-matrix" in form
    assert 'name="priority_reason"' in form


def test_left_blank_the_priority_follows_the_chosen_severity_and_impact(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    response = signed_in(team.handler).post(
        act_url(complaint, "assess"),
        {"classification": "complaint", "severity": "critical", "impact": "high", "priority": ""},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).priority == "urgent"


def test_another_priority_without_reason_is_refused_at_the_field(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    client = signed_in(team.handler)
    values = {"classification": "complaint", "severity": "low", "impact": "low"}
    response = client.post(
        act_url(complaint, "assess"), {**values, "priority": "urgent"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="action-form"' in body and "priority_reason" in body
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED
    response = client.post(
        act_url(complaint, "assess"),
        {**values, "priority": "urgent", "priority_reason": "Báo chí đã đưa tin"},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).priority == "urgent"


def test_public_interest_and_fee_are_shown_on_the_workspace(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    client = signed_in(team.handler)
    response = client.post(
        act_url(complaint, "assess"),
        {
            "classification": "complaint",
            "severity": "medium",
            "public_interest": "on",
            "fee_amount": "8990000",
            "fee_waived": "on",
            "fee_waived_reason": "Hộ nghèo",
        },
    )
    assert response.status_code == 302
    with translation.override("vi"):
        page = client.get(reverse("backoffice:complaint", args=[complaint.reference]))
    body = page.content.decode()
    assert 'id="public-interest"' in body
    assert "8.990.000 ₫" in body and "Hộ nghèo" in body


def test_the_referral_form_leaves_mediation_out_for_public_interest(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    _assessed(complaint, team, public_interest=True)
    for step in ("investigate", "propose", "approve", "communicate", "reject"):
        complaint = advance(complaint, team, step)
    client = signed_in(team.manager)
    form = client.get(act_url(complaint, "refer_external"), HTTP_HX_REQUEST="true").content.decode()
    suggestions = form[form.index('<datalist id="external-bodies">') :].split("</datalist>")[0]
    assert suggestions.count("<option") == len(EXTERNAL_BODIES) - 1
    assert "mediation" not in suggestions and "hòa giải" not in suggestions
    response = client.post(
        act_url(complaint, "refer_external"),
        {"provider": "Trung tâm hòa giải thương mại", "consent": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW
