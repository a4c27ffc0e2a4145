"""The audit sample: its size from attribute sampling, a size larger than the population
refused, the same seed redrawing the same complaints, and the check of a sampled complaint."""

import datetime as dt
from decimal import Decimal

import pytest

from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.framework.services.audit_sample import (
    audit_population,
    audit_sample_check,
    audit_sample_draw,
    audit_sample_reproduce,
    sample_size,
)
from redress.framework.tests.audit_helpers import auditor, closed_complaints, started
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team()


@pytest.mark.parametrize(
    ("confidence", "rate", "population", "expected"),
    [
        # ln(0.05)/ln(0.95) = 58.40 -> 59; with N = 100: 59 / (1 + 58/100) = 37.34 -> 38
        (95, 5, 1_000_000, 59),
        (95, 5, 100, 38),
        # ln(0.10)/ln(0.90) = 21.85 -> 22
        (90, 10, 1_000_000, 22),
        # ln(0.01)/ln(0.97) = 151.19 -> 152; with N = 500: 152 / (1 + 151/500) = 116.74 -> 117
        (99, 3, 500, 117),
        (95, 5, 10, 9),  # 59 / (1 + 5.8) = 8.68 -> 9
        (95, 5, 1, 1),
    ],
)
def test_sample_size_by_attribute_sampling_hand_computed(confidence, rate, population, expected):
    assert (
        sample_size(confidence_pct=confidence, tolerable_pct=Decimal(rate), population=population)
        == expected
    )


def test_the_population_is_the_closed_complaints_of_the_unit_in_the_period(team):
    inside = closed_complaints(team, 3)
    closed_complaints(team, 2, closed_on=dt.date(2027, 1, 5))  # after the period
    closed_complaints(make_team(), 2)  # another unit
    audit = started(team, auditor(team))
    assert sorted(audit_population(audit).values_list("pk", flat=True)) == sorted(inside)


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(team):
    closed_complaints(team, 40)
    person = auditor(team)
    actor = Actor.for_user(person)
    audit = started(team, person)
    audit = audit_sample_draw(audit=audit, actor=actor, confidence=95, tolerable_pct=Decimal(5))
    first = list(audit.sample_items.order_by("position").values_list("complaint_id", flat=True))
    seed, digest = audit.sample_seed, audit.population_digest
    assert audit.population_size == 40
    assert audit.sample_size == len(first) == 25  # 59 / (1 + 58/40) = 24.08 -> 25
    again = audit_sample_draw(
        audit=audit, actor=actor, confidence=95, tolerable_pct=Decimal(5), seed=seed
    )
    assert (
        list(again.sample_items.order_by("position").values_list("complaint_id", flat=True))
        == first
    )
    assert again.population_digest == digest
    assert audit_sample_reproduce(again) == (first, digest)
    other = audit_sample_draw(
        audit=audit, actor=actor, confidence=95, tolerable_pct=Decimal(5), seed=seed + 1
    )
    drawn = list(other.sample_items.order_by("position").values_list("complaint_id", flat=True))
    assert drawn != first
    assert other.population_digest == digest  # the population did not change


def test_a_size_larger_than_the_population_is_refused(team):
    closed_complaints(team, 5)
    person = auditor(team)
    audit = started(team, person)
    with pytest.raises(ValidationFailed) as refused:
        audit_sample_draw(audit=audit, actor=Actor.for_user(person), size=6)
    assert "size" in refused.value.fields
    assert not audit.sample_items.exists()
    audit.refresh_from_db()
    assert audit.sample_seed is None


def test_an_empty_population_is_refused(team):
    person = auditor(team)
    audit = started(team, person)
    with pytest.raises(ValidationFailed):
        audit_sample_draw(audit=audit, actor=Actor.for_user(person), size=1)


def test_a_chosen_size_and_the_check_of_a_sampled_complaint(team):
    closed_complaints(team, 5)
    person = auditor(team)
    actor = Actor.for_user(person)
    audit = started(team, person)
    audit = audit_sample_draw(audit=audit, actor=actor, size=2, seed=7)
    assert audit.sample_confidence is None and audit.sample_size == 2
    item = audit.sample_items.first()
    with pytest.raises(ValidationFailed) as refused:
        audit_sample_check(
            item=item, actor=actor, checks=["acknowledged_in_time"], result="nonconforming"
        )
    assert "note" in refused.value.fields
    with pytest.raises(ValidationFailed):
        audit_sample_check(item=item, actor=actor, checks=[], result="conforming")
    checked = audit_sample_check(
        item=item,
        actor=actor,
        checks=["acknowledged_in_time", "records_complete"],
        result="nonconforming",
        note="Xác nhận trễ 2 ngày",
    )
    assert checked.result == "nonconforming"
    with pytest.raises(Conflict):
        audit_sample_draw(audit=audit, actor=actor, size=2)
