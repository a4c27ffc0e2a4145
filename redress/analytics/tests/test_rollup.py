"""The rollup gives exactly what the direct computation over the register gives, for every KPI,
every person and every filter it covers, and stays so as the lifecycle moves complaints."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import numpy as np
import pytest

from redress.analytics import figures, rollup
from redress.analytics.cohort import NONE, Cohort, Filters, Period
from redress.analytics.kpis import kpis_compute
from redress.analytics.models import RollupFigures, RollupStale, RollupState
from redress.analytics.rollup_figures import WIDTHS, Histogram
from redress.analytics.tables import breakdown_compute
from redress.analytics.testing import VN, at, random_register, register_row
from redress.complaints.models import Channel, Complaint, Priority, Status
from redress.complaints.testing import CategoryFactory, ProductFactory
from redress.core.read_memo import read_memo
from redress.core.testing import UnitFactory
from redress.handling.testing import complaint_in_state, make_team
from redress.improvement.figures import _cause_names
from redress.improvement.models import Cause, Investigation

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=VN)
PERIODS = [
    Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),  # whole months
    Period(dt.date(2026, 1, 17), dt.date(2026, 5, 3)),  # months and loose days
    Period(dt.date(2026, 2, 10), dt.date(2026, 2, 10)),  # one day
]


def _figures(cohort_of, periods, filters_list, people, cases=None):
    """Every KPI for each period and each (person, filters) case: by default every person with
    every filter."""
    found = {}
    for person, filters in cases or [(p, f) for p in people for f in filters_list]:
        for period in periods:
            cohort = cohort_of(person, period, filters)
            for result in kpis_compute(cohort):
                key = (getattr(person, "username", None), period, filters, result.kpi.code)
                found[key] = result.figure
    return found


def _compare(people, filters_list, periods=PERIODS, cases=None):
    """Every KPI from the rollup and directly, for each person, period and filter (or each of
    the given (person, filters) cases)."""

    def cohort_of(person, period, filters):
        return Cohort(user=person, period=period, filters=filters, now=NOW)

    assert all(
        figures._rolled(cohort_of(people[0], period, filters))
        for period in periods
        for filters in filters_list
    ), "the rollup should cover these cohorts"
    rolled = _figures(cohort_of, periods, filters_list, people, cases)
    state = list(RollupState.objects.all())
    RollupState.objects.all().delete()  # not built: everything is computed directly
    direct = _figures(cohort_of, periods, filters_list, people, cases)
    RollupState.objects.bulk_create(state)
    differ = {key: (rolled[key], direct[key]) for key in direct if rolled[key] != direct[key]}
    assert not differ
    return rolled


@pytest.fixture
def register():
    """A random register over two units (one below the other) and a category tree, read by a
    manager who also owns a complaint elsewhere and is the subject of one in their unit."""
    team = make_team()
    branch = UnitFactory.create(parent=team.unit)
    elsewhere = UnitFactory.create()
    parent = CategoryFactory.create()
    categories = [parent, CategoryFactory.create(parent=parent), CategoryFactory.create()]
    product = ProductFactory.create()
    rng = random.Random(7)
    complaints = random_register(
        rng,
        units=[team.unit, branch, elsewhere],
        categories=categories,
        decider=team.handler,
        count=160,
        first=at("2026-01-01 00:00"),
        days=180,
    )
    for complaint in complaints[::7]:
        complaint.product = product
        complaint.save(update_fields=["product"])
    register_row(
        elsewhere, "2026-03-03 10:00", owner=team.manager, acknowledged_at=at("2026-03-03 10:07")
    )
    register_row(team.unit, "2026-03-04 11:00", subject_staff=team.manager)
    # Open complaints on each of the 45 days before now: the backlog's age limits fall among them.
    for days in range(45):
        register_row(branch, NOW - dt.timedelta(days=days, hours=1))
    return team, branch, categories, product


def test_every_kpi_from_the_rollup_equals_the_direct_computation(register):
    team, branch, categories, product = register
    filters_list = [
        Filters(),
        Filters(unit=branch.pk),
        Filters(category=categories[0].pk),  # with its sub-category
        Filters(category=NONE),
        Filters(channel=Channel.EMAIL),
        Filters(priority=Priority.HIGH, unit=team.unit.pk),
        Filters(product=product.pk),
        Filters(product=NONE),
    ]
    people = [team.manager, team.top, team.handler, team.auditor, None]
    # A person's scope and the unit filter both choose units, so every person is read with and
    # without it; the other filters choose within the units, each read by the manager (who has
    # corrections both ways) and with no person at all.
    by_unit = [(person, filters) for person in people for filters in filters_list[:2]]
    within = [(person, f) for person in (team.manager, None) for f in filters_list[2:]]
    rolled = _compare(people, filters_list, cases=by_unit + within)
    # The comparison is not empty: the register gives figures in every section.
    whole = {key[3]: fig for key, fig in rolled.items() if key[:3] == (None, PERIODS[0], Filters())}
    for code in (
        "volume",
        "ack_on_time_pct",
        "median_hours_to_ack",
        "upheld_pct",
        "satisfaction_mean",
        "remedy_cost_total",
        "median_working_days_to_close",
        "vn7_compliance_pct",
        "review_on_time_pct",
    ):
        assert whole[code].value not in (None, 0), code


def test_two_dimensions_at_once_are_computed_directly(register):
    team, _branch, categories, _product = register
    cohort = Cohort(
        team.manager,
        PERIODS[0],
        Filters(category=categories[0].pk, channel=Channel.EMAIL),
        now=NOW,
    )
    assert not figures._rolled(cohort)


def test_the_lifecycle_keeps_the_rollup_current(register):
    team, _branch, _categories, _product = register
    rollup.rollup_refresh()
    assert not RollupStale.objects.exists()
    today = Period(dt.date.today() - dt.timedelta(days=2), dt.date.today())
    before = kpis_compute(Cohort(team.manager, today, now=NOW))
    closed = complaint_in_state(Status.CLOSED, team)
    complaint_in_state(Status.ACKNOWLEDGED, team)
    # Each action marked its day and unit; the reader refreshes them before it reads.
    assert RollupStale.objects.filter(unit_id=closed.unit_id).exists()
    after = {r.kpi.code: r.figure for r in kpis_compute(Cohort(team.manager, today, now=NOW))}
    assert not RollupStale.objects.exists()
    assert after["volume"].value == {r.kpi.code: r.figure for r in before}["volume"].value + 2
    _compare([team.manager, team.top], [Filters()], periods=[today])


def test_a_rebuild_writes_what_the_refreshes_wrote(register):
    rollup.rollup_refresh()
    refreshed = sorted(
        RollupFigures.objects.values_list(
            "level",
            "start",
            "unit_id",
            "dimension",
            "value",
            "volume",
            "figures",
            "ack_minutes",
            "close_days",
        )
    )
    rollup.rollup_rebuild()
    rebuilt = sorted(
        RollupFigures.objects.values_list(
            "level",
            "start",
            "unit_id",
            "dimension",
            "value",
            "volume",
            "figures",
            "ack_minutes",
            "close_days",
        )
    )
    assert refreshed == rebuilt
    assert {row[0] for row in rebuilt} == {"day", "month"}


def test_a_reassigned_complaint_refreshes_the_unit_it_left(register):
    team, branch, _categories, _product = register
    rollup.rollup_refresh()
    complaint = register_row(team.unit, "2026-02-10 09:00")
    rollup.rollup_refresh()
    complaint.unit = branch
    complaint.save(update_fields=["unit"])
    rollup.rollup_mark(complaint, unit_ids=[team.unit.pk])
    _compare([team.top], [Filters(unit=branch.pk), Filters()], periods=[PERIODS[2]])


def test_the_cohorts_of_one_request_read_the_same_figures_as_without_the_request(register):
    """Within one GET request (``read_memo``) the rollup asks once whether any cell is stale and
    whether the person sees complaints outside their units or has some hidden inside them (the
    manager has both); every cohort's figures are the ones read without it."""
    team, branch, *_ = register

    def cohort_of(person, period, filters):
        return Cohort(user=person, period=period, filters=filters, now=NOW)

    filters_list = [Filters(), Filters(unit=branch.pk), Filters(channel=Channel.EMAIL)]
    people = [team.top, team.manager, team.handler]  # the manager after one without corrections
    without = _figures(cohort_of, PERIODS, filters_list, people)
    stale = Complaint.objects.filter(unit=branch).first()
    rollup.rollup_mark_received([(stale.received_at, stale.unit_id)])
    with read_memo():
        within = _figures(cohort_of, PERIODS, filters_list, people)
    assert within == without
    assert not RollupStale.objects.exists(), "the stale cell was refreshed"


def _histogram(values):
    histogram = Histogram()
    for value in values:
        histogram.add(value)
    return histogram


@pytest.mark.parametrize("dense", [True, False], ids=["month", "day"])
@pytest.mark.parametrize(
    "values",
    [[], [5], [1, 3], [1, 1, 9], [1, 2, 9, 9], [-3, 0, 40_000, 7], [30_000, 25_000, -1, -1, 2]],
)
def test_the_median_of_a_histogram_is_the_median_of_its_values(values, dense):
    from redress.analytics.measures import median

    histogram = _histogram(values)
    assert histogram.median() == median(sorted(values))
    copy = Histogram()
    stored, packed = histogram.stored(dense=dense)
    copy.add_stored(stored, packed, dense=dense)
    copy.add_histogram(_histogram(values[:1]))
    copy.add_histogram(_histogram(values[:1]), sign=-1)
    assert copy.median() == median(sorted(values)) and copy.count() == len(values)


@pytest.mark.parametrize(
    ("repeats", "width"), [(1, 1), (255, 1), (256, 2), (65_535, 2), (65_536, 4)]
)
def test_a_month_packs_its_counts_in_the_fewest_bytes_and_reads_them_back(repeats, width):
    """A month's counts take one byte each while they stay under 256, two under 65,536, four
    beyond; the histogram read back is the same."""
    histogram = Histogram()
    for value, count in ((0, 3), (17, repeats), (1_439, 1), (30_000, 2)):
        histogram.add(value, count)
    stored, packed = histogram.stored(dense=True)
    assert stored.get("width", 4) == width
    assert len(packed) == 1_440 * width  # the minutes 0 to 1,439; 30,000 is kept in the lists
    copy = Histogram()
    copy.add_stored(stored, packed, dense=True)
    assert copy.count() == histogram.count() and copy.median() == histogram.median()


def test_a_month_stored_with_four_bytes_a_count_is_read_the_same(register):
    """Month rows written by an earlier release pack every count in four bytes and say no
    width; they are read as before until the rollup is rebuilt."""
    team, *_ = register
    cohort = Cohort(user=team.top, period=PERIODS[0], now=NOW)
    assert figures._rolled(cohort)
    narrow = [result.figure for result in kpis_compute(cohort)]
    months = RollupFigures.objects.filter(level="month").exclude(ack_minutes=b"")
    assert all(row.figures["ack_minutes"]["width"] == 1 for row in months)
    for row in months:
        for name in ("ack_minutes", "close_days"):
            width = row.figures[name].pop("width", 4)
            counts = np.frombuffer(bytes(getattr(row, name)), dtype=WIDTHS[width])
            setattr(row, name, counts.astype("<i4").tobytes())
        row.save(update_fields=["figures", "ack_minutes", "close_days"])
    cohort = Cohort(user=team.top, period=PERIODS[0], now=NOW)
    assert [result.figure for result in kpis_compute(cohort)] == narrow


def test_a_day_stored_before_its_histograms_were_packed_is_read_the_same(register):
    """Day rows written by an earlier release keep their histograms in the JSON figures; they
    are read as before until the rollup is rebuilt."""
    team, *_ = register
    period = PERIODS[1]  # months and loose days: day rows are read
    cohort = Cohort(user=team.top, period=period, now=NOW)
    assert figures._rolled(cohort)
    packed = [result.figure for result in kpis_compute(cohort)]
    days = RollupFigures.objects.filter(level="day").exclude(ack_minutes=b"")
    assert days.exists(), "the day rows keep their histograms packed"
    for row in days:
        for name in ("ack_minutes", "close_days"):
            both = np.frombuffer(bytes(getattr(row, name)), dtype="<i4")
            half = len(both) // 2
            row.figures[name] = {"values": both[:half].tolist(), "counts": both[half:].tolist()}
            setattr(row, name, b"")
        row.save(update_fields=["figures", "ack_minutes", "close_days"])
    cohort = Cohort(user=team.top, period=period, now=NOW)
    assert [result.figure for result in kpis_compute(cohort)] == packed


def test_the_command_rebuilds_the_rollup_and_the_figures_are_read_from_it(register):
    from io import StringIO

    from django.core.management import call_command

    RollupState.objects.all().delete()
    out = StringIO()
    call_command("rollup", "--rebuild", stdout=out)
    assert "Rebuilt from 207 complaints" in out.getvalue()
    assert rollup.rollup_ready()
    assert not RollupStale.objects.exists()


ROLLED_BREAKDOWNS = [
    "backlog_ageing",
    "crosstab_category_unit",
    "crosstab_channel_priority",
    "crosstab_category_outcome",
    "remedy_cost",
    "pareto_category",
    "pareto_product",
    "pareto_unit",
    "pareto_channel",
    "trend_monthly",
    "sla_by_unit",
    "control_volume",
    "control_ack_on_time",
    "control_time_to_close",
]


def _tables(cases):
    found = {}
    for person, filters in cases:
        for code in ROLLED_BREAKDOWNS:
            cohort = Cohort(person, PERIODS[0], filters, now=NOW)
            table = breakdown_compute(code, cohort)
            rows = sorted((row.label, sorted(row.values.items(), key=str)) for row in table.rows)
            found[getattr(person, "username", None), filters, code] = (rows, table.summary)
    return found


def test_every_breakdown_read_from_the_rollup_equals_the_direct_computation(register):
    team, branch, categories, product = register
    people = [team.manager, team.top, team.handler, None]
    filters_list = [
        Filters(),
        Filters(unit=branch.pk),
        Filters(category=categories[0].pk),
        Filters(channel=Channel.PHONE),
        Filters(priority=Priority.HIGH),
    ]
    # Every person with and without the unit filter, the other filters as in the KPIs' test.
    cases = [(person, filters) for person in people for filters in filters_list[:2]]
    cases += [(person, f) for person in (team.manager, None) for f in filters_list[2:]]
    rolled = _tables(cases)
    state = list(RollupState.objects.all())
    RollupState.objects.all().delete()
    direct = _tables(cases)
    RollupState.objects.bulk_create(state)
    assert rolled == direct
    assert any(rows for rows, _summary in rolled.values())
    # The control chart of times to close (read from the rollup's days) had weeks to compare.
    assert any(
        rows for (_who, _f, code), (rows, _s) in rolled.items() if code == "control_time_to_close"
    )


def _causes_direct(cohort):
    """The root-cause Pareto's counts by its definition: every complaint of the cohort grouped
    by its investigation's cause (None: none recorded)."""
    names = _cause_names()
    found = Counter(cohort.complaints.values_list("investigation__root_cause", flat=True))
    return {names[key] if key is not None else None: n for key, n in found.items()}


def test_the_root_cause_pareto_equals_the_direct_counts_with_and_without_the_rollup(register):
    team, branch, categories, _product = register
    causes = list(Cause.objects.all()[:4])
    rng = random.Random(3)
    for complaint in Complaint.objects.all():
        if rng.random() < 0.4:
            Investigation.objects.create(
                complaint=complaint,
                root_cause=rng.choice([*causes, None]),
                started_at=NOW,
                updated_at=NOW,
            )
    people = [team.manager, team.top, team.handler, None]
    filters_list = [Filters(), Filters(unit=branch.pk), Filters(category=categories[0].pk)]

    def tables():
        return {
            (getattr(person, "username", None), filters): breakdown_compute(
                "pareto_cause", Cohort(person, PERIODS[1], filters, now=NOW)
            )
            for person in people
            for filters in filters_list
        }

    rolled = tables()
    state = list(RollupState.objects.all())
    RollupState.objects.all().delete()
    direct = tables()
    RollupState.objects.bulk_create(state)
    for (username, filters), table in rolled.items():
        person = next(p for p in people if getattr(p, "username", None) == username)
        expected = _causes_direct(Cohort(person, PERIODS[1], filters, now=NOW))
        without = expected.pop(None, 0)
        assert {row.label: row.values["count"] for row in table.rows} == expected
        assert table.notes == direct[username, filters].notes
        assert table.rows == direct[username, filters].rows
        assert (table.notes != []) == (without > 0)
        assert not without or str(without) in table.notes[0]
    assert any(table.rows for table in rolled.values())
