"""POST /complaints/{reference}/actions/{action}: every action, through the gate and the roles."""

from __future__ import annotations

import pytest

from redress.api.actions import INPUTS
from redress.api.tests.conftest import error_of
from redress.complaints.models import Complaint, ComplaintEvent, Status
from redress.complaints.testing import CategoryFactory
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import complaint_in_state, make_team, receive


def _act(api, complaint, action, body=None, status=200):
    response = api.post(f"/complaints/{complaint.reference}/actions/{action}", body or {})
    assert response.status_code == status, response.content
    return response.json()


def test_every_action_of_the_lifecycle_has_an_operation():
    # All but receiving (POST /complaints) and what only the system records (no role may).
    system_only = {action for action, roles in ACTION_ROLES.items() if not roles}
    assert system_only == {Action.RECORD_DELIVERY}
    assert set(INPUTS) == set(Action.values) - {Action.RECEIVE} - system_only


def test_a_complaint_from_receipt_to_closure_and_satisfaction(team, api_as):
    complaint = receive(team).complaint
    handler, manager = api_as(team.handler), api_as(team.manager)
    category = CategoryFactory()

    assert _act(handler, complaint, "acknowledge", {"note": "Đã nhận"})["status"] == "acknowledged"
    body = _act(
        handler,
        complaint,
        "assess",
        {"severity": "high", "priority": "high", "category": category.code},
    )
    assert (body["status"], body["severity"], body["category"]) == (
        "assessed",
        "high",
        category.code,
    )
    assert (
        _act(handler, complaint, "start_investigation", {"plan": "Kiểm tra hóa đơn"})["status"]
        == "investigating"
    )
    body = _act(
        handler,
        complaint,
        "propose_decision",
        {
            "outcome": "upheld",
            "summary": "Hoàn tiền",
            "reasons": "Tính hai lần",
            "remedies": [{"type": "refund", "amount": 150000, "description": "Hoàn lại tiền"}],
        },
    )
    assert body["status"] == "decision_proposed"
    remedy_id = body["decisions"][0]["remedies"][0]["id"]
    assert _act(manager, complaint, "approve_decision")["status"] == "decision_approved"
    assert (
        _act(handler, complaint, "communicate_decision", {"via": "email"})["status"]
        == "decision_communicated"
    )
    assert (
        _act(handler, complaint, "record_reaction", {"reaction": "accepted"})["status"]
        == "resolved"
    )
    error = error_of(handler.post(f"/complaints/{complaint.reference}/actions/close", {}))
    assert error["code"] == "remedies_open"
    body = _act(handler, complaint, "settle_remedy", {"remedy": remedy_id})
    assert body["decisions"][0]["remedies"][0]["fulfilled_at"] is not None
    assert _act(handler, complaint, "close", {"note": "Xong"})["status"] == "closed"
    assert (
        _act(handler, complaint, "rate", {"overall": 5, "speed": 4, "comment": "Tốt"})["status"]
        == "closed"
    )
    assert (
        _act(manager, complaint, "reopen", {"reason": "Khách hàng báo lại"})["status"]
        == "investigating"
    )

    actions = list(
        ComplaintEvent.objects.filter(complaint=complaint).values_list("action", flat=True)
    )
    assert actions == [
        "receive",
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "record_reaction",
        "settle_remedy",
        "close",
        "rate",
        "reopen",
    ]


def test_assignment_clock_notes_messages_and_withdrawal(team, api_as):
    complaint = receive(team).complaint
    handler, manager = api_as(team.handler), api_as(team.manager)
    other_unit = UnitFactory(parent=team.unit)
    other_handler = staff(Role.HANDLER, other_unit)

    assert (
        _act(manager, complaint, "assign", {"owner": team.handler.username})["owner"]
        == team.handler.username
    )
    assert (
        _act(handler, complaint, "prioritise", {"priority": "urgent", "reason": "Khách VIP"})[
            "priority"
        ]
        == "urgent"
    )
    assert (
        _act(handler, complaint, "pause", {"reason": "complainant", "note": "Chờ hóa đơn"})[
            "is_paused"
        ]
        is True
    )
    assert _act(handler, complaint, "resume", {"note": "Đã có"})["is_paused"] is False
    _act(handler, complaint, "add_note", {"body": "Gọi lại sau"})
    _act(
        handler,
        complaint,
        "add_message",
        {"direction": "outbound", "body": "Chúng tôi đang xử lý."},
    )
    body = _act(
        manager, complaint, "assign", {"unit": other_unit.code, "owner": other_handler.username}
    )
    assert (body["unit"]["code"], body["owner"]) == (other_unit.code, other_handler.username)
    assert (
        _act(manager, complaint, "withdraw", {"reason": "Đã tự giải quyết"})["status"]
        == "withdrawn"
    )
    assert _act(manager, complaint, "close", {"note": "Khách rút đơn"})["status"] == "closed"

    directions = list(complaint.messages.order_by("pk").values_list("direction", flat=True))
    assert "internal" in directions and "outbound" in directions


def test_return_review_and_external_referral(team, api_as):
    complaint = complaint_in_state(Status.DECISION_PROPOSED, team)
    handler, manager = api_as(team.handler), api_as(team.manager)

    assert (
        _act(manager, complaint, "return_decision", {"reason": "Thiếu chứng cứ"})["status"]
        == "investigating"
    )
    _act(
        handler,
        complaint,
        "propose_decision",
        {"outcome": "not_upheld", "summary": "Không", "reasons": "Đúng giá"},
    )
    _act(manager, complaint, "approve_decision")
    _act(handler, complaint, "communicate_decision")
    assert (
        _act(
            handler, complaint, "record_reaction", {"reaction": "rejected", "note": "Không đồng ý"}
        )["status"]
        == "under_review"
    )
    assert (
        _act(manager, complaint, "refer_external", {"provider": "Sở Công Thương", "consent": True})[
            "status"
        ]
        == "referred_external"
    )
    assert _act(handler, complaint, "close", {"external_options_told": True})["status"] == "closed"


def test_escalate_a_communicated_decision(team, api_as):
    complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)

    assert (
        _act(api_as(team.handler), complaint, "escalate", {"reason": "Khách khiếu nại tiếp"})[
            "status"
        ]
        == "under_review"
    )


def test_an_action_not_allowed_in_the_state_is_409_naming_both(team, api_as):
    complaint = receive(team).complaint

    response = api_as(team.handler).post(f"/complaints/{complaint.reference}/actions/close", {})

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "transition_not_allowed"
    assert "Close" in error["message"] and "Received" in error["message"]
    assert Complaint.objects.get(pk=complaint.pk).status == "received"


@pytest.mark.parametrize(
    ("role", "action", "body"),
    [
        ("auditor", "acknowledge", {}),
        ("top", "acknowledge", {}),
        ("frontline", "assess", {}),
        ("handler", "reopen", {"reason": "x"}),
    ],
)
def test_roles_are_checked_403_and_nothing_changes(team, api_as, role, action, body):
    state = (
        Status.CLOSED
        if action == "reopen"
        else Status.ACKNOWLEDGED
        if action == "assess"
        else Status.RECEIVED
    )
    complaint = complaint_in_state(state, team)
    events = complaint.events.count()

    response = api_as(getattr(team, role)).post(
        f"/complaints/{complaint.reference}/actions/{action}", body
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert complaint.events.count() == events


def test_acting_on_an_invisible_complaint_is_404(team, api_as):
    complaint = receive(team).complaint
    outsider = make_team()

    response = api_as(outsider.manager).post(
        f"/complaints/{complaint.reference}/actions/acknowledge", {}
    )

    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == "received"


@pytest.mark.parametrize(
    ("state", "action", "body", "field"),
    [
        (Status.RECEIVED, "pause", {"reason": "other"}, "note"),
        (Status.RECEIVED, "pause", {"reason": "lunch"}, "reason"),
        (Status.RECEIVED, "assign", {}, "owner"),
        (Status.RECEIVED, "assign", {"owner": "nobody-by-this-name"}, "owner"),
        (
            Status.INVESTIGATING,
            "propose_decision",
            {"outcome": "upheld", "summary": "x"},
            "reasons",
        ),
        (
            Status.INVESTIGATING,
            "propose_decision",
            {"outcome": "upheld", "summary": "x", "reasons": "y", "remedies": [{"type": "gift"}]},
            "remedies.0.type",
        ),
        (Status.DECISION_COMMUNICATED, "record_reaction", {"reaction": "rejected"}, "note"),
        (Status.RESOLVED, "settle_remedy", {"remedy": 999999}, "remedy"),
        (Status.CLOSED, "rate", {"overall": 6}, "overall"),
        (Status.DECISION_APPROVED, "communicate_decision", {"via": "fax"}, "via"),
    ],
)
def test_invalid_action_fields_are_422(team, api_as, state, action, body, field):
    complaint = complaint_in_state(state, team)

    response = api_as(team.manager).post(
        f"/complaints/{complaint.reference}/actions/{action}", body
    )

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert Complaint.objects.get(pk=complaint.pk).status == state


def test_an_unknown_action_is_404_listing_the_real_ones(team, api_as):
    complaint = receive(team).complaint

    response = api_as(team.manager).post(f"/complaints/{complaint.reference}/actions/teleport", {})

    assert response.status_code == 404
    assert "acknowledge" in error_of(response)["message"]


def test_four_eyes_conflict_is_409(team, api_as):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    manager = api_as(team.manager)
    _act(
        manager,
        complaint,
        "propose_decision",
        {
            "outcome": "upheld",
            "summary": "x",
            "reasons": "y",
            "remedies": [{"type": "compensation", "amount": 90_000_000}],
        },
    )

    response = manager.post(f"/complaints/{complaint.reference}/actions/approve_decision", {})

    assert response.status_code == 409
    assert error_of(response)["code"] == "four_eyes"


def test_each_action_takes_exactly_the_fields_of_the_registry():
    from redress.handling.registry import BY_ACTION

    for action, schema in INPUTS.items():
        assert set(schema.model_fields) == set(BY_ACTION[action].field_names), action


def test_an_action_without_a_written_input_gets_one_built_from_its_fields():
    from redress.api.actions import WRITTEN
    from redress.handling.registry import ACTIONS

    built = [spec for spec in ACTIONS if spec.action not in WRITTEN]
    assert {spec.action for spec in built} >= {Action.ESCALATE, Action.RATE}
    for spec in built:
        schema = INPUTS[spec.action]
        required = {name for name, field in schema.model_fields.items() if field.is_required()}
        assert required == {f.name for f in spec.fields if f.required}, spec.action


def test_duplicates_are_listed_then_linked_dismissed_or_merged_through_the_api(team, api_as):
    from redress.complaints.testing import ComplainantFactory

    person = ComplainantFactory(email="lan@example.vn")
    earlier = receive(team, complainant=person, subject="Hóa đơn sai").complaint
    new = receive(team, complainant=person, subject="Hóa đơn sai", duplicate_of=[earlier]).complaint
    elsewhere = receive(make_team(), subject="Hóa đơn sai").complaint
    api = api_as(team.handler)

    detail = api.get(f"/complaints/{new.reference}").json()
    assert [(link["reference"], link["relation"]) for link in detail["links"]] == [
        (earlier.reference, "possible_duplicate")
    ]
    linked = _act(api, new, "link", {"other": earlier.reference})
    assert linked["links"][0]["relation"] == "related"
    refused = api.post(f"/complaints/{new.reference}/actions/merge", {"other": elsewhere.reference})
    assert refused.status_code == 422 and "other" in error_of(refused)["fields"]
    merged = _act(api, new, "merge", {"other": earlier.reference, "note": "Cùng hóa đơn"})
    assert merged["status"] == "closed"
    assert merged["links"][0]["relation"] == "merged_into"
    survivor = api.get(f"/complaints/{earlier.reference}").json()
    assert [(link["reference"], link["relation"]) for link in survivor["links"]] == [
        (new.reference, "merged_from")
    ]
    _act(api_as(team.frontline), earlier, "dismiss_duplicate", {"other": new.reference}, 403)
