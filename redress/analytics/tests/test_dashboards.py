"""The dashboards' data: tiles against targets, open work now and its drill-downs, a drill-down
in words, and a breakdown's figures as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.dashboards import (
    BOARDS,
    KPI_DRILL,
    MEASURE_WORDS,
    drill_describe,
    measure_words,
    row_heading,
    tile_state,
    tiles_compute,
)
from redress.analytics.drill import drill_complaints
from redress.analytics.exports import table_csv, table_xlsx
from redress.analytics.kpis import CATALOGUE, Better
from redress.analytics.measures import complaint_conditions
from redress.analytics.models import KpiTarget, kpi_choices
from redress.analytics.now import STAGES, open_work, week_end
from redress.analytics.tables import BREAKDOWNS, Column, Row, Table
from redress.analytics.testing import VN, at, register_row
from redress.complaints.models import Status
from redress.core.testing import UnitFactory
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=VN)  # a Wednesday
HALF_YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture
def team():
    return make_team()


@pytest.mark.parametrize(
    ("better", "value", "target", "state"),
    [
        (Better.HIGHER, 95, "95", "met"),
        (Better.HIGHER, 86, "95", "near"),  # within 10 % of 95 (85.5)
        (Better.HIGHER, 85, "95", "missed"),
        (Better.LOWER, 10, "10", "met"),
        (Better.LOWER, 11, "10", "near"),
        (Better.LOWER, 11.5, "10", "missed"),
        (Better.LOWER, 1, "0", "missed"),  # a target of nothing leaves no margin
        (Better.NEITHER, 50, "10", ""),
        (Better.HIGHER, None, "95", ""),
        (Better.HIGHER, 50, None, ""),
    ],
)
def test_a_tile_is_judged_against_its_target_in_the_kpis_direction(better, value, target, state):
    assert tile_state(better, value, None if target is None else Decimal(target)) == state


def test_tiles_carry_figure_target_and_the_drill_down_of_the_complaints_behind_them(team):
    register_row(team.unit, "2026-03-02 09:00", acknowledge_due_at=at("2026-03-03 09:00"))
    register_row(
        team.unit,
        "2026-03-02 09:00",
        acknowledge_due_at=at("2026-03-03 09:00"),
        acknowledged_at=at("2026-03-02 10:00"),
    )
    KpiTarget.objects.create(kpi="ack_on_time_pct", target=Decimal("90"))
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)

    tiles = {t.kpi.code: t for t in tiles_compute(cohort, ["volume", "ack_on_time_pct", "nope"])}

    assert set(tiles) == {"volume", "ack_on_time_pct"}
    ack = tiles["ack_on_time_pct"]
    assert (ack.figure.value, ack.target, ack.state) == (50.0, Decimal("90.00"), "missed")
    assert ack.drill is not None and ack.drill["measure"] == "ack_late" and ack.drill_count == 1
    assert drill_complaints(team.manager, ack.drill).count() == 1
    assert (
        tiles["volume"].drill_count
        == 2
        == drill_complaints(team.manager, tiles["volume"].drill).count()
    )


def test_every_drill_of_a_tile_and_every_measure_has_words():
    for code, (measure, kind) in KPI_DRILL.items():
        assert code in CATALOGUE and kind in ("value", "numerator", "rest")
        assert measure_words(measure)
    for measure in complaint_conditions(NOW):
        assert measure in MEASURE_WORDS, measure
    for figure in ("open", "overdue", "due_week"):
        for stage in STAGES:
            assert measure_words(f"now_{figure}_{stage}")
    assert measure_words("nonsense") == ""
    for board in BOARDS.values():
        assert set(board.kpis) <= set(CATALOGUE) and set(board.charts) <= set(BREAKDOWNS)


def test_the_week_ends_on_sunday_night_in_the_organisations_time_zone():
    assert week_end(NOW, VN) == dt.datetime(2026, 7, 20, 0, 0, tzinfo=VN)
    sunday_night = dt.datetime(2026, 7, 19, 23, 30, tzinfo=VN)
    assert week_end(sunday_night, VN) == dt.datetime(2026, 7, 20, 0, 0, tzinfo=VN)


def test_open_work_counts_by_stage_and_unit_agree_with_their_drill_downs(team):
    other = UnitFactory(parent=team.unit)
    register_row(
        team.unit,
        "2026-07-01 09:00",
        status=Status.RECEIVED,
        acknowledge_due_at=at("2026-07-02 09:00"),
    )
    register_row(
        team.unit,
        "2026-07-14 09:00",
        status=Status.RECEIVED,
        acknowledge_due_at=at("2026-07-16 09:00"),
    )
    register_row(
        other,
        "2026-07-10 09:00",
        status=Status.INVESTIGATING,
        decision_due_at=at("2026-07-25 09:00"),
    )
    register_row(
        other, "2026-07-10 09:00", status=Status.RESOLVED, close_due_at=at("2026-07-19 23:00")
    )
    register_row(
        other,
        "2026-07-10 09:00",
        status=Status.RECEIVED,
        acknowledge_due_at=at("2026-07-11 09:00"),
        paused_at=at("2026-07-10 10:00"),
    )
    register_row(
        team.unit, "2026-01-10 09:00", status=Status.CLOSED, close_due_at=at("2026-01-11 09:00")
    )
    cohort = Cohort(user=team.manager, period=HALF_YEAR, now=NOW)

    work = open_work(cohort)

    assert work.totals == {"open": 5, "overdue": 1, "due_week": 2}
    assert work.by_stage["ack"] == {"open": 3, "overdue": 1, "due_week": 1}
    assert work.by_stage["decision"] == {"open": 1, "overdue": 0, "due_week": 0}
    assert work.by_stage["close"] == {"open": 1, "overdue": 0, "due_week": 1}
    assert work.by_unit[other.pk] == {"open": 3, "overdue": 0, "due_week": 1}
    from redress.analytics.drill import Drill

    drill = Drill(cohort)
    for figure, count in work.totals.items():
        assert drill_complaints(team.manager, drill.query(f"now_{figure}")).count() == count
    for stage, counts in work.by_stage.items():
        for figure, count in counts.items():
            query = drill.query(f"now_{figure}_{stage}")
            assert drill_complaints(team.manager, query).count() == count
    for unit_id, counts in work.by_unit.items():
        for figure, count in counts.items():
            query = drill.query(f"now_{figure}", unit=unit_id)
            assert query["unit_exact"] == "1"
            assert drill_complaints(team.manager, query).count() == count


def test_open_work_follows_the_filters_but_not_the_period(team):
    register_row(team.unit, "2025-01-01 09:00", status=Status.RECEIVED, channel="email")
    register_row(team.unit, "2026-07-01 09:00", status=Status.RECEIVED, channel="web")
    cohort = Cohort(user=team.manager, period=HALF_YEAR, filters=Filters(channel="email"), now=NOW)
    assert open_work(cohort).totals["open"] == 1


def test_a_drill_down_query_reads_in_words(team):
    params = {
        "measure": "now_overdue_decision",
        "unit": team.unit.code,
        "unit_exact": "1",
        "channel": "email",
        "at": NOW.isoformat(),
    }
    description = drill_describe(params, language="en")
    assert description.about_now and description.first is None
    assert description.words == "open now and past the running deadline, waiting for a decision"
    assert description.filters == [
        ("Unit", f"{team.unit.display_name('en')} (not the ones below it)"),
        ("Channel", "Email"),
    ]
    dated = drill_describe(
        {"measure": "ack_late", "from": "2026-01-01", "to": "2026-03-31"}, language="en"
    )
    assert (dated.first, dated.last, dated.about_now) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        False,
    )


def test_the_heading_of_a_breakdowns_rows():
    assert row_heading("pareto_category") == "Category"
    assert row_heading("crosstab_channel_priority") == "Channel"
    assert row_heading("control_volume") == "Week starting"
    assert row_heading("trend_monthly") == "Month"
    for code in BREAKDOWNS:
        assert row_heading(code), code


def _table():
    return Table(
        code="remedy_cost",
        title="Cost of remedies by category",
        summary="=2 categories",
        chart="bar",
        columns=[
            Column("total", "Cost", "money"),
            Column("complaints", "Complaints with a remedy", "count", ""),
            Column("share", "Share", "percent", ""),
        ],
        rows=[
            Row("Billing", {"total": Decimal("8990000"), "complaints": 3, "share": 62.5}),
            Row("=SUM(A1)", {"total": Decimal("1500.50"), "complaints": 1, "share": None}),
        ],
        notes=["one note"],
    )


def test_a_breakdown_downloads_as_csv_with_plain_numbers():
    rows = list(
        csv.reader(io.StringIO(table_csv(_table(), heading="Category").decode("utf-8-sig")))
    )
    assert rows == [
        ["Category", "Cost", "Complaints with a remedy", "Share"],
        ["Billing", "8990000", "3", "62.5"],
        ["'=SUM(A1)", "1500.5", "1", ""],
    ]


def test_a_breakdown_downloads_as_xlsx_with_numbers_and_what_they_are():
    body = table_xlsx(_table(), heading="Category", about=[("Period", "01/01/2026 – 30/06/2026")])
    figures, about = load_workbook(io.BytesIO(body)).worksheets
    rows = list(figures.iter_rows(values_only=True))
    assert rows == [
        ("Category", "Cost", "Complaints with a remedy", "Share"),
        ("Billing", 8990000, 3, 62.5),
        ("'=SUM(A1)", 1500.5, 1, None),
    ]
    assert figures.cell(2, 2).number_format == "#,##0"
    assert figures.cell(2, 4).number_format == "0.0"
    assert list(about.iter_rows(values_only=True)) == [
        ("Title", "Cost of remedies by category"),
        ("Summary", "'=2 categories"),
        ("Period", "01/01/2026 – 30/06/2026"),
        ("Note", "one note"),
    ]


def test_a_target_is_for_a_kpi_of_the_catalogue_with_a_direction():
    codes = dict(kpi_choices())
    assert "ack_on_time_pct" in codes and "volume" not in codes
    KpiTarget(kpi="ack_on_time_pct", target=Decimal("95")).full_clean()
    for code in ("volume", "nothing"):
        with pytest.raises(ValidationError) as refused:
            KpiTarget(kpi=code, target=Decimal("1")).full_clean()
        assert "kpi" in refused.value.message_dict
