"""Breakdowns and control charts: hand-checked figures, and every count drills down to a list
of exactly that many complaints."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.control import week_starts
from redress.analytics.drill import drill_complaints
from redress.analytics.tables import BREAKDOWNS, breakdown_compute
from redress.analytics.testing import VN, at, random_register, register_row
from redress.complaints.models import Channel
from redress.complaints.testing import CategoryFactory
from redress.core.errors import ValidationFailed
from redress.core.testing import UnitFactory
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=VN)
HALF_YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture
def team():
    return make_team()


def test_pareto_sorts_groups_and_adds_the_cumulative_share(team):
    billing, delivery = (
        CategoryFactory.create(name_en="Billing"),
        CategoryFactory.create(name_en="Delivery"),
    )
    for category, count in ((billing, 5), (delivery, 3), (None, 2)):
        for _ in range(count):
            register_row(team.unit, "2026-03-02 09:00", category=category)
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)

    table = breakdown_compute("pareto_category", cohort)

    assert [
        (r.label, r.values["count"], r.values["share"], r.values["cumulative"]) for r in table.rows
    ] == [
        ("Billing", 5, 50.0, 50.0),
        ("Delivery", 3, 30.0, 80.0),
        ("(none)", 2, 20.0, 100.0),
    ]
    assert "Billing" in table.summary and "50" in table.summary
    assert drill_complaints(team.manager, table.rows[2].drill["count"]).count() == 2


def test_monthly_trend_puts_the_previous_year_alongside(team):
    register_row(team.unit, "2026-01-10 09:00")
    register_row(team.unit, "2026-01-20 09:00")
    register_row(team.unit, "2025-01-05 09:00")
    register_row(team.unit, "2025-06-30 23:00")
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)

    table = breakdown_compute("trend_monthly", cohort)

    assert [r.label for r in table.rows] == [f"{m:02d}/2026" for m in range(1, 7)]
    assert table.rows[0].values == {"count": 2, "previous_year": 1}
    assert table.rows[5].values == {"count": 0, "previous_year": 1}
    assert drill_complaints(team.manager, table.rows[5].drill["previous_year"]).count() == 1


def test_weeks_of_a_control_chart_lie_wholly_inside_the_period():
    weeks = week_starts(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))  # Sunday … Tuesday
    assert weeks == [dt.date(2026, 3, d) for d in (2, 9, 16, 23)]


def test_a_control_chart_signals_a_week_far_beyond_the_others(team):
    # Twenty quiet weeks of 2 complaints, then one week of 20.
    monday = dt.datetime(2026, 1, 5, 9, 0, tzinfo=VN)
    for week in range(21):
        for _ in range(20 if week == 20 else 2):
            register_row(team.unit, monday + dt.timedelta(weeks=week))
    cohort = Cohort(
        user=team.manager, period=Period(dt.date(2026, 1, 5), dt.date(2026, 5, 31)), now=NOW
    )

    table = breakdown_compute("control_volume", cohort)

    assert table.rows[0].values["centre"] == 2.0
    assert "we1" in table.rows[20].values["signal"]
    assert not any(r.values["signal"] for r in table.rows[:20])
    assert any("25/05/2026" in note for note in table.notes)
    assert drill_complaints(team.manager, table.rows[20].drill["value"]).count() == 20


def test_every_count_of_every_breakdown_drills_down_to_exactly_those_complaints(team):
    rng = random.Random(12)
    branch = UnitFactory.create(parent=team.unit)
    categories = [CategoryFactory.create() for _ in range(3)]
    random_register(
        rng,
        units=[team.unit, branch],
        categories=categories,
        decider=team.handler,
        count=120,
        first=at("2026-01-01 00:00"),
        days=180,
    )
    cohorts = [
        Cohort(user=team.manager, period=HALF_YEAR, now=NOW),
        Cohort(
            user=team.manager,
            period=HALF_YEAR,
            now=NOW,
            filters=Filters(unit=branch.pk, channel=Channel.EMAIL),
        ),
        Cohort(
            user=team.manager, period=HALF_YEAR, now=NOW, filters=Filters(category=categories[0].pk)
        ),
    ]
    checked = 0
    for cohort in cohorts:
        for code in BREAKDOWNS:
            table = breakdown_compute(code, cohort)
            for row in table.rows:
                for key, query in row.drill.items():
                    listed = drill_complaints(team.manager, query).count()
                    expected = row.values[key]
                    if code == "control_time_to_close" or code.startswith("control_ack"):
                        continue  # these chart a mean or a share; the list is its cohort
                    assert listed == expected, (code, row.label, key, query)
                    checked += 1
    assert checked > 100


def test_breakdowns_count_only_what_the_person_may_see(team):
    other = make_team()
    register_row(team.unit, "2026-03-02 09:00")
    register_row(other.unit, "2026-03-02 09:00")
    mine = breakdown_compute("pareto_unit", Cohort(user=team.handler, period=HALF_YEAR, now=NOW))
    everyone = breakdown_compute("pareto_unit", Cohort(user=team.top, period=HALF_YEAR, now=NOW))
    assert [r.values["count"] for r in mine.rows] == [1]
    assert sum(r.values["count"] for r in everyone.rows) == 2
    # A drill-down query does not widen what the person sees.
    assert drill_complaints(team.handler, everyone.rows[0].drill["count"]).count() <= 1


def test_an_unknown_breakdown_or_measure_is_refused_naming_it(team):
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        breakdown_compute("pareto_mood", cohort)
    assert "breakdown" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        drill_complaints(team.manager, {"measure": "nonsense"})
    assert "measure" in refused.value.fields


def test_a_chart_without_enough_weeks_of_figures_says_so_instead_of_failing(team):
    # Complaints without acknowledgement deadlines: no week has a share to chart.
    register_row(team.unit, "2026-03-02 09:00")
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)
    for code in ("control_ack_on_time", "control_time_to_close"):
        table = breakdown_compute(code, cohort)
        assert table.rows == [] and "Too few weeks" in table.summary, code


def test_deadlines_by_unit_count_internal_reviews_by_round(team):
    """Unit A: one complaint reviewed twice, on time and then still running past its deadline;
    unit B: one review decided late, one running before its deadline (not counted yet). Both
    read from the rollup and directly."""
    from redress.analytics import rollup
    from redress.analytics.models import RollupState
    from redress.sla.models import StageClock

    branch = UnitFactory.create(parent=team.unit, name_en="Branch")
    reviewed = register_row(team.unit, "2026-03-02 09:00")
    late = register_row(branch, "2026-03-03 09:00")
    start = at("2026-03-10 09:00")
    for complaint, round_, due_days, done_days, outcome in (
        (reviewed, 1, 10, 5, "met"),
        (reviewed, 2, 20, None, "running"),  # due 30/03, long past at NOW
        (late, 1, 10, 15, "breached"),
        (late, 2, 200, None, "running"),  # due after NOW
    ):
        StageClock.objects.create(
            complaint=complaint,
            stage="review",
            round=round_,
            started_at=start,
            due_at=start + dt.timedelta(days=due_days),
            completed_at=None if done_days is None else start + dt.timedelta(days=done_days),
            outcome=outcome,
        )

    def table():
        return breakdown_compute(
            "sla_by_unit", Cohort(user=team.manager, period=HALF_YEAR, now=NOW)
        )

    def by_unit():
        return {
            row.label: (row.values["review"], row.values["review_late"]) for row in table().rows
        }

    rollup.rollup_rebuild()
    assert RollupState.objects.exists()
    rolled = by_unit()
    RollupState.objects.all().delete()  # not built: computed directly
    assert (
        rolled
        == by_unit()
        == {
            team.unit.display_name("en"): (50.0, 1),
            "Branch": (0.0, 1),
        }
    )
    assert "review" in [column.key for column in table().columns]
    assert all("review_late" not in row.drill for row in table().rows)
