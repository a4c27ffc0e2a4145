"""The administrator signs in to the admin with a demo login and sees Vietnamese."""

import pytest

from redress.intake.seed import DEMO_PASSWORD, demo_organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_signs_in_with_demo_login(page):
    demo_organisation()
    page.goto(page.base_url + "/admin/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Đơn vị tổ chức" in page.content() or "Organisation units" in page.content()
