"""Role × page matrix: each role sees and can do exactly what the gate and the lifecycle allow
(404 for what it cannot see, 403 for what its role may not do), and a refused action changes
nothing: not the complaint, its record, its messages, decisions or the audit trail."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints.models import Complaint, Status
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db

PEOPLE = ["frontline", "handler", "manager", "top", "auditor", "admin", "outsider"]

# action: (state it is tried in, form data, the people who may take it)
ACTIONS = {
    "acknowledge": (Status.RECEIVED, {}, {"frontline", "handler", "manager"}),
    "assess": (
        Status.ACKNOWLEDGED,
        {"classification": "complaint", "severity": "medium", "priority": "normal"},
        {"handler", "manager"},
    ),
    "start_investigation": (Status.ASSESSED, {"plan": "Gọi khách"}, {"handler", "manager"}),
    "propose_decision": (
        Status.INVESTIGATING,
        {
            "outcome": "upheld",
            "summary": "Hoàn tiền",
            "reasons": "Tính sai",
            "remedies-TOTAL_FORMS": "1",
            "remedies-INITIAL_FORMS": "0",
            "remedies-0-type": "refund",
            "remedies-0-amount": "200000",
        },
        {"handler", "manager"},
    ),
    "approve_decision": (Status.DECISION_PROPOSED, {}, {"manager", "top"}),
    "return_decision": (Status.DECISION_PROPOSED, {"reason": "Thiếu chứng từ"}, {"manager", "top"}),
    "communicate_decision": (Status.DECISION_APPROVED, {"via": "email"}, {"handler", "manager"}),
    "record_reaction": (
        Status.DECISION_COMMUNICATED,
        {"reaction": "accepted"},
        {"frontline", "handler", "manager"},
    ),
    "escalate": (
        Status.DECISION_COMMUNICATED,
        {"reason": "Khách không đồng ý"},
        {"handler", "manager"},
    ),
    "refer_external": (
        Status.UNDER_REVIEW,
        {"provider": "Sở Công Thương", "consent": "on"},
        {"manager"},
    ),
    "close": (Status.NOT_ACCEPTED, {"note": "Đã giải thích cho khách"}, {"handler", "manager"}),
    "reopen": (Status.CLOSED, {"reason": "Có chứng cứ mới"}, {"manager"}),
    "rate": (
        Status.CLOSED,
        {"overall": "4", "speed": "3", "comment": "Khách trả lời qua điện thoại"},
        {"frontline", "handler", "manager"},
    ),
    "withdraw": (
        Status.RECEIVED,
        {"reason": "Khách tự giải quyết"},
        {"frontline", "handler", "manager"},
    ),
    "add_note": (
        Status.RECEIVED,
        {"body": "Đã gọi khách"},
        {"frontline", "handler", "manager", "top"},
    ),
    "add_message": (
        Status.RECEIVED,
        {"channel": "phone", "body": "Đã gọi điện trả lời"},
        {"frontline", "handler", "manager"},
    ),
    "prioritise": (Status.RECEIVED, {"priority": "high"}, {"handler", "manager"}),
    "pause": (
        Status.RECEIVED,
        {"reason": "third_party", "note": "Chờ đối tác"},
        {"handler", "manager"},
    ),
}


@pytest.fixture
def world():
    team = make_team()
    people = {
        "frontline": team.frontline,
        "handler": team.handler,
        "manager": team.manager,
        "top": team.top,
        "auditor": team.auditor,
        "admin": staff(Role.ADMIN, team.unit),
        "outsider": staff(Role.HANDLER, UnitFactory()),
    }
    return team, people


def snapshot(complaint):
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        model_to_dict(fresh, exclude=["updated_at"]),
        fresh.events.count(),
        fresh.messages.count(),
        fresh.decisions.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", PEOPLE)
def test_action_matrix(world, signed_in, action, who):
    team, people = world
    state, data, allowed = ACTIONS[action]
    complaint = complaint_in_state(state, team)
    client = signed_in(people[who])
    before = snapshot(complaint)
    response = client.post(reverse("backoffice:act", args=[complaint.reference, action]), data)
    if who in allowed:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert snapshot(complaint) != before
    else:
        assert response.status_code == (404 if who in ("admin", "outsider") else 403)
        assert snapshot(complaint) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_assign_matrix(world, signed_in, who):
    """Managers assign anyone of the unit; a handler only takes it for themselves."""
    team, people = world
    complaint = complaint_in_state(Status.RECEIVED, team)
    client = signed_in(people[who])
    before = snapshot(complaint)
    url = reverse("backoffice:act", args=[complaint.reference, "assign"])
    response = client.post(url, {"owner": people[who].pk})
    expected = {"handler": 302, "manager": 302, "frontline": 403, "top": 403, "auditor": 403}.get(
        who, 404
    )
    assert response.status_code == expected
    if expected == 302:
        assert Complaint.objects.get(pk=complaint.pk).owner_id == people[who].pk
    else:
        assert snapshot(complaint) == before


def test_a_handler_cannot_assign_a_colleague(world, signed_in):
    team, people = world
    complaint = complaint_in_state(Status.RECEIVED, team)
    before = snapshot(complaint)
    response = signed_in(team.handler).post(
        reverse("backoffice:act", args=[complaint.reference, "assign"]), {"owner": team.manager.pk}
    )
    assert response.status_code == 422  # the colleague is not among the choices offered
    assert snapshot(complaint) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_resume_and_settle_matrix(world, signed_in, who):
    team, people = world
    paused = complaint_in_state(Status.RECEIVED, team)
    services.complaint_pause(
        complaint=paused, actor=Actor.for_user(team.handler), reason="third_party", note="x"
    )
    resolved = complaint_in_state(Status.RESOLVED, team)
    remedy = resolved.decisions.get().remedies.get()
    client = signed_in(people[who])
    for complaint, action, data in (
        (paused, "resume", {}),
        (resolved, "settle_remedy", {"remedy": remedy.pk}),
    ):
        before = snapshot(complaint)
        response = client.post(reverse("backoffice:act", args=[complaint.reference, action]), data)
        if who in ("handler", "manager"):
            assert response.status_code == 302
        else:
            assert response.status_code == (404 if who in ("admin", "outsider") else 403)
            assert snapshot(complaint) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_pages_matrix(world, signed_in, who):
    team, people = world
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    client = signed_in(people[who])
    sees = who not in ("admin", "outsider")
    assert client.get(reverse("backoffice:complaint", args=[complaint.reference])).status_code == (
        200 if sees else 404
    )
    assert client.get(
        reverse("backoffice:act", args=[complaint.reference, "add_note"]), HTTP_HX_REQUEST="true"
    ).status_code == (200 if sees and who != "auditor" else (403 if sees else 404))
    assert client.get(reverse("backoffice:intake")).status_code == (
        200 if who in ("frontline", "handler", "manager", "outsider") else 403
    )
    for queue in ("mine", "all", "overdue"):
        body = client.get(reverse("backoffice:queue", args=[queue])).content.decode()
        assert (complaint.reference in body) is (sees and queue == "all")
    search = client.get(reverse("backoffice:search") + "?q=hoa+don").content.decode()
    assert (complaint.reference in search) is sees
    answer = client.get(reverse("backoffice:export", args=["all"]) + "?format=csv")
    raw = b"".join(answer.streaming_content) if answer.streaming else answer.content
    export = raw.decode("utf-8-sig")
    assert (complaint.reference in export) is sees


def test_an_action_the_lifecycle_refuses_now_is_409_and_changes_nothing(world, signed_in):
    team, _people = world
    complaint = complaint_in_state(Status.RECEIVED, team)
    before = snapshot(complaint)
    response = signed_in(team.manager).post(
        reverse("backoffice:act", args=[complaint.reference, "approve_decision"])
    )
    assert response.status_code == 409
    assert snapshot(complaint) == before


def test_the_workspace_offers_only_what_the_person_may_do_now(world, signed_in):
    team, _people = world
    complaint = complaint_in_state(Status.DECISION_PROPOSED, team)
    handler_page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert 'data-action="approve_decision"' not in handler_page
    assert 'data-action="add_note"' in handler_page
    manager_page = (
        signed_in(team.manager)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert (
        'data-action="approve_decision"' in manager_page
        and 'data-action="acknowledge"' not in manager_page
    )
    auditor_page = (
        signed_in(team.auditor)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "data-action=" not in auditor_page
