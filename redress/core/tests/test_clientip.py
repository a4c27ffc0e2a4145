"""One rule for the client's address; what is not an address is never taken for one."""

from django.test import RequestFactory

from redress.core.clientip import client_address, client_ip


def _request(remote: str = "", forwarded: str = ""):
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.REDRESS_PROXY_COUNT = 0
    assert client_address(_request("10.0.0.1", "203.0.113.9")) == "10.0.0.1"


def test_behind_one_proxy_the_entry_it_added_is_the_client(settings):
    settings.REDRESS_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_address(_request("10.0.0.1", "2001:db8::1")) == "2001:db8::1"


def test_what_is_not_an_address_is_none(settings):
    settings.REDRESS_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.1", "drop table; --")) is None
    settings.REDRESS_PROXY_COUNT = 0
    assert client_address(_request("")) is None
    assert client_ip(_request("")) == "unknown"
