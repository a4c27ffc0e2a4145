"""The OpenAPI document says what the server checks, no less (issue 16, finding 11): a client
that follows the schema is not refused, and what the schema forbids is refused with a 422."""

import pytest

from redress.api.tests.conftest import complaint_body, error_of
from redress.complaints.models import Status
from redress.handling.testing import complaint_in_state


@pytest.fixture
def openapi(api_as):
    return api_as(None).get("/openapi.json").json()["components"]["schemas"]


def _any_of_required(schema):
    return [alternative.get("required", []) for alternative in schema["anyOf"]]


def test_the_schema_requires_a_way_to_reach_the_complainant(openapi):
    assert _any_of_required(openapi["ComplainantIn"]) == [["email"], ["phone"], ["address"]]


def test_a_complainant_without_a_way_to_reach_them_is_refused(team, api_as):
    body = complaint_body(complainant={"full_name": "Lê Văn Tám", "email": " ", "phone": ""})
    response = api_as(team.frontline).post("/complaints", body)
    assert response.status_code == 422
    assert "complainant.email" in error_of(response)["fields"]


def test_the_schema_requires_an_owner_or_a_unit(openapi):
    assert _any_of_required(openapi["AssignIn"]) == [["owner"], ["unit"]]


def test_an_assignment_of_nobody_is_refused_by_the_schema(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    url = f"/complaints/{complaint.reference}/actions/assign"
    for body in ({}, {"owner": "", "unit": None}, {"owner": "  "}):
        response = api_as(team.manager).post(url, body)
        assert response.status_code == 422, body
        assert "owner" in error_of(response)["fields"]


def test_the_schema_requires_a_note_when_the_clock_waits_for_something_else(openapi):
    pause = openapi["PauseIn"]
    assert pause["anyOf"][0] == {"properties": {"reason": {"not": {"const": "other"}}}}
    assert pause["anyOf"][1]["required"] == ["note"]


def test_a_pause_for_another_reason_without_a_note_is_refused(team, api_as):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    url = f"/complaints/{complaint.reference}/actions/pause"
    refused = api_as(team.handler).post(url, {"reason": "other", "note": " "})
    assert refused.status_code == 422 and "note" in error_of(refused)["fields"]
    accepted = api_as(team.handler).post(url, {"reason": "other", "note": "Bản sao hợp đồng"})
    assert accepted.status_code == 200, accepted.json()


def test_the_schema_gives_the_cursor_its_format(openapi, api_as, team):
    params = {
        p["name"]: p
        for p in api_as(None)
        .get("/openapi.json")
        .json()["paths"]["/api/v1/complaints"]["get"]["parameters"]
    }
    assert params["cursor"]["schema"]["pattern"] == "^[A-Za-z0-9_-]*$"
    response = api_as(team.manager).get("/complaints", {"cursor": "not a cursor!"})
    assert response.status_code == 422 and "cursor" in error_of(response)["fields"]


@pytest.mark.parametrize("amount", [False, True, "5", 5.5])
def test_an_amount_that_is_not_a_whole_number_is_refused_not_read_as_one(team, api_as, amount):
    response = api_as(team.frontline).post("/complaints", complaint_body(amount_claimed=amount))
    assert response.status_code == 422
    assert "amount_claimed" in error_of(response)["fields"]


def test_a_remedy_amount_of_false_is_refused(team, api_as):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    url = f"/complaints/{complaint.reference}/actions/propose_decision"
    body = {
        "outcome": "upheld",
        "summary": "Hoàn tiền",
        "reasons": "Tính trùng",
        "remedies": [{"type": "refund", "amount": False}],
    }
    response = api_as(team.handler).post(url, body)
    assert response.status_code == 422
    assert any(name.startswith("remedies") for name in error_of(response)["fields"])


def test_flags_of_a_body_are_booleans_only(team, api_as):
    response = api_as(team.frontline).post("/complaints", complaint_body(health_safety=1))
    assert response.status_code == 422 and "health_safety" in error_of(response)["fields"]


def test_the_document_is_built_once_per_language_and_served_the_same(api_as, monkeypatch):
    """Building the document walks every operation (about a second of CPU): fetching it again,
    signed in or not, reads the one built."""
    import ninja.main

    from redress.api.api import api

    built = []
    build = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kw: built.append(1) or build(**kw))
    api.__dict__.pop("_openapi_built", None)
    first = api_as(None).get("/openapi.json")
    again = api_as(None).get("/openapi.json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and "/api/v1/complaints" in first.json()["paths"]
    assert len(built) == 1
