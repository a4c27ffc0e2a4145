"""While PostgreSQL or Redis is down a request is answered 503 with Retry-After, so that the
proxy and the clients try again; a bug stays a 500."""

from __future__ import annotations

from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError

from config import errors


def _database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


def _queue_down(request):
    try:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    except RedisConnectionError as error:
        raise RuntimeError("the task could not be queued") from error


def _bug(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("database-down/", _database_down),
    path("queue-down/", _queue_down),
    path("bug/", _bug),
    path("api/v1/database-down/", _database_down),
]
handler500 = errors.server_error


def _get(url: str):
    return Client(raise_request_exception=False).get(url)


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_restart_is_a_503_page_in_both_languages_that_says_to_try_again():
    response = _get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in text and "Briefly unavailable" in text
    assert "Không có gì bị thay đổi" in text


@override_settings(ROOT_URLCONF=__name__)
def test_redis_gone_under_another_error_is_also_a_503():
    response = _get("/queue-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_is_still_a_500_without_retry_after():
    response = _get("/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_outside_the_api_s_own_handlers_an_api_path_gets_the_api_s_error_shape():
    response = _get("/api/v1/database-down/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
