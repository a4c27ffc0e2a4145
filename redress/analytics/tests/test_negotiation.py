"""The 7-working-day rule (Law 19/2023 Art. 57) counted in one aggregate agrees with each
request's clock judged on its own (``negotiation.clock_judge``, the definition), on random
clocks under two calendars, with receipts on both sides of each calendar's cut-off."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from redress.analytics.negotiation import (
    SETTLED,
    LegalLimits,
    clock_judge,
    clock_values,
    clocks_judge,
    decision_clocks,
)
from redress.analytics.testing import VN, register_row
from redress.complaints.models import Complaint
from redress.core.testing import UnitFactory
from redress.handling.testing import make_team
from redress.sla.models import BusinessCalendar, CalendarOverride, StageClock

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=VN)
# The very instant the limit of a request received on Monday 6 April ends: not yet passed.
AT_A_LIMIT = dt.datetime(2026, 4, 16, 0, 0, tzinfo=VN)
OUTCOMES = list(StageClock.Outcome)


def _request(unit, received: dt.datetime, **clock) -> None:
    complaint = register_row(unit, received, is_negotiation_request=clock.pop("request", True))
    clock.setdefault("stage", "decision")
    clock.setdefault("due_at", received + dt.timedelta(days=3))
    StageClock.objects.create(complaint=complaint, started_at=received, **clock)


def _random_requests(rng: random.Random, units: list) -> None:
    # Running on the policy's own target, received at either end of the days around the
    # cut-offs (Monday 6 April for the default calendar, Tuesday 7 April for the shop's,
    # Thursday 2 April for the depot's).
    for unit in units:
        for day in range(1, 9):
            for hour, minute in ((0, 0), (23, 59)):
                _request(unit, dt.datetime(2026, 4, day, hour, minute, tzinfo=VN))
    for number in range(60):
        # Receipts over the three weeks before now, many of them at either end of a local day.
        day = NOW - dt.timedelta(days=rng.randint(0, 21))
        received = rng.choice(
            [
                day.replace(hour=0, minute=0),
                day.replace(hour=23, minute=59),
                day.replace(hour=rng.randint(1, 22), minute=rng.randint(0, 59)),
            ]
        )
        _request(
            rng.choice(units),
            received,
            request=number % 10 != 0,
            stage=rng.choice(["decision"] * 5 + ["assess"]),
            round=rng.choice([1, 1, 1, 2]),
            due_at=rng.choice([None, received + dt.timedelta(days=rng.uniform(1, 14))]),
            statutory=rng.random() < 0.5,
            outcome=rng.choice(OUTCOMES),
            completed_at=rng.choice([None, received + dt.timedelta(days=rng.uniform(0, 20))]),
        )


def _judged_one_by_one(now: dt.datetime, *, waiting: bool) -> tuple[int, int]:
    clocks = decision_clocks(Complaint.objects.all())
    if waiting:
        clocks = clocks.exclude(SETTLED)
    limits = LegalLimits()
    counted = met = 0
    for clock in clock_values(clocks):
        one_counted, one_met = clock_judge(clock, now, limits)
        counted += one_counted
        met += one_met
    return counted, met


@pytest.mark.parametrize(("seed", "now"), [(1, NOW), (2, NOW), (3, AT_A_LIMIT)])
def test_one_aggregate_counts_as_each_clock_judged_on_its_own(seed, now):
    team = make_team()
    # A second calendar: Saturdays worked (a request of Monday 6 April is late there by now),
    # and a day off long before the requests (it must not move anything).
    shop = BusinessCalendar.objects.create(name="Cửa hàng", working_weekdays="0,1,2,3,4,5")
    CalendarOverride.objects.create(
        calendar=shop, date=dt.date(2026, 2, 2), kind=CalendarOverride.Kind.DAY_OFF
    )
    # A third: Monday to Thursday (its cut-off is earlier than the default calendar's).
    short_week = BusinessCalendar.objects.create(name="Kho", working_weekdays="0,1,2,3")
    # Named to come after the team's units, so that the default calendar is the first group
    # (the one that also serves a unit no other calendar names).
    store = UnitFactory(calendar=shop, name="Z cửa hàng")
    depot = UnitFactory(calendar=short_week, name="Z kho")
    assert LegalLimits().groups[0][1] is not None
    assert team.unit.pk in LegalLimits().groups[0][1]
    _random_requests(random.Random(seed), [team.unit, store, depot])

    for waiting in (False, True):
        expected = _judged_one_by_one(now, waiting=waiting)
        found = clocks_judge(Complaint.objects.all(), now, LegalLimits(), waiting=waiting)
        assert found == expected
        assert expected[0] > 0


def test_the_cut_off_is_the_start_of_the_first_day_of_receipt_still_within_the_limit():
    limits = LegalLimits()
    calendar = limits.groups[0][0]
    condition = limits.passed(NOW)
    # Wednesday 15 April 2026 10:00: a request received on Monday 6 April had to be answered
    # by the end of Wednesday 15 April (7 working days: 7–10 and 13–15 April), so it is not
    # yet late; one received on Friday 3 April is (its limit was the end of 14 April).
    limit_monday = limits.limit(0, dt.datetime(2026, 4, 6, 9, 0, tzinfo=VN))
    assert limit_monday == calendar.midnight(dt.date(2026, 4, 16))
    assert limits.limit(0, dt.datetime(2026, 4, 3, 23, 0, tzinfo=VN)) < NOW
    unit = make_team().unit
    sunday = register_row(unit, dt.datetime(2026, 4, 5, 23, 59, tzinfo=VN))
    monday = register_row(unit, dt.datetime(2026, 4, 6, 0, 0, tzinfo=VN))
    late = set(Complaint.objects.filter(condition).values_list("pk", flat=True))
    # Received on Sunday: the 7 working days started on Monday and ended on Tuesday 14 April.
    assert sunday.pk in late
    assert monday.pk not in late
