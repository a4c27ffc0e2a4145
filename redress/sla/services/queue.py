"""How the deadline services hand work to the task queue, always with the current transaction.

The tasks (``redress.sla.tasks``) run the services, and the services queue the tasks: a clock
check queues the clock's next check. So the task module imports the services, and the services
reach the tasks only through this module, which imports the task module on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import ModuleType

from django.utils import timezone
from django_tasks.exceptions import InvalidTaskError

from redress.core.tasks import enqueue_all_on_commit, enqueue_on_commit


def _tasks() -> ModuleType:
    # Inside a function because redress.sla.tasks imports the services, which import this module.
    from redress.sla import tasks

    return tasks


def enqueue_check(clock_id: int, when: dt.datetime) -> None:
    """Queue the clock's check task to run at ``when``, with the current transaction."""
    enqueue_checks([(clock_id, when)])


def enqueue_checks(checks: Sequence[tuple[int, dt.datetime]]) -> None:
    """Queue the check task for each (clock id, instant), with the current transaction.
    Should the queue be unreachable, each next check time is already stored on its clock and
    the sweep finds it."""
    check_clock = _tasks().check_clock
    now = timezone.now()
    calls = []
    for clock_id, when in checks:
        try:
            run = check_clock if when <= now else check_clock.using(run_after=when)
        except InvalidTaskError:
            # A backend that cannot wait (the immediate one, in development): the sweep checks.
            continue
        calls.append((run, (clock_id,)))
    if calls:
        enqueue_all_on_commit(calls)


def enqueue_notice_email(notice_id: int, only: Sequence[int] | None = None) -> None:
    """Queue the email of a deadline notice to its recipients (or to ``only`` these of them:
    the others were told in a digest), with the current transaction."""
    if only is None:
        enqueue_on_commit(_tasks().email_notice, notice_id)
    else:
        enqueue_on_commit(_tasks().email_notice, notice_id, list(only))


def enqueue_recompute(
    batches: Sequence[list[int]],
    *,
    run_after: dt.datetime,
    since: dt.datetime,
    unit_ids: list[int] | None,
    catch_up: bool,
) -> None:
    """Queue the recomputation of each batch of complaints to run at ``run_after`` and, with
    ``catch_up``, of the complaints (of ``unit_ids``, or all) received since ``since``."""
    tasks = _tasks()
    try:
        run, run_since = (
            tasks.recompute_complaints.using(run_after=run_after),
            tasks.recompute_received_since.using(run_after=run_after),
        )
    except InvalidTaskError:
        # A backend that cannot wait runs tasks here and now, in the process that has just
        # forgotten the old settings: nothing was received with them meanwhile.
        run, run_since = tasks.recompute_complaints, None
    for batch in batches:
        run.enqueue(batch)
    if catch_up and run_since is not None:
        run_since.enqueue(since.isoformat(), unit_ids)
