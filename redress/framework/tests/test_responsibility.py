"""The responsibility matrix keeps exactly one accountable per step."""

import datetime as dt

import pytest

from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.framework.models import ProcessStep, Raci
from redress.framework.selectors_responsibility import (
    responsibility_matrix,
    steps_without_accountable,
)
from redress.framework.services.responsibility import (
    responsibility_add,
    responsibility_end,
    responsibility_standard,
)
from redress.handling.testing import make_team


@pytest.fixture
def team(db):
    return make_team()


def test_the_standard_matrix_has_one_accountable_for_every_step(team):
    responsibility_standard(actor=Actor.for_user(team.manager), on=dt.date(2026, 1, 1))
    matrix = responsibility_matrix(dt.date(2026, 6, 1))
    assert [row.step for row in matrix] == list(ProcessStep.values)
    assert steps_without_accountable(matrix) == []
    with pytest.raises(Conflict):
        responsibility_standard(actor=Actor.for_user(team.manager))


def test_a_new_accountable_replaces_the_old_one_the_day_before(team):
    actor = Actor.for_user(team.top)
    old = responsibility_add(
        actor=actor,
        step=ProcessStep.DECISION,
        role=Role.COMPLAINTS_MANAGER,
        part=Raci.ACCOUNTABLE,
        valid_from=dt.date(2026, 1, 1),
    )
    new = responsibility_add(
        actor=actor,
        step=ProcessStep.DECISION,
        role=Role.TOP_MANAGEMENT,
        part=Raci.ACCOUNTABLE,
        valid_from=dt.date(2026, 7, 1),
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 6, 30)
    june = responsibility_matrix(dt.date(2026, 6, 30))[3]
    july = responsibility_matrix(dt.date(2026, 7, 1))[3]
    assert [row.pk for row in june.accountable] == [old.pk]
    assert [row.pk for row in july.accountable] == [new.pk]
    with pytest.raises(Conflict):
        responsibility_end(actor=actor, responsibility=new)


def test_duplicates_and_wrong_roles_are_refused(team):
    actor = Actor.for_user(team.manager)
    responsibility_add(
        actor=actor, step="receipt", role="frontline", part="R", valid_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationFailed) as twice:
        responsibility_add(
            actor=actor, step="receipt", role="frontline", part="R", valid_from=dt.date(2026, 2, 1)
        )
    assert "role" in twice.value.fields
    with pytest.raises(ValidationFailed) as bad:
        responsibility_add(actor=actor, step="receipt", role="frontline", part="X")
    assert "part" in bad.value.fields
    with pytest.raises(NotPermitted):
        responsibility_add(
            actor=Actor.for_user(team.handler), step="receipt", role="frontline", part="C"
        )
