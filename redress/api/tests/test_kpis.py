"""GET /api/v1/kpis: the catalogue over a period, scoped to the token's person, and refusals
that name the parameter."""

from __future__ import annotations

import pytest

from redress.complaints.models import Status
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db


def test_kpis_over_a_period_for_what_the_person_may_see(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    complaint_in_state(Status.RECEIVED, make_team())  # another unit
    day = complaint.received_at.astimezone().date().isoformat()

    answer = api_as(team.handler, ["read"]).get("/kpis", {"from": day, "to": day})

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["from"], body["to"]) == (day, day)
    kpis = {k["code"]: k for k in body["kpis"]}
    assert kpis["volume"]["value"] == 1
    assert kpis["ack_on_time_pct"] | {"name": "", "formula": ""} == {
        "code": "ack_on_time_pct",
        "name": "",
        "formula": "",
        "value": 100.0,
        "numerator": 1,
        "denominator": 1,
        "unit": "percent",
        "better": "higher",
        "period_based": True,
    }
    assert kpis["backlog_0_7"]["period_based"] is False
    top = api_as(team.top, ["read"]).get("/kpis", {"from": day, "to": day, "kpi": "volume"})
    assert [k["code"] for k in top.json()["kpis"]] == ["volume"]
    assert top.json()["kpis"][0]["value"] == 2


def test_names_follow_the_language_asked_for(team, api_as):
    answer = api_as(team.manager, ["read"], language="vi").get("/kpis", {"kpi": "volume"})
    english = api_as(team.manager, ["read"]).get("/kpis", {"kpi": "volume"})
    assert english.json()["kpis"][0]["name"] == "Complaints received"
    assert answer.json()["kpis"][0]["name"] != "Complaints received"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kpi": "volume,happiness"}, "kpi"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "to"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"category": "no-such-category"}, "category"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(team, api_as, params, field):
    answer = api_as(team.manager, ["read"]).get("/kpis", params)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["error"]["fields"], answer.json()


def test_refusals_are_in_vietnamese_by_default(team, api_as):
    answer = api_as(team.manager, ["read"], language="vi").get(
        "/kpis", {"from": "2026-03-31", "to": "2026-03-01"}
    )
    assert answer.json()["error"]["fields"]["to"] == ["Ngày kết thúc kỳ trước ngày bắt đầu."]


def test_a_person_without_an_analytics_role_is_refused(team, api_as):
    frontline_only = staff(Role.FRONTLINE, team.unit)
    assert api_as(frontline_only, ["read"]).get("/kpis").status_code == 403
    assert api_as(None).get("/kpis").status_code == 401


def test_the_kpis_are_in_the_openapi_document(team, api_as):
    schema = api_as(None).get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/kpis"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "unit", "kpi"}


def test_a_breakdown_with_its_drill_down_queries(team, api_as):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    day = complaint.received_at.astimezone().date().isoformat()

    answer = api_as(team.manager, ["read"]).get(
        "/analytics/pareto_channel", {"from": day, "to": day}
    )

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["code"], body["chart"], body["from"]) == ("pareto_channel", "pareto", day)
    assert [c["key"] for c in body["columns"]] == ["count", "share", "cumulative"]
    assert body["rows"][0]["values"] == {"count": 1, "share": 100.0, "cumulative": 100.0}
    assert body["rows"][0]["drill"]["count"]["measure"] == "volume"
    assert body["summary"]


def test_an_unknown_breakdown_is_a_422_naming_it(team, api_as):
    answer = api_as(team.manager, ["read"]).get("/analytics/pareto_mood")
    assert answer.status_code == 422
    assert "breakdown" in answer.json()["error"]["fields"]
