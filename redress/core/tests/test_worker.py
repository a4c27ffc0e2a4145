"""``redress worker`` runs the periodic jobs that settings name, in order, each on its own."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from redress.core.management.commands.worker import periodic_jobs, run_periodic_once

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def first_job() -> int:
    CALLS.append("first")
    return 1


def broken_job() -> int:
    CALLS.append("broken")
    raise RuntimeError("mail server away")


def last_job() -> int:
    CALLS.append("last")
    return 0


NOT_A_FUNCTION = 42
HERE = __name__


@pytest.fixture
def jobs(settings):
    CALLS.clear()
    settings.REDRESS_PERIODIC_JOBS = [
        ("first", f"{HERE}.first_job"),
        ("broken", f"{HERE}.broken_job"),
        ("last", f"{HERE}.last_job"),
    ]
    yield settings
    CALLS.clear()


def test_the_jobs_are_those_named_in_settings_in_order(jobs):
    assert periodic_jobs() == [("first", first_job), ("broken", broken_job), ("last", last_job)]


def test_a_failing_job_is_logged_and_the_others_still_run(jobs, caplog):
    with caplog.at_level(logging.ERROR):
        run_periodic_once()
    assert CALLS == ["first", "broken", "last"]
    assert "broken failed; it runs again in a minute" in caplog.text


@pytest.mark.parametrize(
    "path", [f"{HERE}.no_such_job", "redress.no_such_app.tasks.flush", f"{HERE}.NOT_A_FUNCTION"]
)
def test_a_path_that_leads_to_no_function_stops_the_worker_at_start(settings, path):
    settings.REDRESS_PERIODIC_JOBS = [("mistyped", path)]
    with pytest.raises(ImproperlyConfigured, match="REDRESS_PERIODIC_JOBS: 'mistyped'"):
        call_command("worker", "--once")
