"""Liveness, readiness, metrics and the request id, as a load balancer and Prometheus see them."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from redress.core.heartbeat import heartbeat_beat
from redress.core.requestid import JsonFormatter, RequestIdFilter
from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_names_every_check_and_passes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = Client().get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "cache", "task_queue", "storage", "mail_backlog"}
    assert all(check["ok"] for check in checks.values())
    assert checks["task_queue"]["detail"] == "database"
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # the probe file is removed


def test_readiness_fails_with_503_when_storage_is_read_only(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(default_storage, "save", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["storage"]["ok"] is False
    assert "read-only" in body["checks"]["storage"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_readiness_fails_when_the_mail_backlog_passes_its_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDRESS_READY_MAIL_BACKLOG = 2
    for n in range(3):
        OutboundEmail.objects.create(
            to="a@example.com", subject="s", body="b", email_message_id=f"<m{n}@x>"
        )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "more than 2" in response.json()["checks"]["mail_backlog"]["detail"]


def test_metrics_from_loopback_give_requests_intake_outbox_and_workers():
    team = make_team()
    receive(team, channel="email")
    OutboundEmail.objects.create(
        to="a@example.com", subject="s", body="b", email_message_id="<f@x>", state="failed"
    )
    heartbeat_beat(now=timezone.now() - dt.timedelta(seconds=30))
    client = Client()
    client.get("/healthz")
    from redress.analytics.rollup import rollup_refresh_job

    rollup_refresh_job()
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'redress_http_requests_total{method="GET",route="ops:healthz",status="2xx"}' in text
    assert "redress_http_request_duration_seconds_bucket" in text
    assert 'redress_complaints_received{channel="email"} 1.0' in text
    assert 'redress_outbox_emails{state="failed"} 1.0' in text
    assert 'redress_sla_overdue{stage="acknowledge"} 0.0' in text
    assert "redress_task_queue_depth" in text
    assert "redress_worker_last_seen_seconds{worker=" in text


def test_metrics_refuse_other_addresses_without_the_token(settings):
    settings.REDRESS_METRICS_TOKEN = "s3cret-token"
    client = Client()
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 403
    )
    allowed = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert allowed.status_code == 200


def test_metrics_scrape_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    team = make_team()
    for _ in range(3):
        receive(team)
    with django_assert_max_num_queries(8):
        Client().get("/metrics", REMOTE_ADDR="127.0.0.1")


def test_request_id_is_kept_from_the_proxy_or_made_and_answered():
    client = Client()
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert made["X-Request-ID"] != "bad id\nwith newline"
    assert len(made["X-Request-ID"]) == 32


def test_a_task_queued_by_a_request_is_logged_with_its_request_id(caplog):
    team = make_team()
    from redress.core import requestid

    token = requestid._current.set("req-42")
    try:
        with caplog.at_level(logging.INFO, logger="redress.tasks"):
            receive(team)
    finally:
        requestid._current.reset(token)
    queued = [r for r in caplog.records if r.getMessage() == "task queued"]
    assert queued
    assert all(r.request_id == "req-42" for r in queued)
    assert all(r.task_id for r in queued)


def test_json_log_lines_carry_the_request_id():
    record = logging.makeLogRecord(
        {"name": "redress.x", "levelname": "INFO", "msg": "hello %s", "args": ("Hà Nội",)}
    )
    from redress.core import requestid

    token = requestid._current.set("req-7")
    try:
        RequestIdFilter().filter(record)
    finally:
        requestid._current.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello Hà Nội"
    assert line["request_id"] == "req-7"
    assert line["level"] == "INFO"


def test_the_worker_runs_a_task_under_the_id_of_the_request_that_queued_it():
    from redress.core import requestid
    from redress.sla.testing import run_queued_tasks

    team = make_team()
    token = requestid._current.set("req-99")
    try:
        receive(team)
    finally:
        requestid._current.reset(token)
    seen: list[tuple[str, str]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append((record.getMessage(), record.request_id))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    tasks_logger = logging.getLogger("django_tasks")
    tasks_logger.addHandler(handler)
    level = tasks_logger.level
    tasks_logger.setLevel(logging.INFO)
    try:
        assert run_queued_tasks() >= 1
    finally:
        tasks_logger.removeHandler(handler)
        tasks_logger.setLevel(level)
    finished = [rid for message, rid in seen if "state=SUCCESSFUL" in message]
    assert finished
    assert set(finished) == {"req-99"}
    assert requestid.request_id() == ""  # nothing left behind after the task
