"""Every kind of page carries the security headers (issue 16, finding 8)."""

from __future__ import annotations

import pytest
from django.test import Client

from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/vi/",
        "/vi/complain/",
        "/staff/",
        "/staff/login/",
        "/admin/login/",
        "/api/v1/categories",
        "/api/v1/docs",
        "/no-such-page/",
    ],
)
def test_every_page_type_has_a_strict_content_security_policy(path):
    client = Client()
    client.force_login(staff(Role.COMPLAINTS_MANAGER, UnitFactory()))
    response = client.get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["script-src"] == "'self'", (path, policy)
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_when_configured(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/vi/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
