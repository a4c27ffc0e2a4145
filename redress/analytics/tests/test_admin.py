"""Activity volumes are entered in the admin; any day of a month stands for the month."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from redress.analytics.models import ActivityVolume

pytestmark = pytest.mark.django_db


def test_an_administrator_enters_a_month_of_orders(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "pass-1234-word")
    client.force_login(admin)
    url = "/admin/analytics/activityvolume/add/"
    answer = client.post(url, {"month": "2026-03-17", "measure": "orders", "count": "3100"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    volume = ActivityVolume.objects.get()
    assert (volume.month.isoformat(), volume.count) == ("2026-03-01", 3100)

    twice = client.post(url, {"month": "2026-03-02", "measure": "orders", "count": "1"})
    assert twice.status_code == 200  # the form shows the clash with the existing month
    assert ActivityVolume.objects.count() == 1
    refused = client.post(url, {"month": "2026-04-02", "measure": "orders", "count": "0"})
    assert refused.status_code == 200 and ActivityVolume.objects.count() == 1
