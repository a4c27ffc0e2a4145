"""Objectivity through the API (ISO 10002 4.7, issue 18): naming the person complained about,
declaring and withdrawing conflicts of interest."""

from __future__ import annotations

import pytest

from redress.api.tests.conftest import error_of
from redress.complaints.models import Complaint, ConflictDeclaration
from redress.core.actors import Actor
from redress.core.testing import UserFactory
from redress.handling import services
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db


def _post(api, complaint, action, body):
    return api.post(f"/complaints/{complaint.reference}/actions/{action}", body)


def test_the_person_complained_about_is_named_by_username_and_must_be_staff(team, api_as):
    complaint = receive(team).complaint
    handler = api_as(team.handler)
    unknown = _post(
        handler,
        complaint,
        "record_subject_staff",
        {"person": UserFactory().username, "reason": "x"},
    )
    assert unknown.status_code == 422 and "person" in error_of(unknown)["fields"]
    missing = _post(handler, complaint, "record_subject_staff", {"reason": "x"})
    assert missing.status_code == 422  # say who, or null to clear: never by leaving it out
    response = _post(
        handler,
        complaint,
        "record_subject_staff",
        {"person": team.frontline.username, "reason": "Khách nêu tên"},
    )
    assert response.status_code == 200
    assert Complaint.objects.get(pk=complaint.pk).subject_staff == team.frontline
    hidden = api_as(team.frontline).get(f"/complaints/{complaint.reference}")
    assert hidden.status_code == 404


def test_naming_the_owner_is_a_409(team, api_as):
    complaint = receive(team).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
    )
    response = _post(
        api_as(team.manager),
        complaint,
        "record_subject_staff",
        {"person": team.handler.username, "reason": "x"},
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "subject_staff_owns"


def test_declare_then_withdraw_a_conflict_of_interest(api_as):
    team = make_team()
    complaint = receive(team).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
    )
    handler = api_as(team.handler)
    assert _post(handler, complaint, "declare_conflict", {}).status_code == 422
    response = _post(handler, complaint, "declare_conflict", {"reason": "Khách là hàng xóm"})
    assert response.status_code == 200 and response.json()["owner"] is None
    declaration = ConflictDeclaration.objects.get(complaint=complaint)
    taken = _post(handler, complaint, "assign", {"owner": team.handler.username})
    assert taken.status_code == 409 and error_of(taken)["code"] == "conflict_of_interest"

    body = {"declaration": declaration.pk, "reason": "Đã xác minh"}
    assert _post(handler, complaint, "withdraw_conflict", body).status_code == 403
    manager = api_as(team.manager)
    assert _post(manager, complaint, "withdraw_conflict", body).status_code == 200
    declaration.refresh_from_db()
    assert declaration.withdrawn_by == team.manager
    again = _post(manager, complaint, "withdraw_conflict", body)
    assert again.status_code == 422 and "declaration" in error_of(again)["fields"]


def test_allowed_actions_follow_the_declarations(api_as):
    team = make_team()
    complaint = receive(team).complaint

    def allowed(person):
        return api_as(person).get(f"/complaints/{complaint.reference}").json()["allowed_actions"]

    assert "declare_conflict" in allowed(team.handler)
    assert "withdraw_conflict" not in allowed(team.manager)  # nothing to withdraw yet
    services.complaint_declare_conflict(
        complaint=complaint, actor=Actor.for_user(team.handler), reason="Khách là hàng xóm"
    )
    assert "declare_conflict" not in allowed(team.handler)  # a second would be refused (409)
    assert "declare_conflict" in allowed(team.manager)
    assert "withdraw_conflict" in allowed(team.manager)
