"""Days off and swapped working days added by administrators (``sla.services.calendars``):
the calendar counts them at once, each change is audited, a day already so is refused."""

import datetime as dt

import pytest

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.sla.models import BusinessCalendar, CalendarOverride
from redress.sla.selectors import work_calendar
from redress.sla.services.calendars import calendar_day_add, calendar_day_remove

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
MONDAY = dt.date(2026, 12, 7)
SUNDAY = dt.date(2026, 12, 6)


@pytest.fixture
def admin():
    return Actor.for_user(staff(Role.ADMIN, UnitFactory.create()))


@pytest.fixture
def calendar():
    return BusinessCalendar.objects.get(is_default=True)


def test_a_day_off_is_counted_at_once_and_audited(admin, calendar):
    assert work_calendar(calendar).is_working_day(MONDAY)
    calendar_day_add(
        actor=admin, calendar=calendar, date=MONDAY, kind="day_off", name="Nghỉ bù", today=TODAY
    )
    assert not work_calendar(calendar).is_working_day(MONDAY)
    entry = AuditEntry.objects.get(action="sla.calendar_day_add")
    assert entry.after == {"date": "2026-12-07", "kind": "day_off", "name": "Nghỉ bù"}


def test_a_day_already_off_or_already_changed_is_refused(admin, calendar):
    with pytest.raises(ValidationFailed) as refused:
        calendar_day_add(
            actor=admin, calendar=calendar, date=SUNDAY, kind="day_off", name="X", today=TODAY
        )
    assert set(refused.value.fields) == {"date"}
    calendar_day_add(
        actor=admin, calendar=calendar, date=SUNDAY, kind="working_day", name="Làm bù", today=TODAY
    )
    with pytest.raises(ValidationFailed) as refused:
        calendar_day_add(
            actor=admin, calendar=calendar, date=SUNDAY, kind="day_off", name="X", today=TODAY
        )
    assert set(refused.value.fields) == {"date"}


def test_missing_fields_and_far_years_are_named(admin, calendar):
    with pytest.raises(ValidationFailed) as refused:
        calendar_day_add(actor=admin, calendar=calendar, date=None, kind="x", name=" ", today=TODAY)
    assert set(refused.value.fields) == {"date", "kind", "name"}
    with pytest.raises(ValidationFailed) as refused:
        calendar_day_add(
            actor=admin,
            calendar=calendar,
            date=dt.date(2035, 1, 2),
            kind="day_off",
            name="X",
            today=TODAY,
        )
    assert set(refused.value.fields) == {"date"}
    assert not CalendarOverride.objects.exists()


def test_a_removed_change_gives_the_day_back(admin, calendar):
    override = calendar_day_add(
        actor=admin, calendar=calendar, date=MONDAY, kind="day_off", name="Nghỉ", today=TODAY
    )
    calendar_day_remove(actor=admin, override=override)
    assert work_calendar(calendar).is_working_day(MONDAY)
    entry = AuditEntry.objects.get(action="sla.calendar_day_remove")
    assert entry.before["date"] == "2026-12-07"


def test_only_administrators_change_calendars(calendar):
    handler = Actor.for_user(staff(Role.HANDLER, UnitFactory.create()))
    with pytest.raises(NotPermitted):
        calendar_day_add(
            actor=handler, calendar=calendar, date=MONDAY, kind="day_off", name="X", today=TODAY
        )
