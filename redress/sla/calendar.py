"""Deadline arithmetic on a business calendar. Pure: no database, no clock.

A ``WorkCalendar`` knows which days are worked and which hours of a working day count. Every
function takes and returns aware datetimes; internally the arithmetic is done in UTC so that a
calendar in a zone with daylight saving never counts a wall-clock hour twice.

Rules (docs/sla.md explains them for managers):

- **Working days** follow Civil Code 2015 Art. 147–148: the day of the event (receipt) is not
  counted; counting starts on the next day; only working days count, so a period can never end
  on a day off; the period ends when the last day ends, at 24:00. The deadline instant is
  therefore local midnight at the start of the following day: anything done during the last
  day, at any hour, is on time.
- **Working hours** count only the working periods of working days (the lunch break, nights and
  days off do not count). The deadline is the exact instant the budget runs out.
- **Calendar days** are counted like working days (receipt day not counted, ending at 24:00), but
  every day counts; when the last day is a day off the period ends at the end of the next
  working day (Art. 148 for periods in days).
- **Hours** are plain clock time: received + N hours.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

UTC = dt.UTC
# Past this many days without a single working period the calendar is broken (e.g. no working
# weekday and no working-day override); stop instead of looping for ever.
SEARCH_LIMIT_DAYS = 3 * 366


class CalendarError(ValueError):
    """The calendar cannot produce a deadline (it has no working time in reach)."""


class PublicDays:
    """A country's public holidays and state-swapped working days from the ``holidays`` package.

    The package fills in a year the first time a date of that year is looked up, and only then
    knows that year's swapped working Saturdays; this wrapper looks the year up first, so both
    answers are always complete. No network: the package computes the dates (lunar Tết too).
    """

    def __init__(self, country: str, language: str | None = None) -> None:
        # Imported here: the package takes about 0.3 s to load, which every command would pay.
        import holidays

        self.country = country
        # The worker's sweep thread and its task loop may fill in a year at the same time.
        self._lock = threading.Lock()
        self._days: Any = holidays.country_holidays(country, language=language) if country else {}

    def _year(self, day: dt.date) -> None:
        if self.country and day.year not in self._days.years:
            with self._lock:
                self._days.get(day)  # fills in the year on first use

    def holiday_name(self, day: dt.date) -> str:
        self._year(day)
        return str(self._days.get(day) or "")

    def is_holiday(self, day: dt.date) -> bool:
        self._year(day)
        return day in self._days

    def is_swapped_working_day(self, day: dt.date) -> bool:
        self._year(day)
        return bool(self.country) and day in getattr(self._days, "weekend_workdays", ())

    @property
    def holidays(self) -> Container[dt.date]:
        return _Membership(self.is_holiday)

    @property
    def working_days(self) -> Container[dt.date]:
        return _Membership(self.is_swapped_working_day)


@dataclass(frozen=True)
class _Membership:
    test: Callable[[dt.date], bool]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.test(day)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours.

    ``public_holidays`` is any container of dates (the ``holidays`` package's dict-like object
    works and fills in years on demand); ``public_working_days`` are weekend days the state
    swapped into working days; ``overrides`` are the organisation's own changes (True: a working
    day, False: a day off) and win over everything else.
    """

    time_zone: str = "Asia/Ho_Chi_Minh"
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(8), dt.time(12)),
        (dt.time(13), dt.time(17)),
    )
    public_holidays: Container[dt.date] = field(default_factory=frozenset)
    public_working_days: Container[dt.date] = field(default_factory=frozenset)
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    always_open: bool = False
    # Working periods per day, filled as days are asked for: deadline arithmetic walks the same
    # few weeks for every complaint, and a calendar is kept per process (redress.core.memo).
    _periods: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        previous_end: dt.time | None = None
        for start, end in self.periods:
            if not start < end or (previous_end is not None and start < previous_end):
                raise CalendarError("Working periods must be increasing and must not overlap.")
            previous_end = end

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # ---------------------------------------------------------------------------------------
    # Days

    def is_working_day(self, day: dt.date) -> bool:
        if self.always_open:
            return True
        if day in self.overrides:
            return self.overrides[day]
        if day in self.public_working_days:
            return True
        if day in self.public_holidays:
            return False
        return day.weekday() in self.weekdays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        candidate = day
        for _ in range(SEARCH_LIMIT_DAYS):
            candidate += dt.timedelta(days=1)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError("No working day within three years.")

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.tz).date()

    def midnight(self, day: dt.date) -> dt.datetime:
        """00:00 local at the start of ``day`` (= 24:00 of the day before), in UTC."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz).astimezone(UTC)

    def end_of_day(self, instant: dt.datetime) -> dt.datetime:
        """24:00 of the local day ``instant`` falls in; an instant already at local midnight is
        taken as the end of the day before (it is the same instant)."""
        local = instant.astimezone(self.tz)
        if local.time() == dt.time(0) and local.microsecond == 0:
            return instant.astimezone(UTC)
        return self.midnight(local.date() + dt.timedelta(days=1))

    # ---------------------------------------------------------------------------------------
    # Working periods

    def periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of ``day`` as UTC instants (none on a day off). Callers must
        not change the list."""
        known = self._periods.get(day)
        if known is None:
            known = self._periods[day] = self._compute_periods(day)
        return known

    def _compute_periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        if self.always_open:
            return [(self.midnight(day), self.midnight(day + dt.timedelta(days=1)))]
        tz = self.tz
        return [
            (
                dt.datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
                dt.datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
            )
            for start, end in self.periods
        ]

    def _periods_from(self, instant: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working periods that end after ``instant``, in order (the first may have begun)."""
        day = self.local_date(instant)
        idle_days = 0
        while True:
            periods = self.periods_on(day)
            idle_days = 0 if periods else idle_days + 1
            if idle_days > SEARCH_LIMIT_DAYS:
                raise CalendarError("No working time within three years.")
            for start, end in periods:
                if end > instant:
                    yield start, end
            day += dt.timedelta(days=1)

    def is_working_instant(self, instant: dt.datetime) -> bool:
        """True inside a working period; the closing instant of a period (17:00) still counts,
        so that a reminder computed to fall exactly at the end of the day is not deferred."""
        return any(
            start <= instant <= end for start, end in self.periods_on(self.local_date(instant))
        )

    def next_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` itself when it is working time, else the start of the next period."""
        instant = instant.astimezone(UTC)
        if self.is_working_instant(instant):
            return instant
        start, _end = next(self._periods_from(instant))
        return max(start, instant)

    # ---------------------------------------------------------------------------------------
    # Adding and measuring

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The instant at which ``amount`` of working time has passed since ``start``.

        A start outside working hours counts from the next working period. The result is always
        inside a working period (or at its end), so it never falls on a day off.
        """
        if amount < dt.timedelta(0):
            raise ValueError("amount must not be negative")
        start = start.astimezone(UTC)
        if not amount:
            return start
        remaining = amount
        for period_start, period_end in self._periods_from(start):
            cursor = max(period_start, start)
            available = period_end - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        raise AssertionError("unreachable")  # _periods_from never ends; it raises instead

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time inside [start, end]; zero when ``end`` is not after ``start``."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = dt.timedelta(0)
        if end <= start:
            return total
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            for period_start, period_end in self.periods_on(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > dt.timedelta(0):
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Civil Code Art. 147–148: the end (24:00) of the ``days``-th working day after the day
        of ``start``. The day of ``start`` is never counted, even when it is a working day and
        ``start`` is early in the morning; zero days gives ``start`` itself."""
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start.astimezone(UTC)
        day = self.local_date(start)
        for _ in range(days):
            day = self.next_working_day(day)
        return self.midnight(day + dt.timedelta(days=1))

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """How many working days after the day of ``start`` have begun by ``end`` (the Civil
        Code count: the inverse of ``add_working_days``)."""
        count = 0
        day = self.local_date(start)
        while True:
            day = self.next_working_day(day)
            if self.midnight(day) >= end.astimezone(UTC):
                return count
            count += 1

    def add_calendar_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end (24:00) of the ``days``-th day after the day of ``start``; when that day is
        a day off, the end of the next working day (Civil Code Art. 148)."""
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start.astimezone(UTC)
        day = self.local_date(start) + dt.timedelta(days=days)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return self.midnight(day + dt.timedelta(days=1))

    # ---------------------------------------------------------------------------------------
    # For people

    def working_days_in_year(self, year: int) -> int:
        day, total = dt.date(year, 1, 1), 0
        while day.year == year:
            total += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return total

    def special_days(self, year: int) -> list[tuple[dt.date, bool]]:
        """The days of ``year`` that differ from the plain weekly pattern, or are public
        holidays, with whether each is worked: what a manager checks in the admin."""
        found: list[tuple[dt.date, bool]] = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            working = self.is_working_day(day)
            usual = self.always_open or day.weekday() in self.weekdays
            special = (
                day in self.overrides
                or day in self.public_holidays
                or day in self.public_working_days
            )
            if working != usual or (special and not self.always_open):
                found.append((day, working))
            day += dt.timedelta(days=1)
        return found
