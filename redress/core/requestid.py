"""The request id: one id per HTTP request, taken from ``X-Request-ID`` when a proxy sent a
sane one, else made here; answered in ``X-Request-ID``, put on every log line written while the
request runs (and in the JSON logs, ``REDRESS_LOG_FORMAT=json``), and logged with every task
the request queues, so that an operator follows a complaint from the request into the worker."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("redress_request_id", default="")


def request_id() -> str:
    """The id of the request being served in this thread ("" outside a request)."""
    return _current.get()


class RequestIdMiddleware:
    """First in the chain: sets the request id for everything after it and answers it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        rid = given if _SANE.match(given) else uuid.uuid4().hex
        token = _current.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Gives every log record a ``request_id`` attribute (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _current.get()
        return True


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id and
    any ``extra`` fields; the traceback in ``exc`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or _current.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# The request id travels with a task through the cache, keyed by the task's id: written when a
# request queues the task, read by the worker when the task starts, so the worker's log lines
# for that task carry the request's id. A lost key only loses the id on those lines.
_TASK_KEY = "redress:task-request-id:{}"
_TASK_KEY_SECONDS = 86400
_logger = logging.getLogger("redress.tasks")


def task_request_id_remember(task_id: str, rid: str) -> None:
    if not rid:
        return
    from django.core.cache import cache

    try:
        cache.set(_TASK_KEY.format(task_id), rid, _TASK_KEY_SECONDS)
    except Exception:
        _logger.warning("the request id of task %s could not be kept", task_id, exc_info=True)


def on_task_started(sender: object, task_result: object, **kwargs: object) -> None:
    """Signal receiver (django_tasks ``task_started``): the task runs under its request's id."""
    from django.core.cache import cache

    try:
        rid = cache.get(_TASK_KEY.format(getattr(task_result, "id", "")), "")
    except Exception:
        rid = ""
    _current.set(str(rid))


def on_task_finished(sender: object, task_result: object, **kwargs: object) -> None:
    _current.set("")
