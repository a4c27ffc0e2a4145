"""The administrator signs in to the admin with a demo login (enrolling their second factor on the
way) and sees Vietnamese."""

import pytest

from redress.intake.seed import demo_organisation
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_signs_in_with_demo_login(page):
    demo_organisation()
    sign_in(page, "quantri", url="/admin/", done="#site-name")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Đơn vị tổ chức" in page.content() or "Organisation units" in page.content()
