"""The role matrix of continual improvement (``transitions.IMPROVEMENT_ROLES``): who may open,
plan, verify and read, asserted for every role, and what each person sees."""

import pytest

from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import make_team
from redress.improvement.models import Capa, SystemicIssue
from redress.improvement.selectors import capas_visible_to, issues_visible_to, may
from redress.improvement.services import (
    capa_check,
    capa_plan,
    capa_reopen,
    capa_start,
    capa_verify,
    systemic_issue_open,
)
from redress.improvement.tests.helpers import capa_for
from redress.improvement.transitions import IMPROVEMENT_ROLES, Permission

pytestmark = pytest.mark.django_db

P = Permission
MATRIX = {
    # permission: frontline, handler, manager, top, auditor, admin
    P.READ: (False, True, True, True, True, False),
    P.INVESTIGATE: (False, True, True, False, False, False),
    P.CONFIGURE: (False, False, False, False, False, True),
    P.ISSUE_OPEN: (False, False, True, True, False, False),
    P.ISSUE_WORK: (False, True, True, False, False, False),
    P.ISSUE_DECIDE: (False, False, True, True, False, False),
    P.CAPA_OPEN: (False, False, True, True, False, False),
    P.CAPA_PLAN: (False, False, True, False, False, False),
    P.CAPA_WORK: (False, False, True, False, False, False),
    P.CAPA_VERIFY: (False, False, True, True, False, False),
    P.CAPA_REOPEN: (False, False, True, True, False, False),
}
ROLES = (
    Role.FRONTLINE,
    Role.HANDLER,
    Role.COMPLAINTS_MANAGER,
    Role.TOP_MANAGEMENT,
    Role.AUDITOR,
    Role.ADMIN,
)


def test_the_matrix_covers_every_permission():
    assert set(MATRIX) == set(Permission.values) == set(IMPROVEMENT_ROLES)


@pytest.mark.parametrize("permission", list(MATRIX))
@pytest.mark.parametrize("index", range(len(ROLES)))
def test_each_role_may_do_what_the_matrix_says_in_its_unit(permission, index):
    unit = UnitFactory()
    person = staff(ROLES[index], unit)
    assert may(person, permission, unit_id=unit.pk) is MATRIX[permission][index]


def test_a_handler_and_a_manager_act_only_in_their_units():
    unit, elsewhere = UnitFactory(), UnitFactory()
    below = UnitFactory(parent=unit)
    handler, manager = staff(Role.HANDLER, unit), staff(Role.COMPLAINTS_MANAGER, unit)
    assert may(manager, P.CAPA_VERIFY, unit_id=below.pk)
    assert not may(manager, P.CAPA_VERIFY, unit_id=elsewhere.pk)
    assert not may(handler, P.ISSUE_WORK, unit_id=below.pk)
    assert may(handler, P.ISSUE_WORK, unit_id=None)  # an organisation-wide issue


def test_the_owner_plans_and_carries_out_their_own_capa_but_never_verifies_it():
    unit = UnitFactory()
    handler = staff(Role.HANDLER, unit)
    assert may(handler, P.CAPA_PLAN, unit_id=unit.pk, owner_id=handler.pk)
    assert may(handler, P.CAPA_WORK, unit_id=unit.pk, owner_id=handler.pk)
    assert not may(handler, P.CAPA_VERIFY, unit_id=unit.pk, owner_id=handler.pk)


def test_a_refused_plan_changes_nothing(team):
    capa = capa_for(team)
    for person in (team.frontline, team.auditor, team.top):
        with pytest.raises(NotPermitted):
            capa_plan(capa=capa, actor=Actor.for_user(person), plan="x", due_working_days=3)
    capa.refresh_from_db()
    assert capa.plan == "" and capa.events.count() == 1


def test_each_person_sees_the_records_of_their_units(team):
    other = make_team(UnitFactory())
    mine = capa_for(team)
    theirs = capa_for(other)
    local = systemic_issue_open(actor=Actor.for_user(team.manager), title="a", unit=team.unit)
    wide = systemic_issue_open(actor=Actor.for_user(team.top), title="b")
    assert set(capas_visible_to(team.manager)) == {mine}
    assert set(capas_visible_to(team.handler)) == {mine}
    assert set(capas_visible_to(team.auditor)) == {mine, theirs} == set(Capa.objects.all())
    assert set(issues_visible_to(other.manager)) == {wide}
    assert set(issues_visible_to(team.handler)) == {local, wide}
    assert not issues_visible_to(team.frontline).exists()
    assert set(issues_visible_to(team.top)) == set(SystemicIssue.objects.all())


def test_a_step_the_role_may_not_take_is_refused_whatever_the_capas_state(team):
    """The role matrix is asked before the lifecycle: a person who may not take a step learns
    that (NotPermitted), not the CAPA's state (a Conflict naming it, as before)."""
    capa = capa_for(team)  # a draft: only ``plan`` is allowed now
    steps = {
        "start": lambda actor: capa_start(capa=capa, actor=actor),
        "check": lambda actor: capa_check(capa=capa, actor=actor),
        "verify": lambda actor: capa_verify(capa=capa, actor=actor, effective=True),
        "reopen": lambda actor: capa_reopen(capa=capa, actor=actor, reason="x"),
    }
    for name, step in steps.items():
        with pytest.raises(NotPermitted):
            step(Actor.for_user(team.auditor))
        with pytest.raises(Conflict):  # a complaints manager may: the state refuses
            step(Actor.for_user(team.manager))
        if name == "start":
            with pytest.raises(NotPermitted):
                step(Actor.for_user(team.top))
    capa.refresh_from_db()
    assert capa.status == "draft" and capa.events.count() == 1
