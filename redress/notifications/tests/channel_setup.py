"""Channels pointed at the fake gateway, for the tests."""

from __future__ import annotations

from typing import Any

from redress.core.actors import Actor
from redress.notifications.channels import testing as fake
from redress.notifications.channels.setup import channel_save
from redress.notifications.models import TextChannel

ADMIN = Actor.system("test-admin")
CALLBACK_SECRET = "callback-secret-for-tests"


def speedsms(gateway: fake.FakeGateway, **extra: Any) -> TextChannel:
    values: dict[str, Any] = {
        "name": "SpeedSMS",
        "gateway": "speedsms",
        "url": gateway.url("speedsms"),
        "api_key": fake.SPEEDSMS_TOKEN,
        "callback_secret": CALLBACK_SECRET,
        "sender": "REDRESS",
        "options": {"sms_type": 2},
        "is_active": True,
        "disable_after": 5,
    }
    values.update(extra)
    return channel_save(actor=ADMIN, channel=None, **values)


def esms(gateway: fake.FakeGateway, **extra: Any) -> TextChannel:
    values: dict[str, Any] = {
        "name": "eSMS",
        "gateway": "esms",
        "url": gateway.url("esms"),
        "api_key": fake.ESMS_KEYS[0],
        "api_secret": fake.ESMS_KEYS[1],
        "callback_secret": CALLBACK_SECRET,
        "sender": "Baotrixemay",
        "options": {"sms_type": "2"},
        "is_active": True,
        "disable_after": 5,
    }
    values.update(extra)
    return channel_save(actor=ADMIN, channel=None, **values)


ZNS_TEMPLATES = {
    code: {"id": f"zns-{code}", "params": {"ma_khieu_nai": "reference", "link": "tracking_url"}}
    for code in ("receipt", "decision", "acknowledgement")
}


def zalo(gateway: fake.FakeGateway, **extra: Any) -> TextChannel:
    values: dict[str, Any] = {
        "name": "Zalo OA",
        "gateway": "zalo_zns",
        "url": gateway.url("zalo_zns"),
        "account": fake.ZALO_APP_ID,
        "api_key": fake.ZALO_TOKEN,
        "api_secret": fake.ZALO_SECRET,
        "callback_secret": CALLBACK_SECRET,
        "options": {"templates": ZNS_TEMPLATES},
        "is_active": True,
        "disable_after": 5,
    }
    values.update(extra)
    return channel_save(actor=ADMIN, channel=None, **values)


def generic(gateway: fake.FakeGateway, **extra: Any) -> TextChannel:
    values: dict[str, Any] = {
        "name": "Generic",
        "gateway": "generic",
        "url": gateway.url("generic"),
        "api_key": fake.GENERIC_TOKEN,
        "callback_secret": CALLBACK_SECRET,
        "sender": "REDRESS",
        "options": {
            "fields": {"to": "msisdn", "text": "message", "sender": "from"},
            "static": {"type": "text"},
            "ok_field": "status",
            "ok_values": ["ok"],
            "id_field": "data.id",
            "cost_field": "data.cost",
            "report": {"id": "msgid", "status": "stat", "delivered": ["DELIVRD"]},
            "inbound": {"id": "msgid", "from": "msisdn", "text": "text"},
        },
        "is_active": True,
        "disable_after": 5,
    }
    values.update(extra)
    return channel_save(actor=ADMIN, channel=None, **values)
