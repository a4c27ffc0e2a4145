"""What the worker says (``redress worker``): one line per task at info, a traceback only for a
real error.

The task library logs two lines per task (started, finished) and a traceback for every failure,
including a failure the task has already rescheduled (a deadline check that met a locked
database, retried in two minutes). The worker's filter keeps the "finished" line, drops the
"started" one unless debugging (``-v 2``), and turns a failure marked ``retry_scheduled`` into a
one-line warning; a task that fails for good keeps its traceback.
"""

from __future__ import annotations

import logging

_RETRYING = "_redress_retry_scheduled"
TASK_LOGGERS = ("django_tasks", "django_tasks_db")
# RQ's worker (REDRESS_TASKS=rq) says per job: taken, done, how long its result is kept. The
# task library's "finished" line already says the first two; these go unless debugging.
RQ_JOB_STEPS = frozenset(
    {"dequeue_job_and_maintain_ttl", "handle_job_success", "_finalize_success"}
)


def retry_scheduled(error: BaseException | None) -> None:
    """Mark ``error`` as expected: the failed task has queued its own retry."""
    if error is not None:
        setattr(error, _RETRYING, True)


def is_retry_scheduled(error: BaseException | None) -> bool:
    return bool(getattr(error, _RETRYING, False))


class TaskLines(logging.Filter):
    """Filter for the task library's logger: one line per task, tracebacks for real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.funcName == "log_task_started":
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_retry_scheduled(error):
            record.msg = f"{record.msg} (retried later: %s)"
            record.args = (*(record.args or ()), error)  # type: ignore[misc]
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class RqJobLines(logging.Filter):
    """Filter for RQ's worker logger: its per-job lines only when debugging."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.INFO and record.funcName in RQ_JOB_STEPS:
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def worker_logging(verbosity: int) -> None:
    """Set the worker's loggers for ``verbosity`` (0: warnings, 1: a line per task and per
    periodic job that did something, 2 and more: everything) and install the task filter."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.getLogger("redress.worker").setLevel(level)
    for name, kind in (*((name, TaskLines) for name in TASK_LOGGERS), ("rq.worker", RqJobLines)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
