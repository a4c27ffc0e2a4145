"""Deadline arithmetic with real Vietnamese dates (issue 5; ISO10002.md §5.3)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redress.sla.calendar import CalendarError, PublicDays, WorkCalendar

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
VN = PublicDays("VN")


def vn_calendar(**kwargs) -> WorkCalendar:
    return WorkCalendar(public_holidays=VN.holidays, public_working_days=VN.working_days, **kwargs)


def at(text: str) -> dt.datetime:
    """A local Hà Nội time, 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ICT)


def end_of(day: str) -> dt.datetime:
    """24:00 of a local day: the deadline instant of a period ending that day."""
    return dt.datetime.fromisoformat(day).replace(tzinfo=ICT) + dt.timedelta(days=1)


# received (local), working days, the last day of the period
WORKING_DAYS = [
    # The last working afternoon before Tết 2027 (Tết: Sat 2027-02-06; days off Thu 4 – Wed 10).
    ("2027-02-03 15:00", 7, "2027-02-19"),
    # Received on Lunar New Year's Eve itself, a day off: counting starts after it just the same.
    ("2027-02-05 16:00", 7, "2027-02-19"),
    ("2027-02-03 15:00", 1, "2027-02-11"),
    # 29 April 2026: 30/4 and 1/5 (Thu, Fri) and the weekend are not counted.
    ("2026-04-29 10:00", 1, "2026-05-04"),
    ("2026-04-29 10:00", 3, "2026-05-06"),
    ("2026-04-29 10:00", 7, "2026-05-12"),
    # A Saturday receipt: Saturday is not counted (day of receipt), Sunday is a day off.
    ("2026-03-07 10:00", 1, "2026-03-09"),
    ("2026-03-07 10:00", 5, "2026-03-13"),
    # Received early on a working day: that day is still not counted (Art. 147).
    ("2026-03-09 08:00", 1, "2026-03-10"),
    ("2026-03-09 23:30", 1, "2026-03-10"),
    # A period that would end on 2 September 2026 (31/8 swapped, 1/9, 2/9 off) ends on 3/9.
    ("2026-08-25 09:00", 4, "2026-09-03"),
    # 22 August 2026 is the Saturday the state swapped into a working day (for 31/8).
    ("2026-08-21 10:00", 1, "2026-08-22"),
    # 24 November 2026, Vietnam Culture Day, is a day off from 2026.
    ("2026-11-20 14:00", 2, "2026-11-25"),
    ("2026-11-23 14:00", 1, "2026-11-25"),
    # Hùng Kings 2026 fell on a Sunday: Monday 27 April is the compensatory day off.
    ("2026-04-24 10:00", 1, "2026-04-28"),
]


@pytest.mark.parametrize(("received", "days", "last_day"), WORKING_DAYS)
def test_add_working_days_follows_the_civil_code(received, days, last_day):
    calendar = vn_calendar()
    due = calendar.add_working_days(at(received), days)
    assert due == end_of(last_day)
    assert calendar.working_days_between(at(received), due) == days


def test_receipt_just_after_midnight_local_is_counted_in_hanoi_time():
    # 17:30 UTC on Monday is 00:30 on Tuesday in Hà Nội: Tuesday is the day of receipt.
    received = dt.datetime(2026, 3, 9, 17, 30, tzinfo=dt.UTC)
    assert vn_calendar().add_working_days(received, 1) == end_of("2026-03-11")


def test_the_deadline_instant_is_24_00_of_the_last_day():
    due = vn_calendar().add_working_days(at("2026-03-09 10:00"), 1)
    assert due.astimezone(ICT) == at("2026-03-11 00:00")
    assert due == dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)


# received, calendar days, last day
CALENDAR_DAYS = [
    ("2026-03-09 10:00", 3, "2026-03-12"),
    # 7 days after 26/8/2026 is 2/9, a holiday; 3/9 is the next working day.
    ("2026-08-26 10:00", 7, "2026-09-03"),
    # 10 days after 14/11/2026 is 24/11, Culture Day: the period ends on 25/11.
    ("2026-11-14 10:00", 10, "2026-11-25"),
    # Ending on a Sunday: Monday.
    ("2026-03-05 10:00", 3, "2026-03-09"),
]


@pytest.mark.parametrize(("received", "days", "last_day"), CALENDAR_DAYS)
def test_calendar_days_end_on_the_next_working_day_when_the_last_is_off(received, days, last_day):
    assert vn_calendar().add_calendar_days(at(received), days) == end_of(last_day)


# start, working hours, result
WORKING_HOURS = [
    # Across the lunch break 12:00–13:00.
    ("2026-03-09 11:00", 2, "2026-03-09 14:00"),
    ("2026-03-09 12:30", 1, "2026-03-09 14:00"),
    ("2026-03-09 11:30", 0.5, "2026-03-09 12:00"),
    # Overnight and over the weekend.
    ("2026-03-06 16:00", 3, "2026-03-09 10:00"),
    ("2026-03-07 10:00", 2, "2026-03-09 10:00"),
    # Over 30/4–1/5 2026.
    ("2026-04-29 16:00", 4, "2026-05-04 11:00"),
    # Over Tết 2027.
    ("2027-02-03 15:00", 8, "2027-02-11 15:00"),
    # Received at night: counting starts at 08:00 the next working day.
    ("2026-03-09 21:00", 1, "2026-03-10 09:00"),
]


@pytest.mark.parametrize(("start", "hours", "result"), WORKING_HOURS)
def test_add_working_hours_skips_lunch_nights_and_days_off(start, hours, result):
    calendar = vn_calendar()
    amount = dt.timedelta(hours=hours)
    due = calendar.add_working_time(at(start), amount)
    assert due == at(result)
    assert calendar.working_time_between(at(start), due) == amount


def test_working_time_between_leaves_out_the_lunch_break():
    calendar = vn_calendar()
    assert calendar.working_time_between(
        at("2026-03-09 11:30"), at("2026-03-09 13:30")
    ) == dt.timedelta(hours=1)
    assert calendar.working_time_between(
        at("2026-03-09 08:00"), at("2026-03-09 17:00")
    ) == dt.timedelta(hours=8)
    assert calendar.working_time_between(
        at("2026-04-30 08:00"), at("2026-05-01 17:00")
    ) == dt.timedelta(0)


def test_an_override_swapping_a_saturday_moves_deadlines():
    # The organisation works Saturday 10 October 2026 and takes Monday 12 October off.
    swapped = vn_calendar(overrides={dt.date(2026, 10, 10): True, dt.date(2026, 10, 12): False})
    plain = vn_calendar()
    received = at("2026-10-09 10:00")
    assert swapped.add_working_days(received, 1) == end_of("2026-10-10")
    assert plain.add_working_days(received, 1) == end_of("2026-10-12")
    assert swapped.add_working_days(received, 2) == end_of("2026-10-13")
    assert swapped.add_working_time(at("2026-10-09 16:00"), dt.timedelta(hours=3)) == at(
        "2026-10-10 10:00"
    )
    assert plain.add_working_time(at("2026-10-09 16:00"), dt.timedelta(hours=3)) == at(
        "2026-10-12 10:00"
    )


def test_an_override_can_make_a_public_holiday_a_working_day_and_add_a_day_off():
    calendar = vn_calendar(overrides={dt.date(2026, 5, 1): True, dt.date(2026, 5, 4): False})
    assert calendar.add_working_days(at("2026-04-29 10:00"), 1) == end_of("2026-05-01")
    assert calendar.add_working_days(at("2026-04-29 10:00"), 2) == end_of("2026-05-05")


def test_a_24_7_calendar_counts_every_hour_of_every_day():
    calendar = vn_calendar(always_open=True)
    assert calendar.add_working_time(at("2027-02-06 22:00"), dt.timedelta(hours=4)) == at(
        "2027-02-07 02:00"
    )
    assert calendar.add_working_days(at("2027-02-05 10:00"), 1) == end_of("2027-02-06")
    assert calendar.is_working_instant(at("2026-09-02 03:00"))


def test_quiet_hours_move_to_the_next_working_instant():
    calendar = vn_calendar()
    assert calendar.next_working_instant(at("2026-04-29 22:00")) == at("2026-05-04 08:00")
    assert calendar.next_working_instant(at("2026-03-09 12:15")) == at("2026-03-09 13:00")
    assert calendar.next_working_instant(at("2026-03-09 17:00")) == at("2026-03-09 17:00")
    assert calendar.next_working_instant(at("2026-03-09 10:00")) == at("2026-03-09 10:00")


def test_a_calendar_without_working_days_fails_clearly():
    calendar = WorkCalendar(weekdays=frozenset())
    with pytest.raises(CalendarError):
        calendar.add_working_days(at("2026-03-09 10:00"), 1)
    with pytest.raises(CalendarError):
        calendar.add_working_time(at("2026-03-09 10:00"), dt.timedelta(hours=1))


def test_special_days_of_2026_list_holidays_and_swaps():
    special = dict(vn_calendar().special_days(2026))
    assert special[dt.date(2026, 2, 17)] is False  # Tết
    assert special[dt.date(2026, 11, 24)] is False  # Culture Day
    assert special[dt.date(2026, 8, 22)] is True  # swapped working Saturday
    assert special[dt.date(2026, 8, 31)] is False  # the day swapped off
    assert dt.date(2026, 3, 9) not in special
    assert VN.holiday_name(dt.date(2026, 9, 2))


# --------------------------------------------------------------------------------------------
# Properties

instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(ICT)
)
amounts = st.integers(min_value=1, max_value=60 * 200).map(lambda m: dt.timedelta(minutes=m))
overrides = st.dictionaries(
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2029, 12, 31)),
    st.booleans(),
    max_size=30,
)
calendars = st.builds(
    lambda extra, always: vn_calendar(overrides=extra, always_open=always), overrides, st.booleans()
)


@settings(deadline=None, max_examples=150)
@given(calendar=calendars, start=instants, amount=amounts)
def test_adding_working_time_never_lands_on_a_day_off(calendar, start, amount):
    due = calendar.add_working_time(start, amount)
    assert calendar.is_working_instant(due)
    # the instant lies in a period of a working day (a 24/7 period may end at midnight)
    landing_day = calendar.local_date(due - dt.timedelta(microseconds=1))
    assert calendar.is_working_day(landing_day)


@settings(deadline=None, max_examples=150)
@given(calendar=calendars, start=instants, amount=amounts)
def test_add_then_measure_gives_back_the_amount(calendar, start, amount):
    assert calendar.working_time_between(start, calendar.add_working_time(start, amount)) == amount


@settings(deadline=None, max_examples=150)
@given(calendar=calendars, start=instants, days=st.integers(min_value=1, max_value=40))
def test_working_days_end_on_a_working_day_and_count_back(calendar, start, days):
    due = calendar.add_working_days(start, days)
    last_day = calendar.local_date(due - dt.timedelta(microseconds=1))
    assert calendar.is_working_day(last_day)
    assert last_day > calendar.local_date(start)
    assert calendar.working_days_between(start, due) == days


@settings(deadline=None, max_examples=100)
@given(calendar=calendars, start=instants, first=amounts, second=amounts)
def test_adding_in_two_steps_equals_adding_once(calendar, start, first, second):
    # pauses extend deadlines step by step; the order of the steps must not matter
    assert calendar.add_working_time(
        calendar.add_working_time(start, first), second
    ) == calendar.add_working_time(start, first + second)
