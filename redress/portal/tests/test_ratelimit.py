"""The per-IP window: counts per client, closes after its time, on any cache backend."""

import time

import pytest
from django.test import RequestFactory

from redress.core.ratelimit import client_ip, hit, is_limited, retry_minutes

pytestmark = pytest.mark.usefixtures("portal_settings")


def request(ip="10.0.0.1", forwarded=""):
    return RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=forwarded)


def test_a_client_is_limited_after_its_allowance_and_others_are_not(settings):
    settings.REDRESS_PORTAL_TRACK_RATE = "3/600"
    for _ in range(3):
        assert not is_limited(request(), "track", "REDRESS_PORTAL_TRACK_RATE")
        hit(request(), "track", "REDRESS_PORTAL_TRACK_RATE")
    assert is_limited(request(), "track", "REDRESS_PORTAL_TRACK_RATE")
    assert not is_limited(request("10.0.0.2"), "track", "REDRESS_PORTAL_TRACK_RATE")
    assert not is_limited(request(), "submit", "REDRESS_PORTAL_TRACK_RATE")  # scopes are separate
    assert retry_minutes(request(), "track") == 10


def test_the_window_closes_after_its_time(settings, monkeypatch):
    settings.REDRESS_PORTAL_TRACK_RATE = "1/60"
    hit(request(), "track", "REDRESS_PORTAL_TRACK_RATE")
    assert is_limited(request(), "track", "REDRESS_PORTAL_TRACK_RATE")
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert not is_limited(request(), "track", "REDRESS_PORTAL_TRACK_RATE")


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.filebased.FileBasedCache",
        "django.core.cache.backends.locmem.LocMemCache",
    ],
)
def test_the_count_keeps_its_window_on_each_backend(settings, tmp_path, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    settings.REDRESS_PORTAL_SUBMIT_RATE = "2/3600"
    hit(request(), "submit", "REDRESS_PORTAL_SUBMIT_RATE")
    hit(request(), "submit", "REDRESS_PORTAL_SUBMIT_RATE")
    assert is_limited(request(), "submit", "REDRESS_PORTAL_SUBMIT_RATE")
    assert retry_minutes(request(), "submit") == 60


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings):
    settings.REDRESS_PROXY_COUNT = 1
    assert client_ip(request("127.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    settings.REDRESS_PROXY_COUNT = 0
    assert client_ip(request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"
