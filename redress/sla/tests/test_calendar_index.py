"""The indexed calendar gives exactly the answers of ``WorkCalendar`` (Tết, swapped Saturdays,
organisation changes, a 24/7 calendar, a zone with daylight saving)."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from redress.sla.calendar import PublicDays, WorkCalendar
from redress.sla.calendar_index import IndexedCalendar

VN = PublicDays("VN")

CALENDARS = {
    "vn": WorkCalendar(public_holidays=VN.holidays, public_working_days=VN.working_days),
    "vn with changes": WorkCalendar(
        public_holidays=VN.holidays,
        public_working_days=VN.working_days,
        overrides={dt.date(2027, 2, 13): True, dt.date(2026, 12, 31): False},
        weekdays=frozenset({0, 1, 2, 3, 4, 5}),
    ),
    "always open": WorkCalendar(always_open=True),
    "berlin": WorkCalendar(time_zone="Europe/Berlin", periods=((dt.time(9), dt.time(17, 30)),)),
}


def _instants(rng: random.Random, count: int, tz: str) -> list[dt.datetime]:
    base = dt.datetime(2025, 12, 1, tzinfo=ZoneInfo(tz))
    found = []
    for _ in range(count):
        instant = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 500))
        if rng.random() < 0.2:  # on the hour: period edges, midnights
            instant = instant.replace(minute=0)
        found.append(instant.astimezone(dt.UTC))
    return found


@pytest.mark.parametrize("name", CALENDARS)
def test_every_answer_is_the_plain_calendars(name):
    plain = CALENDARS[name]
    indexed = IndexedCalendar.of(plain)
    rng = random.Random(name)
    instants = _instants(rng, 400, plain.time_zone)
    for start in instants:
        end = rng.choice(instants)
        days = rng.choice([1, 2, 3, 7, 15, 30])
        hours = dt.timedelta(minutes=rng.choice([1, 30, 60 * 4, 60 * 8, 60 * 37 + 11]))
        assert indexed.add_working_days(start, days) == plain.add_working_days(start, days)
        assert indexed.add_working_time(start, hours) == plain.add_working_time(start, hours)
        assert indexed.working_time_between(start, end) == plain.working_time_between(start, end)
        assert indexed.working_days_between(start, end) == plain.working_days_between(start, end)
        assert indexed.add_calendar_days(start, days) == plain.add_calendar_days(start, days)
        day = plain.local_date(start)
        assert indexed.next_working_day(day) == plain.next_working_day(day)


def test_an_earlier_day_after_a_later_one_rebuilds_the_index():
    plain = CALENDARS["vn"]
    indexed = IndexedCalendar.of(plain)
    late = dt.datetime(2030, 1, 7, 3, tzinfo=dt.UTC)
    early = dt.datetime(2020, 1, 7, 3, tzinfo=dt.UTC)
    assert indexed.add_working_days(late, 5) == plain.add_working_days(late, 5)
    assert indexed.add_working_days(early, 5) == plain.add_working_days(early, 5)
    assert indexed.working_time_between(early, late) == plain.working_time_between(early, late)
