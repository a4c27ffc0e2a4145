"""Readiness: can this app server do its work now? Each check is cheap (one query or one
small write) and names what failed; /readyz answers 503 when one does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from redress.notifications.models import OutboundEmail

WAITING_EMAIL = (OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"redress:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("a value written to the cache could not be read back")
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def tasks_use_rq() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq")


def _task_queue() -> str:
    if tasks_use_rq():
        import django_rq

        django_rq.get_connection("default").ping()
        return "redis"
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk__isnull=True).exists()
    return "database"


def _storage() -> str:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return "writable"


def mail_backlog(limit: int) -> int:
    """Emails waiting to be sent, counted up to ``limit + 1`` (an indexed, bounded count)."""
    ids = OutboundEmail.objects.filter(state__in=WAITING_EMAIL).values("pk")[: limit + 1]
    return len(ids)


def _mail_backlog() -> str:
    limit = settings.REDRESS_READY_MAIL_BACKLOG
    waiting = mail_backlog(limit)
    if waiting > limit:
        raise RuntimeError(f"more than {limit} emails wait in the outbox")
    return f"{waiting} waiting"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("database", _database),
    ("cache", _cache),
    ("task_queue", _task_queue),
    ("storage", _storage),
    ("mail_backlog", _mail_backlog),
]

CHECKS_BY_NAME = dict(CHECKS)


def readiness() -> list[Check]:
    """Run every check; a failing check gives its error, the others still run."""
    results = []
    for name, check in CHECKS:
        try:
            results.append(Check(name, True, check()))
        except Exception as error:
            results.append(Check(name, False, f"{type(error).__name__}: {error}"))
    return results
