"""The complaints manager's dashboard in Chromium: it lands after sign-in with its charts drawn,
passes the same axe-core check as the portal, shows a chart as a table, and a count in that
table opens the list of exactly that many complaints. It also fits a phone, charts resized.

With REDRESS_SCREENSHOTS=1 it saves docs/screenshots/dashboard-manager.png (1366 px wide) and
docs/screenshots/dashboard-phone.png (375 px).
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from redress.analytics.models import KpiTarget
from redress.analytics.testing import register_row
from redress.complaints.models import Category, Channel, Priority, Status
from redress.core.models import OrgUnit
from redress.intake.seed import demo_organisation
from tests.e2e.signin import sign_in
from tests.e2e.test_portal_accessibility import axe

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name, height):
    """The top ``height`` pixels of the page (the first screens), scrolled to the top."""
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        width = page.viewport_size["width"]
        page.screenshot(
            path=str(SHOTS / f"{name}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
        )


def a_register():
    """About two hundred complaints over the last year, across units, categories (a few
    frequent, many rare), channels and stages, some late, some significant."""
    demo_organisation()
    units = list(OrgUnit.objects.exclude(code="hq").order_by("code"))
    categories = list(Category.objects.order_by("code"))
    weights = [c for n, c in enumerate(categories) for _ in range(max(1, 8 - 2 * n))]
    now = timezone.now()
    channels, priorities = Channel.values, Priority.values
    for i in range(220):
        received = now - dt.timedelta(days=2 + (i * 37) % 355, hours=i % 9)
        late = i % 4 == 0
        fields = {
            "category": weights[(i * 7) % len(weights)],
            "channel": channels[i % len(channels)],
            "priority": priorities[i % len(priorities)],
            "is_significant": i % 17 == 0,
            "acknowledge_due_at": received + dt.timedelta(days=1),
            "acknowledged_at": received + dt.timedelta(days=2 if late else 0.2),
            "assess_due_at": received + dt.timedelta(days=3),
        }
        if i % 3 == 0:
            fields.update(status=Status.CLOSED, closed_at=received + dt.timedelta(days=20))
        else:
            fields.update(
                status=Status.INVESTIGATING,
                assessed_at=received + dt.timedelta(days=2),
                decision_due_at=now + dt.timedelta(days=(i % 10) - 4),
            )
        register_row(units[i % len(units)], received, **fields)
    KpiTarget.objects.create(kpi="ack_on_time_pct", target=90)
    KpiTarget.objects.create(kpi="assess_on_time_pct", target=70)
    KpiTarget.objects.create(kpi="reopen_pct", target=5)


def test_manager_dashboard_charts_table_view_drill_down_and_accessibility(page):
    a_register()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "quanly")
    assert page.url.rstrip("/").endswith("/staff")
    page.get_by_role("heading", name="Bảng điều khiển: Quản lý khiếu nại").wait_for()
    page.wait_for_selector("#chart-trend_monthly[data-drawn=true] .chart-canvas svg")
    drawn = page.locator("figure.chart[data-drawn=true] .chart-canvas svg").count()
    assert drawn == 5
    # ECharts' own accessible description, in Vietnamese, and the visible summary it points to.
    canvas = page.locator("#chart-pareto_category-canvas")
    assert canvas.get_attribute("role") == "img"
    assert canvas.get_attribute("aria-label").startswith("Đây là biểu đồ")
    assert canvas.get_attribute("aria-describedby") == "chart-pareto_category-summary"
    shot(page, "dashboard-manager", 1720)

    problems = axe(page)
    assert problems == []

    # The Pareto chart as a table: the same figures, each count a link to its complaints.
    figure = page.locator("#chart-pareto_category")
    table = figure.locator(".chart-table")
    assert table.is_hidden()
    figure.get_by_role("button", name="Xem dạng bảng").click()
    toggle = figure.locator("[data-chart-toggle]")
    assert table.is_visible() and figure.locator(".chart-canvas").is_hidden()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.inner_text() == "Xem dạng biểu đồ"
    assert axe(page) == []  # the table view passes too
    link = table.locator("tbody tr").first.locator("td a").first
    count = int(link.inner_text().replace(".", ""))
    assert count > 0
    link.click()
    page.get_by_role("heading", name="Các khiếu nại sau một con số").wait_for()
    assert int(page.locator("#found").inner_text()) == count
    rows = page.locator("table.list tbody tr").count()
    assert rows == min(count, 50)
    assert "Khiếu nại nhận từ" in page.locator("#drill-line").inner_text()
    assert axe(page) == []

    # On a phone: no sideways scrolling, the charts drawn to the screen's width.
    page.go_back()
    page.wait_for_selector("#chart-trend_monthly[data-drawn=true] .chart-canvas svg")
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_function(
        "document.querySelector('#chart-trend_monthly .chart-canvas svg').getBoundingClientRect().width < 375"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shot(page, "dashboard-phone", 1400)


def test_a_click_on_a_bar_opens_the_complaints_it_counts(page):
    a_register()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "quanly")
    page.wait_for_selector("#chart-pareto_category[data-drawn=true] .chart-canvas svg")
    first = page.locator("#chart-pareto_category .chart-table tbody tr").first.locator("td a")
    expected = int(first.first.inner_text().replace(".", ""))
    # The middle of the first (largest) bar, from the chart's own coordinates.
    page.locator("#chart-pareto_category-canvas").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(count) => {
            const box = document.querySelector('#chart-pareto_category-canvas');
            const [x, y] = echarts.getInstanceByDom(box).convertToPixel({seriesIndex: 0}, [0, count / 2]);
            const at = box.getBoundingClientRect();
            return [at.left + x, at.top + y];
        }""",
        expected,
    )
    page.mouse.click(x, y)
    page.get_by_role("heading", name="Các khiếu nại sau một con số").wait_for()
    assert int(page.locator("#found").inner_text()) == expected


def test_top_management_sees_significant_complaints_and_a_heatmap_that_passes_axe(page):
    a_register()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "lanhdao")
    page.get_by_role("heading", name="Khiếu nại nghiêm trọng gần đây nhất").wait_for()
    page.wait_for_selector("#chart-crosstab_category_outcome[data-drawn=true] .chart-canvas svg")
    assert page.locator(".significant-list li a.ref").count() > 0
    assert axe(page) == []
