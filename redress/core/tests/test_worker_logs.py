"""What ``redress worker`` says: one line per task and per periodic job that did something,
a traceback only for a real error (a task that has queued its own retry is a warning line)."""

import logging

import pytest
from django.db import OperationalError
from django_tasks import task

from redress.core.logs import is_retry_scheduled, retry_scheduled, worker_logging
from redress.core.management.commands.worker import run_periodic_once
from redress.sla.testing import run_queued_tasks, uses_rq

pytestmark = pytest.mark.django_db


@task()
def fine_task() -> int:
    return 1


@task()
def broken_task() -> int:
    raise RuntimeError("a bug")


@task()
def retried_task() -> int:
    try:
        raise OperationalError("database is locked")
    except OperationalError as error:
        retry_scheduled(error)  # as a task does once it has queued its next attempt
        raise


def _busy() -> int:
    return 3


def _idle() -> int:
    return 0


@pytest.fixture
def worker_logs(caplog):
    worker_logging(1)
    for name in ("django_tasks", "django_tasks_db", "redress.worker"):
        caplog.set_level(logging.INFO, logger=name)
    return caplog


@pytest.mark.skipif(uses_rq(), reason="the database backend's worker")
def test_one_line_per_task_and_a_traceback_only_for_a_real_error(worker_logs):
    fine_task.enqueue()
    retried_task.enqueue()
    broken_task.enqueue()
    run_queued_tasks()

    records = [r for r in worker_logs.records if r.name == "django_tasks"]
    lines = {r.getMessage().split(" path=")[1]: r for r in records}
    assert len(records) == 3  # no "started" line: one line per task
    fine = lines[f"{__name__}.fine_task state=SUCCESSFUL"]
    assert (fine.levelno, fine.exc_info) == (logging.INFO, None)
    [retried] = [r for key, r in lines.items() if key.startswith(f"{__name__}.retried_task")]
    assert retried.levelno == logging.WARNING and retried.exc_info is None
    assert "retried later: database is locked" in retried.getMessage()
    [broken] = [r for key, r in lines.items() if key.startswith(f"{__name__}.broken_task")]
    assert broken.levelno == logging.ERROR
    assert isinstance(broken.exc_info[1], RuntimeError)  # the traceback is kept
    assert "Traceback" in worker_logs.text and "a bug" in worker_logs.text


@pytest.mark.skipif(uses_rq(), reason="the database backend's worker")
def test_debugging_shows_the_started_lines_too(worker_logs):
    worker_logging(2)
    logging.getLogger("django_tasks").setLevel(logging.DEBUG)
    fine_task.enqueue()
    run_queued_tasks()
    states = [
        r.getMessage().rsplit("state=", 1)[1]
        for r in worker_logs.records
        if r.name == "django_tasks"
    ]
    assert states == ["RUNNING", "SUCCESSFUL"]


def test_a_periodic_job_that_did_something_says_so_in_one_line(worker_logs):
    run_periodic_once([("busy", _busy), ("idle", _idle)])
    lines = [r.getMessage() for r in worker_logs.records if r.name == "redress.worker"]
    assert lines == ["busy: 3"]


def test_a_deadline_check_that_fails_is_retried_and_logged_without_traceback(monkeypatch):
    from redress.sla import tasks

    def locked(**_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tasks.services, "sla_clock_check", locked)
    with pytest.raises(OperationalError) as raised:
        tasks.check_clock.call(1)
    assert is_retry_scheduled(raised.value)
    # The last attempt is not retried: a real error, with its traceback.
    with pytest.raises(OperationalError) as last:
        tasks.check_clock.call(1, attempt=tasks.MAX_ATTEMPTS)
    assert not is_retry_scheduled(last.value)


def _rq_record(function: str, level: int = logging.INFO) -> logging.LogRecord:
    record = logging.LogRecord(
        "rq.worker", level, "base.py", 1, "Worker w: default: Job OK", (), None
    )
    record.funcName = function
    return record


def test_rq_says_nothing_more_per_job_unless_debugging():
    from redress.core.logs import RqJobLines

    quiet = RqJobLines()
    logger = logging.getLogger("rq.worker")
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert not quiet.filter(_rq_record("_finalize_success"))
        assert not quiet.filter(_rq_record("dequeue_job_and_maintain_ttl"))
        assert quiet.filter(_rq_record("work"))  # started, stopping: once per worker
        assert quiet.filter(_rq_record("handle_job_failure", logging.ERROR))
        logger.setLevel(logging.DEBUG)
        assert quiet.filter(_rq_record("_finalize_success"))
    finally:
        logger.setLevel(level)
