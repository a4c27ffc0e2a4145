"""The error pages: 403 and 404 in the layout of the part of the site (portal or staff site),
in the visitor's language, with the page's landmarks; 500 without the database, in Vietnamese
and English."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from config import errors
from redress.core.models import User
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db


def test_a_missing_portal_page_is_a_404_in_the_portal_s_layout_in_vietnamese(client):
    response = client.get("/vi/khong-co-trang-nay/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert '<main id="main"' in text and 'class="site-header"' in text
    english = client.get("/en/no-such-page/").content.decode()
    assert "Page not found" in english


def test_a_missing_staff_page_is_a_404_in_the_staff_site_s_layout(client):
    team = make_team()
    anonymous = client.get("/staff/no-such-page/")
    assert anonymous.status_code == 404
    assert "Không tìm thấy trang" in anonymous.content.decode()
    client.force_login(User.objects.get(pk=team.handler.pk))
    signed_in = client.get("/staff/no-such-page/")
    text = signed_in.content.decode()
    assert signed_in.status_code == 404
    assert "Không tìm thấy trang" in text and 'aria-label="Hàng đợi"' in text


def test_a_refusal_shows_its_reason_on_the_403_page(client):
    team = make_team()
    client.force_login(User.objects.get(pk=team.handler.pk))
    response = client.get("/staff/admin/outbox/")
    assert response.status_code == 403
    assert "Chỉ quản trị viên" in response.content.decode()


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom)]
handler500 = errors.server_error


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_plain_page_in_both_languages():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Đã có lỗi xảy ra" in text and "Something went wrong" in text
    assert '<main id="main">' in text


def test_the_api_keeps_its_own_answers(client):
    assert client.get("/api/v1/no-such-endpoint").status_code == 404
    assert "Không tìm thấy trang" not in client.get("/api/v1/no-such-endpoint").content.decode()
