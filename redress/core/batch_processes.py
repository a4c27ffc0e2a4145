"""Independent batches of a bulk job run in worker processes, each batch in its own transaction
on the worker's own database connection (``redress sla rebuild --jobs``); or made in worker
processes that read no database, for the caller to write in order (``made_in_processes``,
``redress seed --jobs``).

The caller describes its batches before any worker starts (ranges of ids, say) and hands over a
function that does one batch. The function and whatever it was built from (calendars, policies)
are inherited by the workers as they are forked: only the batch is sent to a worker, and only
its result comes back. The caller's connections are closed before the fork (a forked process
must not share them); each worker opens its own at its first query and closes it as it exits.

The batches must not wait on each other's locks (disjoint rows): nothing here orders them. A
batch that fails rolls back alone; the batches already committed stay, those not started are
not started, and ``BatchFailed`` names the batch and the cause.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing.util import Finalize
from typing import Any, TypeVar

from django.db import connection, connections, transaction

Item = TypeVar("Item")
Result = TypeVar("Result")


class BatchFailed(RuntimeError):
    """A batch failed in a worker process (or the process died): it was rolled back, the
    batches committed before it stay, the others were not started."""

    def __init__(self, batch: object, cause: BaseException) -> None:
        super().__init__(f"the batch {batch} failed in a worker process: {cause!r}")
        self.batch, self.cause = batch, cause


def jobs_default() -> int:
    """How many worker processes unless told: every core on PostgreSQL; one on SQLite, whose
    single writer is the limit and whose test databases live in one process."""
    return (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1


def in_processes_possible(jobs: int) -> bool:
    """Whether ``batches_in_processes`` can run ``jobs`` workers here: more than one asked,
    PostgreSQL (an in-memory SQLite database lives in one process), and no transaction open
    (the workers commit on their own connections, outside it)."""
    return jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


# The function doing one batch, set before the workers are forked (they inherit it).
_WORK: Callable[[Any], Any] | None = None


def _worker_start() -> None:
    # Close this worker's connections as it exits (a worker that just vanished would leave the
    # server to notice the broken connection).
    Finalize(None, connections.close_all, exitpriority=10)


def _batch_run(item: Any) -> Any:
    assert _WORK is not None, "batches_in_processes sets the work before forking"
    with transaction.atomic():
        return _WORK(item)


def batches_in_processes(
    work: Callable[[Item], Result], items: Iterable[Item], *, jobs: int
) -> Iterator[tuple[Item, Result]]:
    """Run ``work(item)`` for each of ``items`` in ``jobs`` forked worker processes, each in
    its own transaction, and give back (item, result) as each batch commits (in no fixed
    order). Raises ``BatchFailed`` for the first batch that fails, once the batches running
    then have ended; the rest are not started. Call it outside any transaction, on PostgreSQL
    (``in_processes_possible``)."""
    global _WORK  # noqa: PLW0603  (inherited by the workers, see _WORK)
    batches = list(items)
    _WORK = work
    connections.close_all()
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start
    )
    try:
        # Every batch is handed over at once (the workers are all forked at the first): this
        # process makes no query until they are done.
        running: dict[Future[Any], Item] = {pool.submit(_batch_run, item): item for item in batches}
        for future in as_completed(running):
            try:
                result = future.result()
            except Exception as error:
                raise BatchFailed(running[future], error) from error
            yield running[future], result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _WORK = None


# The function making one item, set before the workers are forked (they inherit it).
_MAKE: Callable[[Any], Any] | None = None


def _made(item: Any) -> Any:
    assert _MAKE is not None, "made_in_processes sets the function before forking"
    return _MAKE(item)


def made_in_processes(
    make: Callable[[Item], Result], items: Iterable[Item], *, jobs: int
) -> Generator[Result, None, None]:
    """``make(item)`` for each of ``items``, given back in order, made by ``jobs`` forked worker
    processes at most ``jobs + 1`` items ahead of the caller, who writes each as it comes. The
    workers inherit ``make`` and what it was built from, and must read no database: their
    connections are closed. Made in this process, as they are asked for, unless the workers
    can run (``in_processes_possible``). Close the iterator (``contextlib.closing``) to stop
    the workers when the caller stops early."""
    global _MAKE  # noqa: PLW0603  (inherited by the workers, see _MAKE)
    if not in_processes_possible(jobs):
        yield from (make(item) for item in items)
        return
    _MAKE = make
    connections.close_all()
    pool = multiprocessing.get_context("fork").Pool(jobs)
    try:
        pending: deque[Any] = deque()
        for item in items:
            pending.append(pool.apply_async(_made, (item,)))
            if len(pending) > jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _MAKE = None
