"""The deadline tally: whatever writes a complaint's deadlines, status, pause or unit (a lifecycle
action, the SLA engine, an update of many rows at once, a bulk insert, a deletion), the tally
equals a count of the register, and the overdue, due-soon and due-this-week counts read from it
equal a count of the complaints, at any moment, across midnights."""

import contextlib
import datetime as dt
import random

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.now import open_work, open_work_direct
from redress.complaints.deadline_tally import (
    deadline_tally_cells,
    deadline_tally_rebuild,
    register_deadline_cells,
)
from redress.complaints.models import Complaint, DeadlineTally, Status
from redress.complaints.queue_tally import queue_tally_compact, queue_tally_rebuild
from redress.complaints.queues import Queue, queue_counts, queue_queryset
from redress.complaints.testing import ComplainantFactory
from redress.core.bulk import bulk_insert
from redress.core.errors import ApplicationError
from redress.handling.testing import random_action, receive

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
MIDNIGHT = dt.datetime.combine(
    NOW.astimezone(dt.UTC).date() + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
)
# Moments on both sides of midnights and hours (UTC and local), and exactly on them.
MOMENTS = [
    NOW - dt.timedelta(hours=30),
    NOW,
    MIDNIGHT - dt.timedelta(minutes=1),
    MIDNIGHT,
    MIDNIGHT + dt.timedelta(hours=17),
    MIDNIGHT + dt.timedelta(hours=17, minutes=59, seconds=59),
    NOW + dt.timedelta(hours=75),
]
STAGES = ["acknowledge_due_at", "assess_due_at", "decision_due_at", "close_due_at"]


def _some_deadline(rng: random.Random) -> dt.datetime:
    """Around now, some exactly on an hour, many at the same time of day (as working days end)."""
    if rng.random() < 0.15:
        return MIDNIGHT + dt.timedelta(hours=rng.randint(-50, 50))
    if rng.random() < 0.3:
        return MIDNIGHT + dt.timedelta(days=rng.randint(-3, 3), hours=10)
    return NOW + dt.timedelta(minutes=rng.randint(-100 * 60, 100 * 60))


def _open_in_bulk(team, count, rng):
    complainant = ComplainantFactory.create()
    rows = [
        {
            "reference": f"KN-D-{index:06d}",
            "tracking_code_hash": "x",
            "channel": "web",
            "received_at": NOW - dt.timedelta(days=3),
            "subject": "Chờ xử lý",
            "description": "…",
            "unit_id": team.unit.pk,
            "complainant_id": complainant.pk,
            "status": rng.choice([Status.RECEIVED, Status.INVESTIGATING, Status.WITHDRAWN]),
            **{stage: _some_deadline(rng) for stage in STAGES},
        }
        for index in range(count)
    ]
    return bulk_insert(Complaint, rows)


def assert_exact(people, org_units):
    assert deadline_tally_cells() == register_deadline_cells()
    period = Period(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    for now in MOMENTS:
        for person in people:
            counts = queue_counts(person, now=now)
            for queue in (Queue.OVERDUE, Queue.DUE_SOON):
                assert counts[queue] == queue_queryset(person, queue, now=now).count(), (
                    person,
                    now,
                    queue,
                )
            for filters in (Filters(), Filters(unit=org_units[1])):
                cohort = Cohort(user=person, period=period, filters=filters, now=now)
                fast, direct = open_work(cohort), open_work_direct(cohort)
                assert (fast.totals, fast.by_stage, fast.by_unit) == (
                    direct.totals,
                    direct.by_stage,
                    direct.by_unit,
                ), (person, now, filters)


def test_the_deadline_tally_equals_the_register_whatever_writes(org):
    first, second, dpo = org
    teams = [first, second]
    rng = random.Random(20)
    complaints = [receive(rng.choice(teams)).complaint for _ in range(8)]
    complaints.append(receive(first, subject_staff=first.handler).complaint)
    restricted = receive(second).complaint
    Complaint.objects.filter(pk=restricted.pk).update(processing_restricted=True)
    complaints.append(restricted)
    elsewhere = receive(second).complaint
    Complaint.objects.filter(pk=elsewhere.pk).update(owner=first.handler)
    complaints.append(elsewhere)
    bulk = _open_in_bulk(second, 12, rng)
    # The queue tally (open work by unit, owner, status) counts writes past the lifecycle only
    # when rebuilt; the deadline tally needs nothing.
    queue_tally_rebuild()
    people = [first.handler, first.manager, second.manager, first.top, dpo]
    units = (first.unit.pk, second.unit.pk)
    assert_exact(people, units)
    for _round in range(4):
        # One complaint's deadlines written past the lifecycle, then many in one statement.
        for complaint in rng.sample(complaints, 3):
            Complaint.objects.filter(pk=complaint.pk).update(
                **{stage: _some_deadline(rng) for stage in STAGES}
            )
        Complaint.objects.filter(pk__in=rng.sample(bulk, 6)).update(
            close_due_at=_some_deadline(rng), decision_due_at=_some_deadline(rng)
        )
        Complaint.objects.filter(pk__in=rng.sample(bulk, 3)).update(unit=first.unit)
        queue_tally_rebuild()
        for _step in range(6):
            with contextlib.suppress(ApplicationError):
                random_action(rng, complaints, teams)
        assert_exact(people, units)
    Complaint.objects.filter(pk__in=bulk[:5]).delete()
    queue_tally_rebuild()
    assert_exact(people, units)
    assert DeadlineTally.objects.count() > len(register_deadline_cells())
    queue_tally_compact()
    assert DeadlineTally.objects.count() == len(register_deadline_cells())
    assert_exact(people, units)
    assert any(queue_counts(first.top, now=now)[Queue.OVERDUE] for now in MOMENTS)
    assert any(queue_counts(first.top, now=now)[Queue.DUE_SOON] for now in MOMENTS)


def test_a_rebuilt_deadline_tally_holds_the_same_cells(org):
    first, second, _dpo = org
    _open_in_bulk(first, 20, random.Random(3))
    receive(second)
    before = deadline_tally_cells()
    assert before and before == register_deadline_cells()
    DeadlineTally.objects.all().delete()
    assert deadline_tally_rebuild() == len(before)
    assert deadline_tally_cells() == before


@pytest.mark.skipif(
    settings.IS_POSTGRES, reason="PostgreSQL flushes with TRUNCATE, which moves no tally"
)
@pytest.mark.parametrize("first", ["complaints_complaint", "core_orgunit"])
def test_a_flush_in_any_order_leaves_the_deadline_tally_empty(org, first):
    """Tests between browser journeys empty every table in an order that varies from run to
    run: whichever goes first, no cell is left behind, and none refers to a deleted unit."""
    _open_in_bulk(org[0], 5, random.Random(5))
    assert DeadlineTally.objects.exists()
    then = "core_orgunit" if first == "complaints_complaint" else "complaints_complaint"
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ("complaints_deadlinetally", first, then):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the tables named above
        left = list(DeadlineTally.objects.values_list("unit_id", "count"))
        transaction.set_rollback(True)  # the rest of the test database as it was
    assert left == []
