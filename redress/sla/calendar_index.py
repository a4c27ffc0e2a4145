"""A business calendar with its working time indexed: the same answers as ``WorkCalendar``, in
a few binary searches instead of a walk over the days. Pure: no database, no clock.

Rebuilding the deadlines of a million complaints asks the same few hundred days the same
questions millions of times. ``IndexedCalendar`` works each day out once (is it worked, its
working periods, the working time before it) and answers every question from those lists:

- working time between two instants is the difference of the working time before each;
- adding working time is finding the period in which the running total reaches the amount;
- adding working days is stepping along the sorted list of working days.

The index grows a year at a time as later days are asked for (and is rebuilt from further back
when an earlier one is). ``tests/test_calendar_index.py`` compares it with ``WorkCalendar``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo

from redress.sla.calendar import SEARCH_LIMIT_DAYS, UTC, CalendarError, WorkCalendar

ONE_MICROSECOND = dt.timedelta(microseconds=1)
# How many days the index grows by each time it must.
GROWTH_DAYS = 400


@dataclass(frozen=True)
class IndexedCalendar(WorkCalendar):
    """``WorkCalendar`` with its days worked out once and kept in sorted lists."""

    _index: dict[str, list] = field(  # type: ignore[type-arg]
        default_factory=dict, init=False, repr=False, compare=False
    )
    _working: dict[dt.date, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _midnights: dict[dt.date, dt.datetime] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # The instants inside which every answer is already in the index: [low, high).
    _bounds: list[dt.datetime] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        # The zone is looked up once (``WorkCalendar.tz`` builds it on each call).
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))

    @property
    def tz(self) -> ZoneInfo:
        return self._zone  # type: ignore[attr-defined,no-any-return]

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self._zone).date()  # type: ignore[attr-defined]

    def midnight(self, day: dt.date) -> dt.datetime:
        known = self._midnights.get(day)
        if known is None:
            known = self._midnights[day] = super().midnight(day)
        return known

    @classmethod
    def of(cls, calendar: WorkCalendar) -> IndexedCalendar:
        """The indexed twin of ``calendar`` (same days, hours, holidays and changes)."""
        if isinstance(calendar, IndexedCalendar):
            return calendar
        values = {f.name: getattr(calendar, f.name) for f in fields(WorkCalendar) if f.init}
        return cls(**values)

    # ---------------------------------------------------------------------------------------
    # The index: per period its start, end and the working time before it (µs); the working
    # days with their midnights; the days covered.

    def is_working_day(self, day: dt.date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = super().is_working_day(day)
        return known

    def _reset(self, first: dt.date) -> None:
        index = self._index
        index.clear()
        for name in ("starts", "ends", "before", "after", "days", "midnights"):
            index[name] = []
        # [first day, day after the last] covered; the idle days run at the end.
        index["span"] = [first, first, 0]
        self._bounds.clear()

    def _grow(self) -> None:
        index = self._index
        span = index["span"]
        starts, ends, before, after = (
            index["starts"],
            index["ends"],
            index["before"],
            index["after"],
        )
        total = after[-1] if after else 0
        day = span[1]
        for _ in range(GROWTH_DAYS):
            periods = self.periods_on(day)
            if periods:
                span[2] = 0
                index["days"].append(day.toordinal())
                index["midnights"].append(self.midnight(day))
            else:
                span[2] += 1
            for start, end in periods:
                starts.append(start)
                ends.append(end)
                before.append(total)
                total += (end - start) // ONE_MICROSECOND
                after.append(total)
            day += dt.timedelta(days=1)
        span[1] = day
        self._bounds[:] = [
            self.midnight(span[0] + dt.timedelta(days=1)),
            self.midnight(day - dt.timedelta(days=1)),
        ]
        if span[2] > SEARCH_LIMIT_DAYS:
            raise CalendarError("No working time within three years.")

    def _cover(self, instant: dt.datetime) -> None:
        """Make the index reach past ``instant`` (and a day either side)."""
        bounds = self._bounds
        if bounds and bounds[0] <= instant < bounds[1]:
            return
        day = self.local_date(instant)
        index = self._index
        if not index or day - dt.timedelta(days=1) < index["span"][0]:
            self._reset(day - dt.timedelta(days=GROWTH_DAYS))
        while day + dt.timedelta(days=1) >= index["span"][1]:
            self._grow()

    def _worked_before(self, instant: dt.datetime) -> int:
        """Working time (µs) from the start of the index to ``instant`` (covered)."""
        index = self._index
        starts = index["starts"]
        k = bisect_right(starts, instant) - 1
        if k < 0:
            return 0
        length = index["after"][k] - index["before"][k]
        return int(index["before"][k] + min((instant - starts[k]) // ONE_MICROSECOND, length))

    # ---------------------------------------------------------------------------------------
    # The answers (each as ``WorkCalendar`` defines it)

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return dt.timedelta(0)
        self._cover(start)
        self._cover(end)
        return dt.timedelta(microseconds=self._worked_before(end) - self._worked_before(start))

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        if amount < dt.timedelta(0):
            raise ValueError("amount must not be negative")
        start = start.astimezone(UTC)
        if not amount:
            return start
        self._cover(start)
        goal = self._worked_before(start) + amount // ONE_MICROSECOND
        index = self._index
        while not index["after"] or index["after"][-1] < goal:
            self._grow()
        k = bisect_left(index["after"], goal)
        return index["starts"][k] + dt.timedelta(microseconds=goal - index["before"][k])

    def _working_day_after(self, day: dt.date, steps: int) -> dt.date:
        """The ``steps``-th working day strictly after ``day`` (steps ≥ 1)."""
        self._cover(self.midnight(day))
        index = self._index
        position = bisect_right(index["days"], day.toordinal()) + steps - 1
        while position >= len(index["days"]):
            self._grow()
        return dt.date.fromordinal(index["days"][position])

    def next_working_day(self, day: dt.date) -> dt.date:
        return self._working_day_after(day, 1)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start.astimezone(UTC)
        day = self._working_day_after(self.local_date(start), days)
        return self.midnight(day + dt.timedelta(days=1))

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        # The working days after the day of ``start`` whose midnight is before ``end``.
        end = end.astimezone(UTC)
        first = self.local_date(start)
        self._cover(self.midnight(first))
        self._cover(end)
        index = self._index
        while not index["midnights"] or index["midnights"][-1] < end:
            self._grow()
        return max(
            bisect_left(index["midnights"], end) - bisect_right(index["days"], first.toordinal()),
            0,
        )
