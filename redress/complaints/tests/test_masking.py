"""Complainants' details are masked for roles without need-to-know, consistently with the
roles the gate gives each person on each complaint."""

import pytest

from redress.complaints.masking import (
    PersonalDataScope,
    complainant_view,
    mask_email,
    mask_name,
    mask_phone,
)
from redress.complaints.selectors import complaint_roles, complaints_visible_to
from redress.complaints.testing import ComplainantFactory
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db
NEED_TO_KNOW = {Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER}


def test_masks():
    assert mask_name("Nguyễn Văn An") == "N. V. A."
    assert mask_email("khach@example.vn") == "k•••@example.vn"
    assert mask_phone("0912 345 678") == "•••678"
    assert mask_email("") == "" and mask_phone("") == ""


def test_scope_agrees_with_the_roles_of_the_gate():
    hq = UnitFactory()
    branch = UnitFactory(parent=hq)
    team = make_team(branch)
    people = [
        team.frontline,
        team.handler,
        team.manager,
        team.top,
        team.auditor,
        staff(Role.COMPLAINTS_MANAGER, hq),
        staff(Role.HANDLER, UnitFactory()),
    ]
    complaints = [receive(team).complaint, receive(make_team(hq)).complaint]
    owned = receive(make_team()).complaint
    type(owned).objects.filter(pk=owned.pk).update(owner=people[-1])
    complaints.append(type(owned).objects.get(pk=owned.pk))
    for person in people:
        scope = PersonalDataScope.for_user(person)
        for complaint in complaints_visible_to(person):
            expected = bool(complaint_roles(person, complaint) & NEED_TO_KNOW)
            assert scope.allows(complaint) is expected, (person, complaint)


def test_view_masks_for_top_management_and_auditors_only():
    team = make_team()
    person = ComplainantFactory(
        full_name="Trần Thị Mai", email="mai@example.vn", phone="0987654321", address="1 Lê Lợi"
    )
    complaint = receive(team, complainant=person).complaint
    for user in (team.frontline, team.handler, team.manager):
        view = complainant_view(complaint, PersonalDataScope.for_user(user))
        assert (view.full_name, view.email, view.masked) == (
            "Trần Thị Mai",
            "mai@example.vn",
            False,
        )
    for user in (team.top, team.auditor):
        view = complainant_view(complaint, PersonalDataScope.for_user(user))
        assert (view.full_name, view.email, view.phone, view.address, view.masked) == (
            "T. T. M.",
            "m•••@example.vn",
            "•••321",
            "•••",
            True,
        )
