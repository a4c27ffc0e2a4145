"""The management framework over the API: the policy and the objectives, read only."""

import datetime as dt

from django.utils import timezone

from redress.core.actors import Actor
from redress.framework.services.objectives import objective_create, objective_record_result
from redress.framework.services.policy import policy_approve, policy_draft

from .conftest import ApiClient


def test_the_policy_in_force_and_its_versions(team, make_token):
    client = ApiClient(make_token(team.handler, ("read",)))
    assert client.get("/policy").json() == {"current": None, "versions": []}
    first = policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="A\nB")
    policy_approve(
        actor=Actor.for_user(team.top), version=first, effective_from=timezone.localdate()
    )
    policy_draft(actor=Actor.for_user(team.manager), title="Chính sách", text="A\nC")
    body = client.get("/policy").json()
    assert body["current"]["number"] == 1 and body["current"]["text"] == "A\nB"
    assert [v["status"] for v in body["versions"]] == ["draft", "approved"]
    second = client.get("/policy/versions/2").json()
    assert {"kind": "removed", "text": "B"} in second["diff"]
    assert {"kind": "added", "text": "C"} in second["diff"]
    assert client.get("/policy/versions/9").status_code == 404
    assert ApiClient(None).get("/policy").status_code == 401


def test_objectives_with_their_results(team, make_token):
    objective = objective_create(
        actor=Actor.for_user(team.manager),
        title="Buổi đào tạo",
        owner=team.manager,
        manual_measure="Buổi",
        direction="higher",
        target="4",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        frequency="yearly",
    )
    objective_record_result(
        actor=Actor.for_user(team.manager), objective=objective, value="3", on=dt.date(2026, 6, 1)
    )
    client = ApiClient(make_token(team.auditor, ("read",)))
    (listed,) = client.get("/objectives").json()
    assert listed["id"] == objective.pk and listed["status"] == "at_risk"
    detail = client.get(f"/objectives/{objective.pk}").json()
    assert [float(r["value"]) for r in detail["results"]] == [3.0]
