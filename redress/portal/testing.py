"""Helpers for the portal's tests and browser journeys."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from redress.handling.testing import advance

# A real 1×1 PNG: attachments are checked by their content, not their name.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def portal_settings(settings, tmp_path):
    """A private cache (rate limits start at zero) and media folder for each test."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    return settings


def complaint_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid answer to the complaint form."""
    data = {
        "form_token": uuid.uuid4().hex,
        "hp_contact": "",
        "on_behalf": "self",
        "full_name": "Trần Thị Mai",
        "organisation": "",
        "representative_name": "",
        "representative_relation": "",
        "representative_contact": "",
        "email": "mai@example.test",
        "phone": "0912 345 678",
        "address": "",
        "preferred_channel": "email",
        "preferred_language": "vi",
        "subject": "Bị tính tiền hai lần",
        "description": "Tôi bị trừ tiền hai lần cho đơn hàng DH-1001 ngày 2/11.",
        "occurred_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "order_ref": "DH-1001",
        "remedy_requested": "Hoàn lại khoản bị trừ thừa",
        "amount_claimed": "1.500.000",
        "vulnerable_group": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def staff_decides(complaint: Any, team: Any) -> Any:
    """Staff take the complaint to a communicated decision through the real services."""
    for step in ("acknowledge", "assess", "investigate", "propose", "approve", "communicate"):
        complaint = advance(complaint, team, step)
    return complaint


def write_png(folder: Any, name: str = "hoa-don.png") -> str:
    path = folder / name
    path.write_bytes(PNG)
    return str(path)


@pytest.fixture
def portal_content(db):
    """The public information, message templates and time-limit policies that migrations install.

    Browser tests run in transactions that end with a flush, which empties every table, data
    from migrations included; this puts back what the portal's pages and mails need.
    """
    import importlib

    from django.apps import apps

    for module in (
        "redress.transparency.migrations.0002_default_content",
        "redress.transparency.migrations.0003_external_body_negotiation_or_mediation",
        "redress.notifications.migrations.0002_default_templates",
        "redress.notifications.migrations.0011_decision_routes_public_interest",
        "redress.sla.migrations.0003_presets",
        "redress.privacy.migrations.0008_dsar_message_templates",
    ):
        importlib.import_module(module).create(apps, None)
