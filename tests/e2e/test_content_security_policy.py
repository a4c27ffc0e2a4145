"""With the Content-Security-Policy enforced, the pages that run scripts work and the browser
reports no violation: the portal form, the manager's dashboard with its charts and table view,
the admin's sign-in and the API's documentation (issue 16, finding 8)."""

import pytest

from tests.e2e.test_dashboard_journey import a_register, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_breaks_the_policy(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    a_register()

    page.goto(live_server.url + "/vi/complain/")
    page.wait_for_selector("form")
    sign_in(page, "quanly")
    page.wait_for_selector("#chart-trend_monthly[data-drawn=true] .chart-canvas svg")
    page.locator("#chart-pareto_category").get_by_role("button", name="Xem dạng bảng").click()
    assert page.locator("#chart-pareto_category .chart-table").is_visible()
    page.goto(live_server.url + "/admin/login/")
    page.wait_for_selector("#id_username")
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")

    assert violations == []
    context.close()
