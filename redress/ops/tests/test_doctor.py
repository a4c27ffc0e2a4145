"""``redress doctor`` says what is wrong with a deployment and how to fix it."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from redress.core.heartbeat import heartbeat_beat

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.fixture
def production(settings, tmp_path, mail_server):
    settings.DEBUG = False
    settings.SECRET_KEY = "k3Y-" + "x7Qp9" * 12
    settings.ALLOWED_HOSTS = ["khieunai.example.vn"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    heartbeat_beat()
    return settings


def doctor(language: str = "en") -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("doctor", language=language, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_a_sound_deployment_passes_every_check(production):
    output, error = doctor()
    assert error is None, output
    for name in ("debug", "secret_key", "allowed_hosts", "database", "storage", "email", "workers"):
        assert f"ok   {name}:" in output
    assert "everything checked is in order" in output


def test_each_problem_is_named_with_its_fix_and_fails(production, settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEMO_SECRET_KEY
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.TIME_ZONE = "Mars/Olympus"
    output, error = doctor()
    assert error is not None
    for name in ("debug", "secret_key", "allowed_hosts", "email", "time_zone"):
        assert f"FAIL {name}:" in output
        assert name in error
    assert "fix: Unset REDRESS_DEBUG" in output
    assert "fix: Run `redress secret_key`" in output
    assert "ok   database:" in output


def test_the_findings_and_their_fixes_are_in_vietnamese_by_default(production, settings):
    settings.DEBUG = True
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("doctor", stdout=out)
    output = out.getvalue()
    assert "LỖI  debug: DEBUG đang bật" in output
    assert "cách sửa: Bỏ REDRESS_DEBUG" in output
    assert "đạt  database:" in output
    assert "1 vấn đề: debug" in str(refused.value)


def test_an_unreachable_mail_server_and_a_silent_worker_are_reported(production, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]  # bound, not listening: refused
        from redress.core.models import WorkerHeartbeat

        WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(hours=1))
        output, error = doctor()
    assert "FAIL email: The mail server" in output
    assert "FAIL workers: No worker seen for" in output
    assert error is not None


def test_an_unwritable_storage_is_reported(production, settings, monkeypatch):
    from django.core.files.storage import default_storage

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_storage, "save", refuse)
    output, error = doctor()
    assert "FAIL storage: The file storage cannot be written" in output
    assert "No space left" in output
    assert error is not None and "storage" in error
