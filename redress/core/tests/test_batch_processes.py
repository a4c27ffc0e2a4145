"""Batches in worker processes (``core.batch_processes``): each batch runs in another process,
in its own transaction, and a batch that fails stops the run with an error naming it."""

import os

import pytest
from django.conf import settings
from django.db import connection, transaction

from redress.core.batch_processes import BatchFailed, batches_in_processes, in_processes_possible

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="worker processes run on PostgreSQL only"),
]


def _where(item):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    return os.getpid(), backend, connection.in_atomic_block


def _fails_on_two(item):
    if item == 2:
        raise ValueError("no twos")
    return item


def test_each_batch_runs_in_a_worker_in_its_own_transaction():
    assert in_processes_possible(2)
    done = dict(batches_in_processes(_where, range(6), jobs=2))

    assert sorted(done) == list(range(6))
    pids = {pid for pid, _backend, _atomic in done.values()}
    backends = {backend for _pid, backend, _atomic in done.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert len(backends) == len(pids)  # a connection of each worker's own
    assert all(atomic for _pid, _backend, atomic in done.values())
    # This process can query again afterwards.
    assert _where(None)[0] == os.getpid()


def test_a_failed_batch_is_named():
    with pytest.raises(BatchFailed, match="the batch 2 failed in a worker process") as failed:
        list(batches_in_processes(_fails_on_two, range(5), jobs=2))
    assert isinstance(failed.value.cause, ValueError)


def test_not_in_a_transaction_or_with_one_job():
    assert not in_processes_possible(1)
    with transaction.atomic():
        assert not in_processes_possible(2)
