"""Data-subject requests over the API (docs/privacy.md): the data-protection officer's token
records one and reads it back with its clocks; others are refused; bad input names its field
and records nothing."""

from __future__ import annotations

import pytest

from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import receive
from redress.privacy.models import DataSubjectRequest
from redress.sla.testing import end_of, frozen_clock

from .conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(team):
    return staff(Role.DPO, team.unit, username="baove")


def test_the_dpo_records_a_request_and_reads_it_back(team, dpo, api_as):
    complaint = receive(team).complaint
    api = api_as(dpo)
    with frozen_clock("2026-03-13 10:00"):
        created = api.post(
            "/privacy/requests",
            {
                "kind": "objection",
                "complaints": [complaint.reference],
                "verification": "one_time_code",
                "processor_involved": True,
            },
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == "YC-2026-0001" and body["channel"] == "api"
    assert body["status"] == "verified" and body["complaints"] == [complaint.reference]
    # Friday 13 March: 2 working days (Mon 16, Tue 17); 20 days with a processor: Thu 2 April.
    stored = DataSubjectRequest.objects.get()
    assert stored.first_response_due_at == end_of("2026-03-17")
    assert body["first_response_due_at"] == "2026-03-17T17:00:00Z"  # 24:00 in Hà Nội, in UTC
    assert stored.completion_due_at == end_of("2026-04-02")
    read = api.get(f"/privacy/requests/{body['reference']}")
    assert read.status_code == 200 and read.json()["events"][0]["action"] == "receive"
    assert "contact_email" not in read.json()
    assert api_as(team.auditor).get(f"/privacy/requests/{body['reference']}").status_code == 200
    assert api.get("/privacy/requests/YC-2026-0099").status_code == 404


def test_others_are_refused_and_bad_input_names_its_field(team, dpo, api_as):
    body = {"kind": "access", "contact_email": "mai@example.test"}
    assert api_as(team.manager).post("/privacy/requests", body).status_code == 403
    assert api_as(team.manager).get("/privacy/requests/YC-2026-0001").status_code == 403
    assert api_as(dpo, scopes=["read"]).post("/privacy/requests", body).status_code == 403
    api = api_as(dpo)
    unknown = api.post("/privacy/requests", {**body, "complaints": ["KN-2026-999999"]})
    assert unknown.status_code == 422 and "references" in error_of(unknown)["fields"]
    nobody = api.post("/privacy/requests", {"kind": "access"})
    assert nobody.status_code == 422 and "contact_email" in error_of(nobody)["fields"]
    wrong = api.post("/privacy/requests", {**body, "kind": "everything"})
    assert wrong.status_code == 422
    assert not DataSubjectRequest.objects.exists()
