"""Queueing background work so that it runs only if the work that asked for it commits."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import transaction
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from redress.core.requestid import request_id, task_request_id_remember
from redress.core.writes import insert

logger = logging.getLogger("redress.tasks")

# The task rows of the open ``tasks_batched`` block, written together when it ends.
_batch: contextvars.ContextVar[list[DBTaskResult] | None] = contextvars.ContextVar(
    "redress_task_batch", default=None
)


@contextlib.contextmanager
def tasks_batched() -> Iterator[None]:
    """Inside the block, tasks queued for the database backend are kept and written in one
    INSERT when it ends without an error (intake queues its deadline checks and its receipt's
    send task this way: one statement instead of one per call). Must run inside the
    transaction that asks for the tasks, so the rows still commit or roll back with it."""
    if _batch.get() is not None:  # already batching: the outer block writes
        yield
        return
    rows: list[DBTaskResult] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    if rows:
        fields = [field.attname for field in DBTaskResult._meta.concrete_fields]
        insert(
            DBTaskResult,
            [{name: getattr(row, name) for name in fields} for row in rows],
            later=True,
        )


def _row(
    backend: DatabaseBackend, task: Any, args: Sequence[Any], kwargs: dict[str, Any]
) -> DBTaskResult:
    """The row the backend's own ``enqueue`` writes (``django_tasks_db`` stores a task without
    ``run_after`` as due at its maximum date, which its worker reads as "now")."""
    backend.validate_task(task)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": list(args), "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )


def _enqueue_logged(task: Any, rid: str, *args: Any, **kwargs: Any) -> None:
    # The request id goes with the task's id into the log, where the worker's lines about the
    # same task id follow it (docs/deployment.md, "Logs").
    result = task.enqueue(*args, **kwargs)
    task_request_id_remember(str(result.id), rid)
    logger.info(
        "task queued",
        extra={"task": task.module_path, "task_id": str(result.id), "request_id": rid},
    )


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` as part of the current transaction.

    With the database backend the task row is written inside the transaction: it commits or
    rolls back with the work that queued it (the outbox rule), and no commit of its own is
    paid per task on every intake. Other backends (RQ, immediate) cannot see the transaction,
    so the task is queued after the commit; if that fails, the failure is logged (the sweeps
    catch what was not queued) rather than raised after the work has committed. ``task`` may
    carry options (``task.using(...)``).
    """
    rid = request_id()
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend):
        batch = _batch.get()
        if batch is None:
            _enqueue_logged(task, rid, *args, **kwargs)
            return
        row = _row(backend, task, args, kwargs)
        batch.append(row)
        task_request_id_remember(str(row.id), rid)
        logger.info(
            "task queued",
            extra={"task": task.module_path, "task_id": str(row.id), "request_id": rid},
        )
        return
    transaction.on_commit(lambda: _enqueue_logged(task, rid, *args, **kwargs), robust=True)


def enqueue_all_on_commit(calls: Sequence[tuple[Any, tuple[Any, ...]]]) -> None:
    """Queue several ``(task, args)`` as part of the current transaction, like
    ``enqueue_on_commit``; with the database backend all their rows go in one INSERT (or in
    the open ``tasks_batched`` block's).

    The rows are those the backend's own ``enqueue`` writes (``_row``); the SLA tests run such
    rows through the backend's worker.
    """
    backends = {task.get_backend() for task, _args in calls}
    if len(backends) != 1 or not isinstance(backend := backends.pop(), DatabaseBackend):
        for task, args in calls:
            enqueue_on_commit(task, *args)
        return
    rows = [_row(backend, task, args, {}) for task, args in calls]
    batch = _batch.get()
    if batch is not None:
        batch.extend(rows)
        return
    DBTaskResult.objects.bulk_create(rows)
