"""Dashboards by role, KPI tiles against their targets, the period and filter controls, the
chart component, its downloads, and the drill-down page behind every count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from redress.analytics.models import KpiTarget
from redress.analytics.rollup import rollup_refresh
from redress.analytics.testing import register_row
from redress.complaints.models import Status
from redress.complaints.testing import CategoryFactory
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import UnitFactory, staff
from redress.sla.models import StageClock

pytestmark = pytest.mark.django_db

HOME = "/staff/"
DRILL = "/staff/analytics/complaints/"


@pytest.fixture
def signed_in(client):
    """Sign a person in, reading the staff site in English unless asked otherwise."""

    def sign_in(user, language="en"):
        User.objects.filter(pk=user.pk).update(language=language)
        client.force_login(User.objects.get(pk=user.pk))
        return client

    return sign_in


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def group(team, *, category=None):
    """Three complaints a dashboard tells apart: acknowledged late and now past the assessment
    deadline; acknowledged on time and due within minutes; closed, significant and reopened."""
    organisation_get()
    now = timezone.now()
    late = register_row(
        team.unit,
        days_ago(20),
        category=category,
        status=Status.ACKNOWLEDGED,
        acknowledge_due_at=days_ago(19),
        acknowledged_at=days_ago(18),
        assess_due_at=days_ago(10),
    )
    due = register_row(
        team.unit,
        days_ago(3),
        category=category,
        status=Status.INVESTIGATING,
        owner=team.handler,
        acknowledge_due_at=days_ago(2),
        acknowledged_at=days_ago(2.5),
        assess_due_at=days_ago(1),
        assessed_at=days_ago(1.5),
        decision_due_at=now + dt.timedelta(minutes=2),
    )
    closed = register_row(
        team.unit,
        days_ago(40),
        category=category,
        status=Status.CLOSED,
        is_significant=True,
        reopen_count=1,
        acknowledge_due_at=days_ago(39),
        acknowledged_at=days_ago(39.5),
        closed_at=days_ago(5),
        close_due_at=days_ago(2),
    )
    return late, due, closed


def tiles_of(response):
    return {tile.kpi.code: tile for tile in response.context["tiles"]}


def drill_found(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.context["found"]


# ---------------------------------------------------------------------------------------------
# Landing by role


@pytest.mark.parametrize(
    ("who", "board"), [("manager", "manager"), ("top", "top"), ("handler", "handler")]
)
def test_staff_home_is_the_dashboard_of_the_role(team, signed_in, who, board):
    response = signed_in(getattr(team, who)).get(HOME)
    assert response.status_code == 200
    assert response.context["board"] == board
    body = response.content.decode()
    # The queues stay one click away in the navigation.
    assert reverse("backoffice:queue", args=["mine"]) in body
    assert 'aria-current="page">Dashboard' in body


@pytest.mark.parametrize(("who", "queue"), [("frontline", "unit"), ("auditor", "all")])
def test_other_roles_land_on_their_queue_as_before(team, signed_in, who, queue):
    response = signed_in(getattr(team, who)).get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:queue", args=[queue])


def test_a_person_with_several_roles_switches_between_their_dashboards(team, signed_in):
    staff_member = staff(Role.HANDLER, team.unit)
    staff_member.memberships.create(unit=team.unit, role=Role.TOP_MANAGEMENT)
    client = signed_in(staff_member)
    assert client.get(HOME).context["board"] == "top"
    response = client.get(HOME + "?board=handler")
    assert response.context["board"] == "handler"
    assert 'name="board" value="handler"' in response.content.decode()
    assert client.get(HOME + "?board=manager").context["board"] == "top"  # not theirs


# ---------------------------------------------------------------------------------------------
# The manager's dashboard


def test_manager_sees_open_work_by_stage_and_unit_and_each_count_lists_those_complaints(
    team, signed_in
):
    for _ in range(2):
        group(team)
    client = signed_in(team.manager)
    response = client.get(HOME)
    assert response.status_code == 200
    totals = {cell.figure: cell for cell in response.context["now_tiles"]}
    assert (totals["open"].count, totals["overdue"].count, totals["due_week"].count) == (4, 2, 2)
    stages = {
        row.label: {c.figure: c.count for c in row.cells} for row in response.context["stage_rows"]
    }
    assert stages["Assessment"] == {"open": 2, "overdue": 2, "due_week": 0}
    assert stages["Decision"] == {"open": 2, "overdue": 0, "due_week": 2}
    cells = [*response.context["now_tiles"]]
    for row in [*response.context["stage_rows"], *response.context["unit_rows"]]:
        cells += row.cells
    for cell in cells:
        assert drill_found(client, cell.url) == cell.count, cell


def test_tiles_link_to_the_complaints_they_count_and_the_counts_agree(team, signed_in):
    for _ in range(3):
        group(team)
    client = signed_in(team.manager)
    tiles = tiles_of(client.get(HOME))
    assert tiles["volume"].figure.value == 9
    ack = tiles["ack_on_time_pct"]
    assert (ack.figure.numerator, ack.figure.denominator, ack.drill_count) == (6, 9, 3)
    for tile in tiles.values():
        if tile.drill is None:
            continue
        url = DRILL + "?" + "&".join(f"{k}={v}" for k, v in tile.drill.items())
        assert drill_found(client, url.replace("+", "%2B")) == tile.drill_count, tile.kpi.code


def test_tiles_are_green_amber_or_red_against_their_targets_in_their_direction(team, signed_in):
    for _ in range(3):
        group(team)  # 6 of 9 acknowledged on time: 66.7 %; 3 of 3 closed ones reopened: 100 %
    KpiTarget.objects.create(kpi="ack_on_time_pct", target=Decimal("95"))
    KpiTarget.objects.create(kpi="assess_on_time_pct", target=Decimal("60"))
    KpiTarget.objects.create(kpi="reopen_pct", target=Decimal("95"))  # lower is better
    KpiTarget.objects.create(kpi="median_working_days_to_close", target=Decimal("10"))
    tiles = tiles_of(signed_in(team.manager).get(HOME))
    assert tiles["ack_on_time_pct"].state == "missed"
    assert tiles["reopen_pct"].state == "near"  # 100 is within 10 % above 95
    assert tiles["volume"].state == ""  # no direction, no target
    assert tiles["escalation_pct"].state == ""  # no target
    assert tiles["median_working_days_to_close"].state == ""  # no value yet
    body = signed_in(team.manager).get(HOME).content.decode()
    assert re.search(r'class="tile t-missed" data-kpi="ack_on_time_pct"', body)
    assert "66.7 %" in body and "6 / 9" in body


def test_the_manager_sees_internal_reviews_decided_on_time_against_their_target(team, signed_in):
    late, due, closed = group(team)
    for complaint, outcome, done in ((closed, "met", days_ago(6)), (late, "running", None)):
        StageClock.objects.create(
            complaint=complaint,
            stage="review",
            started_at=days_ago(15),
            due_at=days_ago(7),
            completed_at=done,
            outcome=outcome,
        )
    KpiTarget.objects.create(kpi="review_on_time_pct", target=Decimal("90"))
    tile = tiles_of(signed_in(team.manager).get(HOME))["review_on_time_pct"]
    # One decided before its deadline, one still running past it.
    assert (tile.figure.numerator, tile.figure.denominator, tile.state) == (1, 2, "missed")
    body = signed_in(team.manager, "vi").get(HOME).content.decode()
    assert "Xem xét lại nội bộ có quyết định đúng hạn" in body


def test_tiles_read_figures_in_vietnamese(team, signed_in):
    for _ in range(3):
        group(team)
    KpiTarget.objects.create(kpi="ack_on_time_pct", target=Decimal("60"))
    body = signed_in(team.manager, "vi").get(HOME).content.decode()
    assert "66,7 %" in body and "Mục tiêu" in body


def test_the_control_chart_signals_are_listed_on_the_managers_dashboard(team, signed_in):
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7 * 22)
    start = dt.datetime.combine(monday, dt.time(9), tzinfo=timezone.get_current_timezone())
    for week in range(22):
        for _ in range(25 if week == 21 else 2):
            register_row(team.unit, start + dt.timedelta(weeks=week))
    response = signed_in(team.manager).get(HOME)
    charts = {c.code: c for c in response.context["charts"]}
    assert charts["control_volume"].signals
    body = response.content.decode()
    assert charts["control_volume"].signals[0] in body


# ---------------------------------------------------------------------------------------------
# Top management and handlers


def test_top_management_sees_the_significant_complaints_of_the_period(team, signed_in):
    for _ in range(2):
        group(team)
    client = signed_in(team.top)
    response = client.get(HOME)
    significant = response.context["significant"]
    assert len(significant) == 2 and all(c.is_significant for c in significant)
    body = response.content.decode()
    for complaint in significant:
        assert reverse("backoffice:complaint", args=[complaint.reference]) in body
    assert drill_found(client, response.context["significant_url"]) == 2
    assert response.context["significant_count"] == 2


def test_a_handler_sees_their_own_work_by_next_deadline(team, signed_in):
    for _ in range(2):
        group(team)
    other = register_row(team.unit, days_ago(1), status=Status.RECEIVED, owner=team.manager)
    response = signed_in(team.handler).get(HOME)
    assert response.context["mine"] == {"open": 2, "overdue": 0, "due_week": 2}
    references = [row.complaint.reference for row in response.context["rows"]]
    assert len(references) == 2 and other.reference not in references
    assert set(tiles_of(response)) == {
        "ack_on_time_pct",
        "assess_on_time_pct",
        "decision_on_time_pct",
        "close_on_time_pct",
    }
    assert reverse("backoffice:queue", args=["mine"]) in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Period and filters


@pytest.mark.parametrize(
    ("query", "field", "label"),
    [
        ("from=2026-02-30", "from", "Từ ngày"),
        ("from=2026-06-01&to=2026-01-01", "to", "Đến ngày"),
        ("from=2000-01-01&to=2026-01-01", "to", "Đến ngày"),
        ("unit=nowhere", "unit", "Đơn vị"),
        ("channel=pigeon", "channel", "Kênh"),
    ],
)
def test_bad_filters_name_the_field_in_vietnamese_and_nothing_is_computed(
    team, signed_in, query, field, label
):
    group(team)
    response = signed_in(team.manager, "vi").get(HOME + "?" + query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "tiles" not in response.context and response.context["charts"] == []
    body = response.content.decode()
    assert f"<p>{label}:" in body and 'role="alert"' in body


def test_filters_narrow_every_figure(team, signed_in):
    billing, delivery = CategoryFactory.create(), CategoryFactory.create()
    group(team, category=billing)
    group(team, category=delivery)
    group(team, category=delivery)
    client = signed_in(team.manager)
    response = client.get(HOME + f"?category={delivery.code}")
    assert tiles_of(response)["volume"].figure.value == 6
    assert response.context["now_tiles"][0].count == 4
    trend = next(c for c in response.context["charts"] if c.code == "trend_monthly")
    assert f"category={delivery.code}" in trend.query
    assert f'value="{delivery.code}" selected' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The chart component and its downloads


def test_each_chart_gives_its_data_as_json_and_a_table_view_with_drill_links(team, signed_in):
    for _ in range(2):
        group(team)
    client = signed_in(team.manager)
    response = client.get(HOME)
    body = response.content.decode()
    assert "vendor/echarts.min.js" in body and "backoffice/charts.js" in body
    assert "<script>" not in body  # no inline script: data only, as application/json
    pareto = next(c for c in response.context["charts"] if c.code == "pareto_category")
    data = re.search(
        r'<script id="chart-pareto_category-data" type="application/json">(.*?)</script>', body
    )
    spec = json.loads(data.group(1))
    assert spec["chart"] == "pareto" and spec["rows"][0]["values"]["count"] == 6
    assert spec["columns"][2] == {
        "key": "cumulative",
        "label": "Cumulative share",
        "unit": "percent",
        "draw": "line",
    }
    assert 'aria-describedby="chart-pareto_category-summary"' in body
    assert f'id="chart-pareto_category-summary">{pareto.summary}' in body
    link = pareto.rows[0].cells[0].url
    assert link and link == spec["rows"][0]["drill"]["count"]
    assert f'<a href="{link.replace("&", "&amp;")}">6</a>' in body
    assert drill_found(client, link) == 6


def test_chart_figures_download_as_csv_with_numbers(team, signed_in):
    for _ in range(2):
        group(team)
    first = timezone.localdate() - dt.timedelta(days=60)
    url = reverse("backoffice:analytics_export", args=["pareto_category"])
    response = signed_in(team.manager).get(url + f"?from={first}&format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Category", "Complaints", "Share", "Cumulative share"],
        ["(none)", "6", "100.0", "100.0"],
    ]


def test_chart_figures_download_as_xlsx_with_numbers_as_numbers(team, signed_in):
    for _ in range(2):
        group(team)
    url = reverse("backoffice:analytics_export", args=["trend_monthly"])
    response = signed_in(team.manager).get(url + "?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    figures, about = workbook.worksheets
    rows = list(figures.iter_rows(values_only=True))
    assert rows[0] == ("Month", "This period", "A year earlier")
    assert len(rows) == 13 and all(isinstance(r[1], int) for r in rows[1:])
    assert sum(r[1] for r in rows[1:]) == 6
    assert about.cell(1, 2).value == "Complaints per month, with the previous year"


def test_a_download_with_a_bad_filter_is_refused_naming_it(team, signed_in):
    url = reverse("backoffice:analytics_export", args=["trend_monthly"])
    response = signed_in(team.manager).get(url + "?to=yesterday&format=csv")
    assert response.status_code == 400 and "To:" in response.content.decode()
    assert signed_in(team.manager).get(url + "?format=pdf").status_code == 404


def test_every_breakdown_has_its_own_page_with_its_chart(team, signed_in):
    group(team)
    client = signed_in(team.auditor)
    index = client.get(reverse("backoffice:analytics_charts")).content.decode()
    for code in ("pareto_unit", "crosstab_channel_priority", "sla_by_unit", "remedy_cost"):
        url = reverse("backoffice:analytics_chart", args=[code])
        assert url in index
        response = client.get(url)
        assert response.status_code == 200 and response.context["charts"][0].code == code
    assert client.get(reverse("backoffice:analytics_chart", args=["nothing"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# The drill-down page


def test_the_drill_down_lists_the_complaints_with_what_they_have_in_common(team, signed_in):
    late, *_rest = group(team)
    first, last = timezone.localdate() - dt.timedelta(days=30), timezone.localdate()
    response = signed_in(team.manager).get(
        DRILL + f"?measure=ack_late&from={first}&to={last}&unit={team.unit.code}"
    )
    assert response.status_code == 200
    assert response.context["found"] == 1
    assert [row.complaint.pk for row in response.context["rows"]] == [late.pk]
    line = re.sub(
        r"\s+", " ", response.content.decode().split('id="drill-line">')[1].split("</p>")[0]
    )
    assert f"{first:%d/%m/%Y} – {last:%d/%m/%Y}" in line
    assert f"Unit: {team.unit.display_name('en')}" in line and "acknowledged late" in line
    assert "1 complaint found." in line


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("measure=everything", "Đại lượng"),
        ("from=2026-13-01", "Từ ngày"),
        ("unit=nowhere", "Đơn vị"),
        ("outcome=maybe", "Kết quả"),
        ("at=soon", "Tại thời điểm"),
    ],
)
def test_a_bad_drill_down_parameter_is_refused_naming_it_and_nothing_is_listed(
    team, signed_in, query, label
):
    group(team)
    response = signed_in(team.manager, "vi").get(DRILL + "?" + query)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"<p>{label}:" in body
    assert "rows" not in response.context and 'class="ref"' not in body


def test_the_drill_down_is_for_the_roles_that_see_figures_and_within_what_they_see(team, signed_in):
    group(team)
    elsewhere = staff(Role.COMPLAINTS_MANAGER, UnitFactory())
    assert signed_in(team.frontline).get(DRILL).status_code == 403
    assert signed_in(elsewhere).get(DRILL + "?measure=now_open").context["found"] == 0
    assert signed_in(team.auditor).get(DRILL + "?measure=now_open").context["found"] == 2


# ---------------------------------------------------------------------------------------------
# Query counts: fixed, whatever the number of complaints

# A dashboard reads the session, the user, the second factor (the session's device), their roles, the organisation (time zone), the
# units and categories of the filters, the KPI targets, one aggregate per kind of measure of its
# KPIs and for each cohort read from the rollup, once: its state, the person's units, and only
# if the register has any such complaint at all (asked once per request), the stale cells and
# whether a complaint is seen outside those units or hidden inside them; then each
# chart's rows and the overdue counted live (one query per stage, and one for the internal
# reviews on the manager's tiles), the calendar for the backlog,
# one or two grouped queries per chart read directly, with the names of its rows, then the open
# work by stage and unit (manager), the latest significant complaints (top management) or the
# person's own work (handler), and the unread notices. The unit tree, the calendars and the
# rollup's state are read once per request (core.read_memo), and so is whether the person sees
# complaints outside their units or has any hidden (for the queue tally and the rollup alike).
# Tests read the organisation's settings afresh each time (REDRESS_SETTINGS_MEMO_SECONDS=0),
# which adds a few.
MANAGER_DASHBOARD_QUERIES = (
    48  # with open systemic issues, overdue CAPA (+ their unit scope), objectives; the weekly
    # counts read once for both control charts, their overdue acknowledgements with the tiles'
    # (by day of receipt), the backlog by priority once for its chart and its tile; the open
    # work from the queue tally and its corrections, the overdue and due this week from the
    # deadline tally, its corrections and the partial hours
)
TOP_DASHBOARD_QUERIES = 34  # with the objectives
HANDLER_DASHBOARD_QUERIES = 23  # four of them the overdue stages of the four KPIs
# session, user, second factor, roles, organisation; the cohort's checks (organisation, unit by
# code, unit tree, read once); the count; the page; the unit's name for the line above the
# list; unread notices
DRILL_PAGE_QUERIES = 14


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager", MANAGER_DASHBOARD_QUERIES),
        ("top", TOP_DASHBOARD_QUERIES),
        ("handler", HANDLER_DASHBOARD_QUERIES),
    ],
)
def test_dashboards_make_the_same_queries_for_few_or_many_complaints(
    team, signed_in, django_assert_num_queries, who, expected
):
    category = CategoryFactory.create()
    group(team, category=category)
    client = signed_in(getattr(team, who))
    # The worker keeps the rollup current; what a dashboard reads then does not grow.
    rollup_refresh()
    with django_assert_num_queries(expected):
        assert client.get(HOME).status_code == 200
    for _ in range(30):
        group(team, category=category)
    rollup_refresh()
    with django_assert_num_queries(expected):
        assert client.get(HOME).status_code == 200


def test_the_drill_down_makes_the_same_queries_for_few_or_many_complaints(
    team, signed_in, django_assert_num_queries
):
    group(team)
    client = signed_in(team.manager)
    query = f"?measure=volume&unit={team.unit.code}"
    with django_assert_num_queries(DRILL_PAGE_QUERIES):
        assert client.get(DRILL + query).context["found"] == 3
    for _ in range(30):
        group(team)
    with django_assert_num_queries(DRILL_PAGE_QUERIES):
        response = client.get(DRILL + query + "&page=2")
    assert response.context["found"] == 93
    assert len(response.context["rows"]) == 43
    assert (
        dict(parse_qsl(urlsplit(response.context["request"].get_full_path()).query))["page"] == "2"
    )
