"""The live counts beside the rollup: the overdue stages equal a direct count for every person
and filter, and on PostgreSQL are read from the indexes of pending deadlines alone (an
index-only scan per stage), so that at a million complaints they read no complaint's row
however scattered the open ones are; the 7-working-day rule's waiting clocks are read from the
index of open first decisions alone."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.analytics import figures
from redress.analytics.ageing import vn7_compliance
from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.measures import (
    OVERDUE,
    STAGE_FIELDS,
    VULNERABLE,
    ack_overdue_by_day,
    complaint_conditions,
    overdue_counts,
)
from redress.analytics.rollup import rollup_rebuild
from redress.analytics.testing import VN, at, random_register, register_row
from redress.complaints.models import Channel, Complaint, Priority, Status
from redress.complaints.testing import CategoryFactory, ProductFactory
from redress.core.bulk import bulk_insert
from redress.core.testing import UnitFactory
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=VN)
PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 7, 15))


@pytest.fixture
def world():
    """Complaints at every stage in two units, some owned elsewhere by the handler, one about
    the manager, one restricted, a few vulnerable complainants."""
    team = make_team()
    elsewhere = UnitFactory.create()
    category = CategoryFactory.create()
    product = ProductFactory.create()
    complaints = random_register(
        random.Random(11),
        units=[team.unit, elsewhere],
        categories=[category],
        decider=team.handler,
        count=90,
        first=at("2026-05-01 00:00"),
        days=75,
    )
    for complaint in complaints[::5]:
        complaint.product = product
        complaint.vulnerable_group = "elderly"
        complaint.save(update_fields=["product", "vulnerable_group"])
    late = {"acknowledge_due_at": at("2026-07-01 09:00"), "close_due_at": at("2026-07-10 09:00")}
    register_row(elsewhere, "2026-06-30 09:00", owner=team.handler, **late)
    register_row(team.unit, "2026-06-30 10:00", subject_staff=team.manager, **late)
    register_row(team.unit, "2026-06-30 11:00", processing_restricted=True, **late)
    register_row(team.unit, "2026-06-29 11:00", vulnerable_group="disability", **late)
    # Many closed complaints beside them, analysed, so that the planner chooses as at scale.
    closed = {"status": Status.CLOSED}
    for day, (due, done) in enumerate(STAGE_FIELDS.values(), start=2):
        closed[due] = at(f"2026-05-{day + 10:02d} 09:00")
        closed[done] = at(f"2026-05-{day:02d} 09:00")
    bulk_insert(
        Complaint,
        [
            {
                "reference": f"KN-D-{index:06d}",
                "tracking_code_hash": "x",
                "channel": Channel.WEB,
                "received_at": at("2026-05-01 09:00") + dt.timedelta(minutes=index),
                "subject": "Đã xong",
                "description": "…",
                "unit_id": team.unit.pk,
                "complainant_id": complaints[0].complainant_id,
                **closed,
            }
            for index in range(3000)
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint" if settings.IS_POSTGRES else "ANALYZE")
    return team, category, product


FILTERS = [
    Filters(),
    Filters(channel=Channel.EMAIL),
    Filters(priority=Priority.HIGH),
]


def _cohorts(team, category, product):
    for person in (team.handler, team.manager, team.top, team.auditor, None):
        for filters in [*FILTERS, Filters(category=category.pk), Filters(product=product.pk)]:
            yield Cohort(user=person, period=PERIOD, filters=filters, now=NOW)


def test_the_overdue_counts_equal_a_direct_count(world):
    conditions = complaint_conditions(NOW)
    seen = 0
    for cohort in _cohorts(*world):
        counted = overdue_counts(cohort.complaints, NOW)[()]
        direct = {name: cohort.complaints.filter(conditions[name]).count() for name in OVERDUE}
        assert counted == direct, cohort
        by_unit = overdue_counts(cohort.complaints, NOW, by=("unit_id",))
        for name in OVERDUE:
            assert sum(group[name] for group in by_unit.values()) == direct[name]
        seen += sum(direct.values())
    assert seen > 0, "the register has overdue stages to count"


def test_the_overdue_acknowledgements_by_day_of_receipt_equal_a_direct_count(world):
    """The KPI tiles add these days up and the weekly control chart adds them up by week: each
    day (of receipt, in Vietnam) holds exactly the complaints received that day whose
    acknowledgement is overdue, and how many of them are vulnerable."""
    overdue = complaint_conditions(NOW)["ack_overdue"]
    rollup_rebuild()  # the tiles read the rollup beside these counts
    seen = seen_vulnerable = 0
    for cohort in _cohorts(*world):
        assert figures._rolled(cohort)
        direct: dict[dt.date, list[int]] = {}
        for received, vulnerable in cohort.complaints.filter(overdue).values_list(
            "received_at", "vulnerable_group"
        ):
            day = direct.setdefault(received.astimezone(VN).date(), [0, 0])
            day[0] += 1
            day[1] += vulnerable != ""
        assert ack_overdue_by_day(cohort) == {day: tuple(n) for day, n in direct.items()}, cohort
        tiles = figures.cohort_measures(cohort)
        assert tiles["ack_overdue"] == cohort.complaints.filter(overdue).count()
        vulnerable = cohort.complaints.filter(overdue & VULNERABLE).count()
        assert tiles["vulnerable_ack_overdue"] == vulnerable
        seen += len(direct)
        seen_vulnerable += vulnerable
    assert seen > 1, "overdue acknowledgements on several days"
    assert seen_vulnerable > 0, "some of them for vulnerable complainants"


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        # Left only with index paths, the planner shows whether the index holds every column
        # the query reads: an index-only scan if it does, a plain index scan if not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _only_pending_indexes_left() -> None:
    """Drop every other index of the complaints but the keys, in the test's transaction: which
    index the planner prefers on a few thousand rows is chance; what is checked is that the
    pending-deadline indexes hold all a count reads."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'complaints_complaint'::regclass
            AND NOT i.indisprimary AND NOT i.indisunique AND c.relname NOT LIKE '%%_due_pending'"""
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="plans are checked on PostgreSQL only")
def test_postgres_counts_the_overdue_from_the_pending_indexes_alone(world):
    _only_pending_indexes_left()
    for cohort in _cohorts(*world):
        for by in ((), ("unit_id",)):
            complaints = cohort.complaints  # the person's roles and the time zone read first
            with CaptureQueriesContext(connection) as captured:
                overdue_counts(complaints, NOW, by=by)
            read = [q["sql"] for q in captured.captured_queries]
            assert len(read) == 4, "one query per stage"
            for sql in read:
                plan = _plan(sql, ())
                assert "Index Only Scan using complaint_" in plan, (cohort, plan)
                assert "_due_pending on complaints_complaint" in plan, (cohort, plan)
                assert "Index Scan using" not in plan.replace("Index Only Scan", ""), plan


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="plans are checked on PostgreSQL only")
def test_postgres_reads_the_overdue_acknowledgements_by_day_from_their_index_alone(world):
    _only_pending_indexes_left()
    for cohort in _cohorts(*world):
        cohort.complaints  # noqa: B018 - the person's roles and the time zone read first
        with CaptureQueriesContext(connection) as captured:
            ack_overdue_by_day(cohort)
        read = [q["sql"] for q in captured.captured_queries]
        assert len(read) == 1, "one grouped read"
        plan = _plan(read[0], ())
        assert "Index Only Scan using complaint_ack_due_pending" in plan, (cohort, plan)


def _only_keys_and(table: str, kept: str) -> None:
    """Drop every index of ``table`` but its keys and ``kept``, in the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
            AND c.relname <> %s""",
            [table, kept],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="plans are checked on PostgreSQL only")
def test_postgres_judges_the_waiting_requests_clocks_from_the_open_first_decisions_alone(world):
    team, _category, _product = world
    rollup_rebuild()
    _only_keys_and("sla_stageclock", "sla_first_decision_open")
    for person in (team.manager, team.top):
        cohort = Cohort(user=person, period=PERIOD, now=NOW)
        assert figures._rolled(cohort)
        with CaptureQueriesContext(connection) as captured:
            vn7_compliance(cohort)
        # The live read, one aggregate (the settled clocks of the corrections are read with
        # them).
        live = "clock.\"outcome\" IN ('running', 'met', 'breached')"
        read = [q["sql"] for q in captured.captured_queries if live in q["sql"]]
        assert len(read) == 1, "the waiting requests' clocks, judged in one aggregate"
        for sql in read:
            plan = _plan(sql, ())
            assert "Index Only Scan using sla_first_decision_open" in plan, plan


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="plans are checked on PostgreSQL only")
def test_postgres_counts_the_running_reviews_past_their_deadline_from_their_index_alone(world):
    team, _category, _product = world
    rollup_rebuild()
    _only_keys_and("sla_stageclock", "sla_review_running_due")
    for person in (team.manager, team.top):
        cohort = Cohort(user=person, period=PERIOD, now=NOW)
        assert figures._rolled(cohort)
        figures.cohort_measures(cohort)  # the rollup's totals, read with the other KPIs
        with CaptureQueriesContext(connection) as captured:
            figures.reviews(cohort)
        read = [q["sql"] for q in captured.captured_queries if "sla_stageclock" in q["sql"]]
        assert len(read) == 1, "the running reviews past their deadline, in one count"
        plan = _plan(read[0], ())
        assert "Index Only Scan using sla_review_running_due" in plan, plan
