"""``redress sla rebuild --jobs``: the clocks built by several processes are those one process
builds, field for field (clocks, pauses, stage deadlines, the running deadline), the deadline
tally agrees with the register afterwards, and a batch that fails stops the run with a clear
error, leaving the batches committed whole and the rest to a rerun. On SQLite the build runs in
one process (``core.batch_processes.in_processes_possible``), which the first test still holds
to the same answers."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from redress.complaints.deadline_tally import deadline_tally_cells, register_deadline_cells
from redress.complaints.models import Complaint, DeadlineTally
from redress.intake.seed import seed_complaints
from redress.sla.models import ClockPause, StageClock
from redress.sla.rules import DUE_FIELDS
from redress.sla.services import bulk, sla_clocks_build
from redress.sla.tests.test_bulk_clocks import CLOCK_FIELDS, forget_clocks, varied_complaints

# The workers read what this process committed and commit on their own connections: no test
# transaction around them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def snapshot():
    clocks = list(StageClock.objects.order_by("complaint_id", "pk").values_list(*CLOCK_FIELDS))
    pauses = list(
        ClockPause.objects.order_by("complaint_id", "started_at", "pk").values_list(
            "complaint_id", "started_at", "ended_at", "reason"
        )
    )
    deadlines = list(
        Complaint.objects.order_by("pk").values_list("pk", *DUE_FIELDS.values(), "next_due_at")
    )
    return clocks, pauses, deadlines


def test_two_processes_build_what_one_builds(clock):
    seed_complaints(300, batch=100)
    varied_complaints(clock)  # pauses ended and running, reopenings, reviews, three calendars
    count = Complaint.objects.count()
    forget_clocks()
    assert sla_clocks_build(batch=70, jobs=1) == count
    one_process = snapshot()
    assert len(one_process[0]) > 1200 and any(row[2] is None for row in one_process[1])
    forget_clocks()

    seen = []
    assert sla_clocks_build(batch=70, jobs=2, progress=seen.append) == count

    assert snapshot() == one_process
    assert sum(seen) == count
    assert deadline_tally_cells() == register_deadline_cells()
    # Complaints with clocks are left alone.
    assert sla_clocks_build(batch=70, jobs=2) == 0


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="one process on SQLite: no worker to fail")
def test_a_failed_batch_stops_the_run_and_a_rerun_builds_the_rest(monkeypatch):
    seed_complaints(200, batch=100)
    forget_clocks()
    sla_clocks_build(jobs=1)
    one_process = snapshot()
    forget_clocks()
    ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True))
    poisoned = ids[120]
    build = bulk._build

    def failing(batch_ids, builder):
        if poisoned in batch_ids:
            raise ValueError("poisoned batch")
        return build(batch_ids, builder)

    monkeypatch.setattr(bulk, "_build", failing)  # inherited by the forked workers

    with pytest.raises(CommandError, match=r"poisoned batch.*run `sla rebuild` again"):
        call_command("sla", "rebuild", "--jobs", "2", "--batch", "40")

    timed = set(StageClock.objects.values_list("complaint_id", flat=True))
    assert timed and not timed & set(ids[120:160])  # the batch of ids (ids[119], ids[159]]
    # Each batch whole or not at all: a complaint has all its clocks and deadlines, or none.
    clocks, pauses, deadlines = snapshot()
    assert clocks == [row for row in one_process[0] if row[0] in timed]
    assert pauses == [row for row in one_process[1] if row[0] in timed]
    assert deadlines == [
        row if row[0] in timed else (row[0], *[None] * (len(row) - 1)) for row in one_process[2]
    ]
    assert deadline_tally_cells() == register_deadline_cells()

    monkeypatch.setattr(bulk, "_build", build)
    call_command("sla", "rebuild", "--jobs", "2", "--batch", "40")
    assert snapshot() == one_process
    assert deadline_tally_cells() == register_deadline_cells()
    # The batches' tally rows are merged: one row a cell.
    assert DeadlineTally.objects.count() == len(deadline_tally_cells())
