"""POST .../actions/assess (ISO 10002 7.5, 4.8; REQ-VN-3): the matrix's proposal, the reason for
another priority, public interest and the fee, in and out of the API."""

from __future__ import annotations

import pytest

from redress.api.tests.conftest import error_of
from redress.complaints.models import Complaint, Status
from redress.handling.testing import advance, complaint_in_state

pytestmark = pytest.mark.django_db


def _assess(api, complaint, body, status=200):
    response = api.post(f"/complaints/{complaint.reference}/actions/assess", body)
    assert response.status_code == status, response.content
    return response.json()


def test_left_out_the_priority_is_proposed_by_the_matrix(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    body = _assess(api_as(team.handler), complaint, {"severity": "low", "impact": "low"})
    assert body["priority"] == "low"
    assert body["fee"] == {"amount": 0, "waived": False, "waived_reason": ""}
    assert body["public_interest"] is False


def test_another_priority_needs_a_reason_in_vietnamese(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    api = api_as(team.handler)
    api.language = "vi"
    response = api.post(
        f"/complaints/{complaint.reference}/actions/assess",
        {"severity": "low", "impact": "low", "priority": "urgent"},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert "priority_reason" in error["fields"]
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED
    body = _assess(
        api,
        complaint,
        {
            "severity": "low",
            "impact": "low",
            "priority": "urgent",
            "priority_reason": "Nhiều khách hàng cùng bị ảnh hưởng",
        },
    )
    assert body["priority"] == "urgent"
    event = next(e for e in body["events"] if e["action"] == "assess")
    assert event["data"]["priority_reason"] == "Nhiều khách hàng cùng bị ảnh hưởng"


def test_public_interest_and_fee_in_and_out(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    body = _assess(
        api_as(team.handler),
        complaint,
        {
            "public_interest": True,
            "fee_amount": 8990000,
            "fee_waived": True,
            "fee_waived_reason": "Người khiếu nại thuộc hộ nghèo",
        },
    )
    assert body["public_interest"] is True
    assert body["fee"] == {
        "amount": 8990000,
        "waived": True,
        "waived_reason": "Người khiếu nại thuộc hộ nghèo",
    }


def test_a_mediation_referral_of_a_public_interest_complaint_is_422(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    _assess(api_as(team.handler), complaint, {"public_interest": True})
    for step in ("investigate", "propose", "approve", "communicate", "reject"):
        complaint = advance(complaint, team, step)
    response = api_as(team.manager).post(
        f"/complaints/{complaint.reference}/actions/refer_external",
        {"provider": "Commercial mediation centre", "consent": True},
    )
    assert response.status_code == 422
    assert "provider" in error_of(response)["fields"]


def test_the_schema_documents_the_new_fields(api_as, team):
    schema = api_as(team.handler).get("/openapi.json").json()
    assess = schema["components"]["schemas"]["AssessIn"]["properties"]
    assert {"priority_reason", "public_interest", "fee_amount", "fee_waived"} <= set(assess)
    assert "matrix" in assess["priority"]["description"]
    detail = schema["components"]["schemas"]["ComplaintDetail"]["properties"]
    assert {"public_interest", "fee"} <= set(detail)
