"""``redress doctor``: what is wrong with this deployment and how to fix it.

Each check returns a ``Finding``; a finding that is not ``ok`` says what to do. The checks read
settings and talk to the services the way the app does (one query, one write, one connection);
they change nothing but a probe file in the storage, removed at once.
"""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from redress.ops import health

_DEV_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    message: str
    fix: str = ""


def _debug() -> Finding:
    if settings.DEBUG:
        return Finding(
            "debug",
            False,
            "DEBUG is on: error pages show code and settings to anyone.",
            "Unset REDRESS_DEBUG (or set it to 0).",
        )
    return Finding("debug", True, "DEBUG is off.")


def _secret_key() -> Finding:
    key = str(settings.SECRET_KEY)
    fix = "Run `redress secret_key` or set REDRESS_SECRET_KEY to 50 or more random characters."
    if key == settings.DEMO_SECRET_KEY or key.startswith("django-insecure"):
        return Finding("secret_key", False, "SECRET_KEY is the public demo key.", fix)
    if len(key) < 50 or len(set(key)) < 5:
        return Finding(
            "secret_key",
            False,
            f"SECRET_KEY is weak ({len(key)} characters, {len(set(key))} different).",
            fix,
        )
    return Finding("secret_key", True, "SECRET_KEY is long and not the demo key.")


def _allowed_hosts() -> Finding:
    hosts = set(settings.ALLOWED_HOSTS)
    fix = "Set REDRESS_ALLOWED_HOSTS to the site's host names, e.g. khieunai.example.vn."
    if "*" in hosts:
        return Finding("allowed_hosts", False, "ALLOWED_HOSTS accepts any host ('*').", fix)
    if not hosts - _LOCAL_HOSTS:
        return Finding(
            "allowed_hosts",
            False,
            "ALLOWED_HOSTS names only this machine: " + ", ".join(sorted(hosts)) + ".",
            fix,
        )
    return Finding("allowed_hosts", True, "ALLOWED_HOSTS: " + ", ".join(sorted(hosts)) + ".")


def _email() -> Finding:
    backend = str(settings.EMAIL_BACKEND)
    if backend in _DEV_EMAIL:
        return Finding(
            "email",
            False,
            f"Email goes to {backend.rsplit('.', 2)[-2]}: no complainant gets mail.",
            "Set REDRESS_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
            "REDRESS_EMAIL_HOST / REDRESS_EMAIL_PORT.",
        )
    if backend.endswith("smtp.EmailBackend"):
        address = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        try:
            with socket.create_connection((settings.EMAIL_HOST, settings.EMAIL_PORT), timeout=5):
                pass
        except OSError as error:
            return Finding(
                "email",
                False,
                f"The mail server {address} does not answer: {error}.",
                "Check REDRESS_EMAIL_HOST and REDRESS_EMAIL_PORT, and that the firewall lets "
                "this machine reach it.",
            )
        return Finding("email", True, f"The mail server {address} answers.")
    return Finding("email", True, f"Email backend: {backend}.")


def _storage() -> Finding:
    try:
        health.CHECKS_BY_NAME["storage"]()
    except Exception as error:
        return Finding(
            "storage",
            False,
            f"The file storage cannot be written: {error}.",
            f"Make {settings.MEDIA_ROOT} (REDRESS_MEDIA_ROOT) writable by the user Redress runs "
            "as, with free space; or fix the object-storage credentials.",
        )
    return Finding("storage", True, "The file storage is writable.")


def _var_dir() -> Finding:
    folder = Path(settings.VAR_DIR)
    anchors = Path(settings.REDRESS_AUDIT_ANCHOR_FILE).parent
    for place in (folder, anchors):
        try:
            with tempfile.NamedTemporaryFile(dir=place):
                pass
        except OSError as error:
            return Finding(
                "var_dir",
                False,
                f"{place} cannot be written: {error}.",
                f"Give the user Redress runs as write access to {place} (REDRESS_VAR_DIR, "
                "REDRESS_AUDIT_ANCHOR_FILE).",
            )
    return Finding("var_dir", True, f"{folder} and the audit anchor folder are writable.")


def _database() -> Finding:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return Finding(
            "database",
            False,
            f"The database cannot be reached: {error}.",
            "Check DATABASE_URL, that the server runs, and that this machine may connect.",
        )
    if plan:
        return Finding(
            "database", False, f"{len(plan)} migrations are not applied.", "Run `redress migrate`."
        )
    return Finding("database", True, f"The {connection.vendor} database is reachable and migrated.")


def _redis() -> Finding:
    used = []
    try:
        if health.tasks_use_rq():
            used.append("task queue")
            health.CHECKS_BY_NAME["task_queue"]()
        if str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache"):
            used.append("cache")
            health.CHECKS_BY_NAME["cache"]()
    except Exception as error:
        return Finding(
            "redis",
            False,
            f"Redis ({', '.join(used)}) does not answer: {error}.",
            "Check REDIS_URL / REDRESS_CACHE_URL and that Redis runs.",
        )
    if not used:
        return Finding("redis", True, "Redis is not used (database queue, local cache).")
    return Finding("redis", True, f"Redis answers ({', '.join(used)}).")


def _time_zone() -> Finding:
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return Finding(
            "time_zone",
            False,
            f"TIME_ZONE {settings.TIME_ZONE!r} is not a known time zone.",
            "Set REDRESS_TIME_ZONE to a zone such as Asia/Ho_Chi_Minh.",
        )
    if not settings.USE_TZ:
        return Finding("time_zone", False, "USE_TZ is off.", "Times must be stored in UTC.")
    return Finding("time_zone", True, f"Times are shown in {settings.TIME_ZONE}.")


def _workers() -> Finding:
    from redress.core.models import WorkerHeartbeat

    if str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend"):
        return Finding("workers", True, "Tasks run in the web process (no worker needed).")
    newest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    fix = "Start `redress worker` (systemd: the worker unit) on at least one machine."
    if newest is None:
        return Finding("workers", False, "No worker has ever run against this database.", fix)
    age = timezone.now() - newest.seen_at
    if age > dt.timedelta(seconds=settings.REDRESS_WORKER_STALE_SECONDS):
        return Finding(
            "workers",
            False,
            f"No worker seen for {int(age.total_seconds())} s (last: {newest.name}).",
            fix,
        )
    return Finding("workers", True, f"A worker was seen {int(age.total_seconds())} s ago.")


CHECKS: list[Callable[[], Finding]] = [
    _debug,
    _secret_key,
    _allowed_hosts,
    _time_zone,
    _database,
    _redis,
    _storage,
    _var_dir,
    _email,
    _workers,
]


def doctor_run() -> list[Finding]:
    """Every check, in order; a check that crashes is a finding naming the error."""
    findings = []
    for check in CHECKS:
        try:
            findings.append(check())
        except Exception as error:
            name = check.__name__.lstrip("_")
            findings.append(Finding(name, False, f"{type(error).__name__}: {error}", ""))
    return findings
