"""The API answers 503 in its own error shape, in the client's language, while the database is
down, and says when to try again; nothing is half-done."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError

from redress.complaints.models import Category


def test_the_database_restarting_is_a_503_with_retry_after_in_vietnamese(team, api_as):
    client = api_as(team.manager, language="vi")
    assert client.get("/categories").status_code == 200  # up: also loads the URLs
    down = OperationalError("terminating connection due to administrator command")
    with mock.patch.object(Category.objects, "filter", side_effect=down):
        answer = client.get("/categories")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    error = answer.json()["error"]
    assert error["code"] == "unavailable"
    assert "tạm thời" in error["message"]
