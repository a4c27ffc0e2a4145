"""`redress worker` on the RQ backend runs Django tasks (docs/deployment.md "Workers"): run in
CI's RQ step (REDRESS_TASKS=rq, a local Redis), skipped elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks import task

pytestmark = [
    pytest.mark.skipif(settings.REDRESS_TASKS != "rq", reason="needs REDRESS_TASKS=rq"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@task()
def note_write(path: str, text: str) -> None:
    Path(path).write_text(text)


def test_the_rq_worker_runs_a_queued_task(tmp_path):
    import django_rq

    django_rq.get_queue("default").empty()
    target = tmp_path / "ran.txt"
    note_write.enqueue(str(target), "đã chạy")

    call_command("worker", "--once")

    assert target.read_text() == "đã chạy"
