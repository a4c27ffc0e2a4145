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
from django.utils.translation import gettext as _

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
            _("DEBUG is on: error pages show code and settings to anyone."),
            _("Unset REDRESS_DEBUG (or set it to 0)."),
        )
    return Finding("debug", True, _("DEBUG is off."))


def _secret_key() -> Finding:
    key = str(settings.SECRET_KEY)
    fix = _("Run `redress secret_key` or set REDRESS_SECRET_KEY to 50 or more random characters.")
    if key == settings.DEMO_SECRET_KEY or key.startswith("django-insecure"):
        return Finding("secret_key", False, _("SECRET_KEY is the public demo key."), fix)
    if len(key) < 50 or len(set(key)) < 5:
        return Finding(
            "secret_key",
            False,
            _("SECRET_KEY is weak (%(length)s characters, %(different)s different).")
            % {"length": len(key), "different": len(set(key))},
            fix,
        )
    return Finding("secret_key", True, _("SECRET_KEY is long and not the demo key."))


def _allowed_hosts() -> Finding:
    hosts = set(settings.ALLOWED_HOSTS)
    fix = _("Set REDRESS_ALLOWED_HOSTS to the site's host names, e.g. khieunai.example.vn.")
    if "*" in hosts:
        return Finding("allowed_hosts", False, _("ALLOWED_HOSTS accepts any host ('*')."), fix)
    if not hosts - _LOCAL_HOSTS:
        return Finding(
            "allowed_hosts",
            False,
            _("ALLOWED_HOSTS names only this machine: %(hosts)s.")
            % {"hosts": ", ".join(sorted(hosts))},
            fix,
        )
    return Finding(
        "allowed_hosts", True, _("ALLOWED_HOSTS: %(hosts)s.") % {"hosts": ", ".join(sorted(hosts))}
    )


def _email() -> Finding:
    backend = str(settings.EMAIL_BACKEND)
    if backend in _DEV_EMAIL:
        return Finding(
            "email",
            False,
            _("Email goes to %(backend)s: no complainant gets mail.")
            % {"backend": backend.rsplit(".", 2)[-2]},
            _(
                "Set REDRESS_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "REDRESS_EMAIL_HOST / REDRESS_EMAIL_PORT."
            ),
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
                _("The mail server %(address)s does not answer: %(error)s.")
                % {"address": address, "error": error},
                _(
                    "Check REDRESS_EMAIL_HOST and REDRESS_EMAIL_PORT, and that the firewall lets "
                    "this machine reach it."
                ),
            )
        return Finding(
            "email", True, _("The mail server %(address)s answers.") % {"address": address}
        )
    return Finding("email", True, _("Email backend: %(backend)s.") % {"backend": backend})


def _storage() -> Finding:
    try:
        health.CHECKS_BY_NAME["storage"]()
    except Exception as error:
        return Finding(
            "storage",
            False,
            _("The file storage cannot be written: %(error)s.") % {"error": error},
            _(
                "Make %(folder)s (REDRESS_MEDIA_ROOT) writable by the user Redress runs as, "
                "with free space; or fix the object-storage credentials."
            )
            % {"folder": settings.MEDIA_ROOT},
        )
    return Finding("storage", True, _("The file storage is writable."))


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
                _("%(folder)s cannot be written: %(error)s.") % {"folder": place, "error": error},
                _(
                    "Give the user Redress runs as write access to %(folder)s (REDRESS_VAR_DIR, "
                    "REDRESS_AUDIT_ANCHOR_FILE)."
                )
                % {"folder": place},
            )
    return Finding(
        "var_dir",
        True,
        _("%(folder)s and the audit anchor folder are writable.") % {"folder": folder},
    )


def _database() -> Finding:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return Finding(
            "database",
            False,
            _("The database cannot be reached: %(error)s.") % {"error": error},
            _("Check DATABASE_URL, that the server runs, and that this machine may connect."),
        )
    if plan:
        return Finding(
            "database",
            False,
            _("%(count)s migrations are not applied.") % {"count": len(plan)},
            _("Run `redress migrate`."),
        )
    return Finding(
        "database",
        True,
        _("The %(vendor)s database is reachable and migrated.") % {"vendor": connection.vendor},
    )


def _redis() -> Finding:
    used = []
    try:
        if health.tasks_use_rq():
            used.append(_("task queue"))
            health.CHECKS_BY_NAME["task_queue"]()
        if str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache"):
            used.append(_("cache"))
            health.CHECKS_BY_NAME["cache"]()
    except Exception as error:
        return Finding(
            "redis",
            False,
            _("Redis (%(uses)s) does not answer: %(error)s.")
            % {"uses": ", ".join(used), "error": error},
            _("Check REDIS_URL / REDRESS_CACHE_URL and that Redis runs."),
        )
    if not used:
        return Finding("redis", True, _("Redis is not used (database queue, local cache)."))
    return Finding("redis", True, _("Redis answers (%(uses)s).") % {"uses": ", ".join(used)})


def _time_zone() -> Finding:
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return Finding(
            "time_zone",
            False,
            _("TIME_ZONE %(zone)r is not a known time zone.") % {"zone": settings.TIME_ZONE},
            _("Set REDRESS_TIME_ZONE to a zone such as Asia/Ho_Chi_Minh."),
        )
    if not settings.USE_TZ:
        return Finding("time_zone", False, _("USE_TZ is off."), _("Times must be stored in UTC."))
    return Finding(
        "time_zone", True, _("Times are shown in %(zone)s.") % {"zone": settings.TIME_ZONE}
    )


def _workers() -> Finding:
    from redress.core.models import WorkerHeartbeat

    if str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend"):
        return Finding("workers", True, _("Tasks run in the web process (no worker needed)."))
    newest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    fix = _("Start `redress worker` (systemd: the worker unit) on at least one machine.")
    if newest is None:
        return Finding("workers", False, _("No worker has ever run against this database."), fix)
    age = timezone.now() - newest.seen_at
    if age > dt.timedelta(seconds=settings.REDRESS_WORKER_STALE_SECONDS):
        return Finding(
            "workers",
            False,
            _("No worker seen for %(seconds)s s (last: %(name)s).")
            % {"seconds": int(age.total_seconds()), "name": newest.name},
            fix,
        )
    return Finding(
        "workers",
        True,
        _("A worker was seen %(seconds)s s ago.") % {"seconds": int(age.total_seconds())},
    )


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
