"""``trained_handler_pct`` in the KPI catalogue, against a fixture worked by hand."""

import datetime as dt

import pytest

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import CATALOGUE, kpis_compute
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.framework.models import CourseRequirement
from redress.framework.services.training import course_create, training_record_add
from redress.handling.testing import make_team
from redress.sla.testing import local

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def figure(user=None, unit=None):
    cohort = Cohort(
        user=user, period=MARCH, filters=Filters(unit=unit), now=local("2026-04-30 12:00")
    )
    (result,) = kpis_compute(cohort, ["trained_handler_pct"])
    return result.figure


@pytest.fixture
def world():
    """Unit A: h1 trained; h2 whose course X expired on 15 March; h3 without X; h4 trained but
    inactive. Unit B: h5 trained; h6 trained only on 5 April, after the period. Courses X (12
    months) and Y (never expires) are required of handlers; Z only of frontline staff, and W,
    required of handlers, is switched off. As of 31 March: 5 active handlers, 2 trained (h1,
    h5) = 40 %; in unit A 1 of 3 = 33.3 %."""
    team = make_team()
    other = UnitFactory.create()
    manager = Actor.for_user(team.manager)
    x = course_create(actor=manager, code="x", name="X", valid_months=12, roles=[Role.HANDLER])
    y = course_create(actor=manager, code="y", name="Y", roles=[Role.HANDLER])
    course_create(actor=manager, code="z", name="Z", roles=[Role.FRONTLINE])
    w = course_create(actor=manager, code="w", name="W", roles=[Role.HANDLER])
    w.active = False
    w.save(update_fields=["active"])
    h1, h2, h3 = team.handler, staff(Role.HANDLER, team.unit), staff(Role.HANDLER, team.unit)
    h4 = staff(Role.HANDLER, team.unit)
    h5, h6 = staff(Role.HANDLER, other), staff(Role.HANDLER, other)

    def trained(person, course, day):
        training_record_add(actor=manager, user=person, course=course, completed_on=day)

    for person in (h1, h4, h5):
        trained(person, x, dt.date(2025, 6, 1))
        trained(person, y, dt.date(2025, 6, 1))
    trained(h2, x, dt.date(2025, 3, 15))  # expires on 15 March 2026
    trained(h2, y, dt.date(2025, 3, 15))
    trained(h3, y, dt.date(2025, 3, 15))
    trained(h6, x, dt.date(2026, 4, 5))
    trained(h6, y, dt.date(2026, 4, 5))
    h4.is_active = False
    h4.save(update_fields=["is_active"])
    return team, other


def test_the_kpi_is_in_the_catalogue():
    kpi = CATALOGUE["trained_handler_pct"]
    assert (kpi.unit, kpi.better, kpi.section) == ("percent", "higher", "resources")


def test_the_whole_organisation_as_of_the_period_end(world):
    found = figure()
    assert (found.value, found.numerator, found.denominator) == (40.0, 2, 5)


def test_the_unit_filter_and_a_managers_view_count_the_units_handlers(world):
    team, _other = world
    assert (figure(unit=team.unit.pk).numerator, figure(unit=team.unit.pk).denominator) == (1, 3)
    assert figure(unit=team.unit.pk).value == 33.3
    assert figure(user=team.manager).denominator == 3
    assert figure(user=team.top).denominator == 5


def test_with_no_course_required_every_handler_counts_as_trained(world):
    CourseRequirement.objects.filter(role=Role.HANDLER).delete()
    found = figure()
    assert (found.value, found.numerator, found.denominator) == (100.0, 5, 5)


def test_with_no_handler_there_is_no_value():
    empty = UnitFactory.create()
    found = figure(unit=empty.pk)
    assert (found.value, found.numerator, found.denominator) == (None, 0, 0)
