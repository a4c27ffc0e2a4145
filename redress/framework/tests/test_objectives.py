"""Objectives: their actual comes from the KPI catalogue at each review date, their status
follows the target, and every result is kept."""

import datetime as dt
from decimal import Decimal

import pytest

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.framework.models import ObjectiveStatus
from redress.framework.services.objectives import (
    objective_create,
    objective_measure,
    objective_record_result,
    objectives_review_due,
)
from redress.handling.testing import make_team, receive
from redress.sla.testing import frozen_clock


@pytest.fixture
def team(db):
    return make_team()


def volume_objective(team, target="2", **kwargs):
    values = {
        "actor": Actor.for_user(team.manager),
        "title": "Giảm số khiếu nại",
        "owner": team.manager,
        "kpi": "volume",
        "target": target,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "frequency": "quarterly",
        "unit": team.unit,
        "direction": "lower",
    }
    values.update(kwargs)
    return objective_create(**values)


def test_direction_and_unit_come_from_the_kpi_and_the_first_review_is_a_quarter_on(team):
    objective = volume_objective(team, kpi="ack_on_time_pct", direction="", target="95")
    assert objective.direction == "higher"
    assert objective.unit_of_measure == "%"
    assert objective.next_review == dt.date(2026, 4, 1)
    assert objective.status == ObjectiveStatus.NOT_MEASURED
    assert AuditEntry.objects.filter(action="framework.objective_create").count() == 1


def test_the_actual_is_the_kpi_over_the_period_so_far_at_each_review(team):
    objective = volume_objective(team)
    with frozen_clock("2026-02-10 10:00"):
        receive(team)
        receive(team)
    with frozen_clock("2026-05-10 10:00"):
        receive(team)
    other = make_team()  # another unit's complaint is not the objective's
    with frozen_clock("2026-02-11 10:00"):
        receive(other)
    # The job measures on the review date: two complaints by 1 April, the target (≤ 2) met.
    assert objectives_review_due(on=dt.date(2026, 4, 2)) == 1
    objective.refresh_from_db()
    assert objective.actual == Decimal(2)
    assert objective.status == ObjectiveStatus.ON_TRACK
    assert objective.next_review == dt.date(2026, 7, 1)
    first = objective.results.get()
    assert (first.window_start, first.window_end, first.source) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 1),
        "kpi",
    )
    assert objectives_review_due(on=dt.date(2026, 4, 2)) == 0  # not due again
    # At the next review the third complaint puts it over the target.
    objectives_review_due(on=dt.date(2026, 7, 1))
    objective.refresh_from_db()
    assert objective.actual == Decimal(3)
    assert objective.status == ObjectiveStatus.AT_RISK
    assert [r.value for r in objective.results.order_by("measured_on")] == [2, 3]


def test_at_the_end_of_the_period_an_objective_is_met_or_missed(team):
    objective = volume_objective(team, target="0")
    with frozen_clock("2026-02-10 10:00"):
        receive(team)
    result = objective_measure(
        actor=Actor.for_user(team.manager), objective=objective, on=dt.date(2027, 1, 5)
    )
    assert result.window_end == dt.date(2026, 12, 31)
    assert result.status == ObjectiveStatus.MISSED


def test_a_measure_entered_by_hand(team):
    objective = objective_create(
        actor=Actor.for_user(team.top),
        title="Đào tạo nhân viên",
        owner=team.manager,
        manual_measure="Buổi đào tạo đã tổ chức",
        direction="higher",
        target="4",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        frequency="half_yearly",
    )
    with pytest.raises(Conflict):
        objective_measure(actor=Actor.for_user(team.manager), objective=objective)
    objective_record_result(
        actor=Actor.for_user(team.manager), objective=objective, value="5", on=dt.date(2026, 7, 1)
    )
    objective.refresh_from_db()
    assert objective.status == ObjectiveStatus.ON_TRACK
    assert objective.next_review == dt.date(2026, 12, 31)
    with pytest.raises(NotPermitted):
        objective_record_result(actor=Actor.for_user(team.handler), objective=objective, value="1")


def test_bad_input_is_refused_naming_the_field(team):
    with pytest.raises(ValidationFailed) as unknown:
        volume_objective(team, kpi="no_such_kpi")
    assert "kpi" in unknown.value.fields
    with pytest.raises(ValidationFailed) as backwards:
        volume_objective(team, period_end=dt.date(2025, 12, 31))
    assert "period_end" in backwards.value.fields
    with pytest.raises(ValidationFailed) as not_number:
        volume_objective(team, target="nhiều")
    assert "target" in not_number.value.fields
    with pytest.raises(ValidationFailed) as nothing:
        volume_objective(team, kpi="")
    assert "kpi" in nothing.value.fields
    with pytest.raises(ValidationFailed) as no_direction:
        volume_objective(team, direction="")  # the volume KPI has no better direction
    assert "direction" in no_direction.value.fields
    with pytest.raises(NotPermitted):
        volume_objective(team, actor=Actor.for_user(team.handler))


def test_the_worker_measures_objectives_on_their_review_date(team):
    from redress.framework.jobs import framework_sweep

    objective = volume_objective(team, period_start=dt.date(2026, 1, 1))
    with frozen_clock("2026-03-31 10:00"):
        assert framework_sweep() == 0
    with frozen_clock("2026-04-01 10:00"):
        assert framework_sweep() == 1
        assert framework_sweep() == 0
    objective.refresh_from_db()
    assert objective.results.get().measured_on == dt.date(2026, 4, 1)
