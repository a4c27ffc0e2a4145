"""GET /api/v1/audits and /api/v1/audits/{reference}: checked against the same roles as the
staff site."""

import pytest

from redress.core.actors import Actor
from redress.framework.services.audit_sample import audit_sample_draw
from redress.framework.services.audits import audit_finding_record
from redress.framework.tests.audit_helpers import auditor, closed_complaints, started
from redress.handling.testing import make_team
from redress.integrations.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team()


def bearer(user):
    raw = token_create(actor=Actor.system("test"), user=user, name="t", scopes=["read"]).raw
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_reads_the_programme_and_one_audit(client, team):
    closed_complaints(team, 4)
    person = auditor(team)
    audit = started(team, person)
    audit_sample_draw(audit=audit, actor=Actor.for_user(person), size=2, seed=3)
    finding = audit_finding_record(
        audit=audit, actor=Actor.for_user(person), type="major_nc", statement="Thiếu hồ sơ"
    )
    listing = client.get("/api/v1/audits?year=2026", headers=bearer(team.manager))
    assert listing.status_code == 200
    assert [a["reference"] for a in listing.json()["items"]] == ["IA-2026-001"]
    detail = client.get("/api/v1/audits/IA-2026-001", headers=bearer(team.top)).json()
    assert detail["status"] == "in_progress"
    assert detail["auditors"] == [person.username]
    assert len(detail["sample"]["items"]) == 2
    assert detail["sample"]["seed"] == 3
    assert detail["findings"][0]["capa"] == finding.capa.reference
    assert len(detail["checklist"]) == audit.questions.count()


def test_the_api_refuses_roles_that_do_not_read_audits(client, team):
    started(team, auditor(team))
    assert client.get("/api/v1/audits", headers=bearer(team.handler)).status_code == 403
    assert (
        client.get("/api/v1/audits/IA-2026-001", headers=bearer(team.frontline)).status_code == 403
    )
    assert client.get("/api/v1/audits/IA-2026-999", headers=bearer(team.auditor)).status_code == 404
    assert client.get("/api/v1/audits").status_code == 401
