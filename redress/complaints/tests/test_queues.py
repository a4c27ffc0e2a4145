"""Work queues: membership, counts, filters, sorting, bounded pages, workload."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.models import Complaint, PauseReason, Priority, Status
from redress.complaints.queues import (
    MAX_PAGE,
    ListFilters,
    Queue,
    Sort,
    owner_workload,
    paginate,
    queue_counts,
    queue_queryset,
)
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def refs(queryset):
    return sorted(c.reference for c in queryset)


def set_due(complaint, **fields):
    # The SLA engine fills deadlines; tests set them directly.
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    return Complaint.objects.get(pk=complaint.pk)


def no_deadlines():
    Complaint.objects.update(
        acknowledge_due_at=None, assess_due_at=None, decision_due_at=None, close_due_at=None
    )


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def world(team):
    mine = receive(team).complaint
    services.complaint_assign(
        complaint=mine, actor=Actor.for_user(team.handler), owner=team.handler
    )
    unassigned = receive(team).complaint
    overdue = receive(team).complaint
    soon = receive(team).complaint
    proposed = complaint_in_state(Status.DECISION_PROPOSED, team)
    communicated = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    closed = complaint_in_state(Status.CLOSED, team)
    paused = receive(team).complaint
    services.complaint_pause(
        complaint=paused,
        actor=Actor.for_user(team.handler),
        reason=PauseReason.COMPLAINANT,
        note="Xin hóa đơn",
    )
    elsewhere = receive(make_team()).complaint
    # Whatever the SLA engine computed, these tests decide the deadlines themselves.
    no_deadlines()
    overdue = set_due(overdue, acknowledge_due_at=NOW - dt.timedelta(hours=1))
    soon = set_due(soon, acknowledge_due_at=NOW + dt.timedelta(hours=5))
    paused = set_due(paused, acknowledge_due_at=NOW - dt.timedelta(days=3))
    return {
        "mine": mine,
        "unassigned": unassigned,
        "overdue": overdue,
        "soon": soon,
        "proposed": proposed,
        "communicated": communicated,
        "closed": closed,
        "paused": paused,
        "elsewhere": elsewhere,
    }


def test_each_queue_holds_what_its_name_says(team, world):
    handler = team.handler
    assert refs(queue_queryset(handler, Queue.MINE, now=NOW)) == [world["mine"].reference]
    assert refs(queue_queryset(handler, Queue.OVERDUE, now=NOW)) == [world["overdue"].reference]
    assert refs(queue_queryset(handler, Queue.DUE_SOON, now=NOW)) == [world["soon"].reference]
    assert refs(queue_queryset(handler, Queue.AWAITING_APPROVAL, now=NOW)) == [
        world["proposed"].reference
    ]
    assert refs(queue_queryset(handler, Queue.AWAITING_COMPLAINANT, now=NOW)) == sorted(
        [world["communicated"].reference, world["paused"].reference]
    )
    unassigned = refs(queue_queryset(handler, Queue.UNASSIGNED, now=NOW))
    assert world["unassigned"].reference in unassigned
    assert world["mine"].reference not in unassigned
    assert world["closed"].reference not in refs(queue_queryset(handler, Queue.UNIT, now=NOW))
    assert world["closed"].reference in refs(queue_queryset(handler, Queue.ALL, now=NOW))


def test_queues_and_counts_start_from_the_visibility_gate(team, world):
    every = refs(queue_queryset(team.handler, Queue.ALL, now=NOW))
    assert world["elsewhere"].reference not in every
    assert world["elsewhere"].reference in refs(queue_queryset(team.top, Queue.ALL, now=NOW))


def test_counts_match_the_lists_in_a_fixed_number_of_queries(
    team, world, django_assert_num_queries
):
    counts = queue_counts(team.handler, now=NOW)
    assert counts == {
        key: queue_queryset(team.handler, key, now=NOW).count() for key in Queue.values
    }
    user = type(team.handler).objects.get(pk=team.handler.pk)
    # The person's roles, the tally of their units, the complaints the gate adds or hides, and
    # the overdue and due-soon ones: the deadline tally's whole hours, the gate's corrections
    # over them, the partial hours from the running deadlines' index.
    with django_assert_num_queries(6):
        queue_counts(user, now=NOW)


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.NOT_ACCEPTED])
def test_the_overdue_queue_leaves_out_what_only_waits_to_be_closed(team, status):
    over = complaint_in_state(status, team)
    late = receive(team).complaint
    no_deadlines()
    set_due(over, close_due_at=NOW - dt.timedelta(days=2))
    set_due(late, acknowledge_due_at=NOW - dt.timedelta(hours=1))
    overdue = refs(queue_queryset(team.handler, Queue.OVERDUE, now=NOW))
    assert overdue == [late.reference]
    assert queue_counts(team.handler, now=NOW)[Queue.OVERDUE] == 1


def test_a_paused_complaint_has_no_running_deadline(team, world):
    overdue = refs(queue_queryset(team.handler, Queue.OVERDUE, now=NOW))
    assert world["paused"].reference not in overdue


def test_the_running_deadline_follows_the_stage(team):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    complaint = set_due(
        complaint,
        acknowledge_due_at=NOW - dt.timedelta(days=9),
        decision_due_at=NOW + dt.timedelta(days=5),
    )
    row = queue_queryset(team.handler, Queue.ALL, now=NOW).get(pk=complaint.pk)
    assert row.due_at == complaint.decision_due_at


def test_filters(team, world):
    handler = team.handler
    by_status = queue_queryset(
        handler, Queue.ALL, ListFilters(status=Status.DECISION_PROPOSED), now=NOW
    )
    assert refs(by_status) == [world["proposed"].reference]
    assert refs(queue_queryset(handler, Queue.ALL, ListFilters(owner_id=handler.pk), now=NOW)) == [
        world["mine"].reference
    ]
    unowned = refs(queue_queryset(handler, Queue.ALL, ListFilters(unowned=True), now=NOW))
    assert world["unassigned"].reference in unowned and world["mine"].reference not in unowned
    assert refs(queue_queryset(handler, Queue.ALL, ListFilters(deadline="overdue"), now=NOW)) == [
        world["overdue"].reference
    ]
    today = timezone.localdate()
    assert (
        queue_queryset(
            handler, Queue.ALL, ListFilters(received_from=today + dt.timedelta(days=1)), now=NOW
        ).count()
        == 0
    )
    assert queue_queryset(handler, Queue.ALL, ListFilters(received_to=today), now=NOW).count() == 8
    assert queue_queryset(handler, Queue.ALL, ListFilters(channel="phone"), now=NOW).count() == 0


def test_sort_by_priority_puts_urgent_first(team):
    low = receive(team).complaint
    urgent = receive(team, health_safety=True).complaint
    services.complaint_prioritise(
        complaint=low, actor=Actor.for_user(team.handler), priority=Priority.LOW
    )
    rows = list(queue_queryset(team.handler, Queue.ALL, ListFilters(sort=Sort.PRIORITY), now=NOW))
    assert [rows[0].pk, rows[-1].pk] == [urgent.pk, low.pk]


def test_sort_by_deadline_puts_the_nearest_first_and_none_last(team):
    later, sooner, none = (receive(team).complaint for _ in range(3))
    no_deadlines()
    later = set_due(later, acknowledge_due_at=NOW + dt.timedelta(days=2))
    sooner = set_due(sooner, acknowledge_due_at=NOW + dt.timedelta(hours=2))
    rows = list(queue_queryset(team.handler, Queue.ALL, ListFilters(sort=Sort.DEADLINE), now=NOW))
    assert [r.pk for r in rows] == [sooner.pk, later.pk, none.pk]


def test_pages_are_bounded(team):
    for _ in range(5):
        receive(team)
    queryset = queue_queryset(team.handler, Queue.ALL, now=NOW)
    first = paginate(queryset, 1, size=2)
    assert (len(first.rows), first.has_next, first.has_previous) == (2, True, False)
    last = paginate(queryset, 3, size=2)
    assert (len(last.rows), last.has_next, last.start_index, last.end_index) == (1, False, 5, 5)
    assert paginate(queryset, 10**9, size=2).number == MAX_PAGE


def test_deep_pages_picked_by_id_first_are_the_same_pages(team, django_assert_num_queries):
    for index in range(7):
        complaint = receive(team).complaint
        # Ties on the sort keys, so that the tie-breaks decide the order too.
        Complaint.objects.filter(pk=complaint.pk).update(
            received_at=NOW - dt.timedelta(hours=index // 2),
            priority=[Priority.HIGH, Priority.NORMAL][index % 2],
        )
    for sort in Sort:
        queryset = queue_queryset(team.handler, Queue.ALL, ListFilters(sort=sort), now=NOW)
        for number in (1, 2, 3, 4, 5):
            plain = paginate(queryset, number, size=2)
            with django_assert_num_queries(1):
                picked = paginate(queryset, number, size=2, ids_first=True)
                # The rows carry what a list row shows, read in the same query.
                assert all(r.complainant.full_name and r.unit.name for r in picked.rows)
            assert [r.pk for r in picked.rows] == [r.pk for r in plain.rows], (sort, number)
            assert (picked.has_next, picked.start_index, picked.end_index) == (
                plain.has_next,
                plain.start_index,
                plain.end_index,
            )


def test_workload_counts_open_and_overdue(team, world):
    load = owner_workload(team.manager, [team.handler.pk, team.manager.pk], now=NOW)
    assert (
        load[team.handler.pk].open
        == Complaint.objects.filter(owner=team.handler).exclude(status=Status.CLOSED).count()
    )
    assert load[team.manager.pk].open == 0
