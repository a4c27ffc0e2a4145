"""The plans behind the queues at scale: the overdue and due-soon filters (back office and API)
read the running deadlines' index, and the queue counts never scan the complaints.

The results are checked on every database; the plans only on PostgreSQL, where these indexes
serve a million complaints (SQLite plans differently and is not the database for that scale).
The register here holds a few thousand closed complaints beside the few with a deadline
running, analysed, so that the planner chooses as it does at scale; it is also told to avoid
scans, so a scan left in a plan means that no index can serve the query.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redress.api.output import due_soon_q, overdue_q
from redress.complaints.models import Complaint, Status
from redress.complaints.queue_tally import queue_tally_rebuild
from redress.complaints.queues import (
    DeadlineFilter,
    ListFilters,
    Queue,
    queue_counts,
    queue_queryset,
)
from redress.complaints.selectors import complaints_visible_to
from redress.complaints.testing import ComplainantFactory
from redress.core.bulk import bulk_insert
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db

NOW = timezone.now()
ON_POSTGRES = pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="plans are checked on PostgreSQL only: SQLite plans differently (results checked above)",
)


def _closed_in_bulk(team, count):
    """Closed complaints of the team's unit, written in bulk (no deadline runs for them)."""
    complainant = ComplainantFactory.create()
    received = NOW - dt.timedelta(days=30)
    rows = [
        {
            "reference": f"KN-P-{index:06d}",
            "tracking_code_hash": "x",
            "channel": "web",
            "received_at": received,
            "subject": "Đã xong",
            "description": "…",
            "unit_id": team.unit.pk,
            "complainant_id": complainant.pk,
            "status": Status.CLOSED,
            "close_due_at": received + dt.timedelta(days=20),
        }
        for index in range(count)
    ]
    bulk_insert(Complaint, rows)
    queue_tally_rebuild()


@pytest.fixture
def world():
    team = make_team()
    _closed_in_bulk(team, 3000)
    late = receive(team).complaint
    soon = receive(team).complaint
    later = receive(team).complaint
    for complaint, due in ((late, -3), (soon, 5), (later, 24 * 7)):
        Complaint.objects.filter(pk=complaint.pk).update(
            acknowledge_due_at=NOW + dt.timedelta(hours=due)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint" if settings.IS_POSTGRES else "ANALYZE")
    return team, late, soon


RUNNING_DEADLINE_INDEXES = (
    "complaint_running_due",
    "complaint_unit_running_due",
    "complaint_running_received",
)


def _plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _deadline_querysets(team):
    overdue = ListFilters(deadline=DeadlineFilter.OVERDUE)
    due_soon = ListFilters(deadline=DeadlineFilter.DUE_SOON)
    visible = complaints_visible_to(team.manager)
    return {
        "overdue queue": queue_queryset(team.manager, Queue.OVERDUE, now=NOW),
        "due soon queue": queue_queryset(team.manager, Queue.DUE_SOON, now=NOW),
        "overdue filter": queue_queryset(team.manager, Queue.ALL, overdue, now=NOW),
        "due soon filter": queue_queryset(team.manager, Queue.ALL, due_soon, now=NOW),
        "API overdue": visible.filter(overdue_q(NOW)),
        "API due soon": visible.filter(due_soon_q(NOW)),
    }


def test_the_deadline_filters_find_the_running_deadlines(world):
    team, late, soon = world
    found = {name: [c.pk for c in qs] for name, qs in _deadline_querysets(team).items()}
    assert found == {
        "overdue queue": [late.pk],
        "due soon queue": [soon.pk],
        "overdue filter": [late.pk],
        "due soon filter": [soon.pk],
        "API overdue": [late.pk],
        "API due soon": [soon.pk],
    }


@ON_POSTGRES
def test_postgres_serves_the_deadline_filters_from_the_running_deadlines_index(world):
    team, _late, _soon = world
    for name, queryset in _deadline_querysets(team).items():
        sql, params = queryset.query.sql_with_params()
        plan = _plan(sql, params)
        # The running deadlines: all of them, per unit (the planner's choice for one unit) or
        # by time of receipt (for a list newest first).
        assert any(index in plan for index in RUNNING_DEADLINE_INDEXES), (name, plan)


@ON_POSTGRES
def test_postgres_lists_the_overdue_newest_first_judging_each_deadline_in_the_index(world):
    """The overdue and due-soon lists, newest first (the API's order and the queues'), walk the
    running deadlines by time of receipt and judge each deadline in the index, so the rows of
    recent complaints not yet due are never visited to find the few that are (at 1M, with a
    cold cache, reading those rows was most of the API's overdue list). The other indexes of
    running deadlines are dropped in the test's transaction: what is checked is that this one
    serves."""
    team, _late, _soon = world
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX complaint_running_due")
        cursor.execute("DROP INDEX complaint_unit_running_due")
    for name, queryset in _deadline_querysets(team).items():
        newest = queryset.order_by("-received_at", "-pk")[:51]
        sql, params = newest.query.sql_with_params()
        plan = _plan(sql, params)
        assert "Index Scan Backward using complaint_running_received" in plan, (name, plan)
        judged = plan.split("complaint_running_received", 1)[1].splitlines()[1]
        assert "Index Cond" in judged and "next_due_at" in judged, (name, plan)


@ON_POSTGRES
def test_postgres_serves_a_handlers_deadline_filters_from_their_units_running_deadlines(world):
    """A handler sees their units' complaints and those they own: the deadline filters read
    a range of their units' running deadlines (and their own complaints), neither every
    running deadline nor every complaint of the unit. The other indexes that could serve are
    dropped in the test's transaction: what is checked is that this one can."""
    team, _late, _soon = world
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX complaint_running_due")
        cursor.execute("DROP INDEX complaint_running_received")
    for deadline in (DeadlineFilter.OVERDUE, DeadlineFilter.DUE_SOON):
        queryset = queue_queryset(team.handler, Queue.ALL, ListFilters(deadline=deadline), now=NOW)
        sql, params = queryset.query.sql_with_params()
        plan = _plan(sql, params)
        assert "complaint_unit_running_due" in plan, (deadline, plan)
        assert "Seq Scan on complaints_complaint" not in plan, (deadline, plan)


@ON_POSTGRES
def test_postgres_counts_the_queues_without_scanning_the_complaints(world):
    team, _late, _soon = world
    for person in (team.handler, team.manager, team.top):
        with CaptureQueriesContext(connection) as captured:
            queue_counts(person, now=NOW)
        read = [q["sql"] for q in captured.captured_queries if "complaints_complaint" in q["sql"]]
        assert read, "the overdue and due-soon counts read the complaints"
        for sql in read:
            plan = _plan(sql)
            assert "Seq Scan on complaints_complaint" not in plan, (sql, plan)
        counted = "\n".join(q["sql"] for q in captured.captured_queries)
        assert "complaints_queuetally" in counted
        assert "complaints_deadlinetally" in counted
