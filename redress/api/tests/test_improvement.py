"""Systemic issues and CAPA over /api/v1: the same scopes and role rules as complaints, the
refusals in the error shape, and the whole path from an issue to a verified CAPA."""

import datetime as dt

import pytest

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import make_team, receive
from redress.improvement.models import Capa, CapaStatus, IssueStatus, SystemicIssue
from redress.improvement.services import capa_task_add, systemic_issue_open
from redress.improvement.tests.helpers import capa_for, cause
from redress.sla.testing import frozen_clock

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy(db):
    cause("people")  # the seeded causes, again if a transactional test emptied the tables


@pytest.fixture
def as_(make_token):
    def client(user, scopes=("read", "write", "actions"), language="en"):
        return ApiClient(make_token(user, scopes), language)

    return client


def test_a_manager_opens_an_issue_and_a_capa_from_it_and_sees_them_listed(team, as_):
    complaint = receive(team).complaint
    manager = as_(team.manager)
    opened = manager.post(
        "/systemic-issues",
        {"title": "Trừ tiền hai lần", "unit": team.unit.code, "complaints": [complaint.reference]},
    )
    assert opened.status_code == 201, opened.json()
    issue = opened.json()
    assert issue["complaints"] == [complaint.reference] and issue["status"] == "open"
    capa = manager.post(
        "/capa",
        {
            "title": "Chống gửi lệnh thanh toán hai lần",
            "type": "corrective",
            "source": "systemic_issue",
            "source_issue": issue["id"],
            "owner": team.handler.username,
            "unit": team.unit.code,
            "cause": "system-outage",
        },
    )
    assert capa.status_code == 201, capa.json()
    assert capa.json()["status"] == "draft" and capa.json()["complaints"] == [complaint.reference]
    assert manager.get(f"/systemic-issues/{issue['id']}").json()["status"] == "action"
    listed = manager.get("/capa", {"status": "draft"}).json()
    assert [c["reference"] for c in listed["items"]] == [capa.json()["reference"]]
    assert [i["id"] for i in manager.get("/systemic-issues").json()["items"]] == [issue["id"]]


def test_the_capa_lifecycle_over_the_api_with_its_gates(team, as_):
    with frozen_clock("2026-03-09 09:00") as clock:
        manager, owner = as_(team.manager), as_(team.handler)
        capa = manager.post(
            "/capa",
            {
                "title": "Đào tạo lại",
                "type": "corrective",
                "source": "suggestion",
                "source_note": "Góp ý",
                "owner": team.handler.username,
                "unit": team.unit.code,
                "category": "",
                "cause": "people-training",
                "check_window_days": 7,
            },
        ).json()
        path = f"/capa/{capa['id']}/actions"
        refused = owner.post(f"{path}/start", {})
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "transition_not_allowed"
        no_plan = owner.post(f"{path}/plan", {"plan": "", "due_working_days": 5})
        assert no_plan.status_code == 422 and "plan" in no_plan.json()["error"]["fields"]
        planned = owner.post(f"{path}/plan", {"plan": "Tập huấn", "due_working_days": 5}).json()
        assert planned["status"] == "planned" and planned["due_at"].startswith("2026-03-16")
        assert owner.post(f"{path}/start", {}).json()["status"] == "in_progress"
        assert owner.post(f"{path}/implement", {}).json()["status"] == "implemented"
        early = manager.post(f"{path}/check", {})
        assert early.status_code == 409
        clock.set("2026-03-17 09:00")
        checked = manager.post(f"{path}/check", {}).json()
        assert checked["status"] == "effectiveness_check"
        assert checked["check_figures"]["baseline"] == 0 and checked["proposed_effective"] is True
        own = owner.post(f"{path}/verify", {"effective": True})
        assert own.status_code == 403  # a handler may not verify, least of all their own CAPA
        closed = manager.post(f"{path}/verify", {"effective": True}).json()
        assert closed["status"] == "closed" and closed["verifier"] == team.manager.username
        reopen = manager.post(f"{path}/reopen", {"reason": ""})
        assert reopen.status_code == 422 and "reason" in reopen.json()["error"]["fields"]


def test_scopes_and_roles_decide_as_for_complaints(team, as_):
    issue = systemic_issue_open(actor=Actor.for_user(team.manager), title="x", unit=team.unit)
    read_only = as_(team.manager, scopes=("read",))
    assert read_only.get(f"/systemic-issues/{issue.pk}").status_code == 200
    refused = read_only.post(
        f"/systemic-issues/{issue.pk}/decision", {"decision": "no_action", "reason": "x"}
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope"
    handler = as_(team.handler).post(
        f"/systemic-issues/{issue.pk}/decision", {"decision": "no_action", "reason": "x"}
    )
    assert handler.status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
    # An issue of another unit is not found for this unit's manager; the auditor reads it.
    other = make_team(UnitFactory())
    theirs = systemic_issue_open(actor=Actor.for_user(other.manager), title="y", unit=other.unit)
    assert as_(team.manager).get(f"/systemic-issues/{theirs.pk}").status_code == 404
    assert as_(team.auditor).get(f"/systemic-issues/{theirs.pk}").status_code == 200
    assert as_(team.auditor).post("/systemic-issues", {"title": "z"}).status_code == 403
    assert SystemicIssue.objects.count() == 2


def test_refusals_name_the_field_in_the_callers_language(team, as_):
    vi = as_(team.manager, language="vi")
    missing = vi.post(
        "/capa",
        {
            "title": "x",
            "type": "corrective",
            "source": "suggestion",
            "owner": team.handler.username,
            "unit": team.unit.code,
        },
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == {"source_note": ["Trường này là bắt buộc."]}
    unknown = vi.post(
        "/capa",
        {
            "title": "x",
            "type": "corrective",
            "source": "suggestion",
            "source_note": "y",
            "owner": "nobody",
            "unit": team.unit.code,
        },
    )
    assert list(unknown.json()["error"]["fields"]) == ["owner"]
    assert not Capa.objects.exists()


def test_tasks_and_links_over_the_api(team, as_):
    manager, owner = as_(team.manager), as_(team.handler)
    capa = manager.post(
        "/capa",
        {
            "title": "x",
            "type": "preventive",
            "source": "suggestion",
            "source_note": "y",
            "owner": team.handler.username,
            "unit": team.unit.code,
        },
    ).json()
    added = owner.post(
        f"/capa/{capa['id']}/tasks",
        {"title": "Sửa biểu mẫu", "owner": team.frontline.username, "due_on": "2999-01-01"},
    )
    assert added.status_code == 201
    task = added.json()["tasks"][0]
    done = as_(team.frontline).post(f"/capa/{capa['id']}/tasks/{task['id']}/done", {})
    assert done.status_code == 200 and done.json()["tasks"][0]["done_at"]
    complaint = receive(team).complaint
    linked = owner.post(f"/capa/{capa['id']}/complaints", {"reference": complaint.reference})
    assert linked.json()["complaints"] == [complaint.reference]
    assert Capa.objects.get().status == CapaStatus.DRAFT


def test_the_openapi_document_describes_the_improvement_endpoints(team, as_):
    paths = as_(team.manager).get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/systemic-issues",
        "/api/v1/systemic-issues/{issue_id}",
        "/api/v1/systemic-issues/{issue_id}/decision",
        "/api/v1/capa",
        "/api/v1/capa/{capa_id}",
        "/api/v1/capa/{capa_id}/actions/{action}",
        "/api/v1/capa/{capa_id}/tasks",
    ):
        assert path in paths, path


def test_the_lists_are_for_readers_and_a_capa_step_asks_the_role_before_the_state(team, as_):
    """Frontline staff and the administrator, who read no improvement records, get 403 for
    the lists (as on the staff site) where they used to get an empty 200; a CAPA step the
    person's role may not take is a 403 before the CAPA's state is looked at (it was a 409
    naming the state)."""
    admin = staff(Role.ADMIN, team.unit)
    for person in (team.frontline, admin):
        for path in ("/systemic-issues", "/capa"):
            assert as_(person).get(path).status_code == 403, (person, path)
    capa = capa_for(team)
    for person in (team.top, team.auditor):
        assert as_(person).post(f"/capa/{capa.pk}/actions/start", {}).status_code == 403
    assert as_(team.handler).post(f"/capa/{capa.pk}/actions/start", {}).status_code == 409
    # A frontline person holding a task of a CAPA sees it in the list.
    capa_task_add(
        capa=capa,
        actor=Actor.for_user(team.manager),
        title="Gọi lại khách hàng",
        owner=team.frontline,
        due_on=dt.date.today() + dt.timedelta(days=7),
    )
    listed = as_(team.frontline).get("/capa")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["items"]] == [capa.pk]
