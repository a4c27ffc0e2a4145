"""Two or more workers running the periodic jobs: each job runs once per period."""

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from redress.core.management.commands.worker import run_periodic_once
from redress.core.models import PeriodicClaim
from redress.core.periodic import current_period, periodic_claim

RUNS: Counter[str] = Counter()


def sweep() -> None:
    RUNS["sweep"] += 1


def outbox() -> None:
    RUNS["outbox"] += 1


JOBS = [("sweep", sweep), ("outbox", outbox)]


@pytest.fixture(autouse=True)
def clean_runs():
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.mark.django_db
def test_a_second_worker_in_the_same_period_skips_the_jobs_and_runs_them_the_next_period():
    run_periodic_once(JOBS, period=1000)
    run_periodic_once(JOBS, period=1000)
    assert RUNS == {"sweep": 1, "outbox": 1}
    run_periodic_once(JOBS, period=1001)
    run_periodic_once(JOBS, period=1001)
    assert RUNS == {"sweep": 2, "outbox": 2}
    # A late worker still in an earlier period does not run a job again.
    run_periodic_once(JOBS, period=1000)
    assert RUNS == {"sweep": 2, "outbox": 2}
    assert PeriodicClaim.objects.get(name="sweep").period == 1001


@pytest.mark.django_db
def test_the_claim_names_the_worker_that_ran_the_job():
    assert periodic_claim(name="sweep", period=7, worker="app-2:4242")
    assert not periodic_claim(name="sweep", period=7, worker="app-1:1111")
    assert PeriodicClaim.objects.get(name="sweep").claimed_by == "app-2:4242"


def test_the_period_is_named_by_the_second_it_started():
    assert current_period(60, now=119.9) == 60
    assert current_period(60, now=120.0) == 120
    # A worker sweeping every 5 s and a timer every minute agree on the order of periods.
    assert current_period(5, now=125.0) > current_period(60, now=124.0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_racing_for_the_same_period_run_each_job_once():
    if connection.vendor != "postgresql":
        pytest.skip("workers in threads need a database with concurrent connections")
    workers = 6
    barrier = threading.Barrier(workers)
    lock = threading.Lock()
    runs: Counter[str] = Counter()

    def count(name: str):
        def job() -> None:
            with lock:
                runs[name] += 1

        return job

    jobs = [(name, count(name)) for name in ("sla sweep", "outbox flush", "retention")]

    def worker() -> None:
        barrier.wait()
        try:
            for period in (5, 6, 7):
                run_periodic_once(jobs, period=period)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runs == {"sla sweep": 3, "outbox flush": 3, "retention": 3}


@pytest.mark.django_db
def test_the_periodic_option_runs_this_periods_jobs_once(settings):
    settings.REDRESS_PERIODIC_JOBS = [("sweep", f"{__name__}.sweep")]
    call_command("worker", "--periodic", "--sweep-interval", "3600")
    call_command("worker", "--periodic", "--sweep-interval", "3600")
    assert RUNS == {"sweep": 1}
