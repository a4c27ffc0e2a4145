"""The queue tally and the stored running deadline: the counts the queues read equal a count of
the register after any sequence of lifecycle actions, and the stored deadline equals the stage's."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.now import open_work, open_work_direct
from redress.complaints.deadline_tally import DueRange
from redress.complaints.models import Complaint, DeadlineTally, PauseReason, QueueTally, Status
from redress.complaints.models.deadline import running_deadline
from redress.complaints.queue_tally import (
    queue_tally_compact,
    queue_tally_rebuild,
    register_cells,
    tally_cells,
    tally_scope,
)
from redress.complaints.queues import Queue, queue_counts, queue_queryset
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling import services
from redress.handling.testing import (
    PATHS,
    advance,
    complaint_in_state,
    make_team,
    random_action,
    receive,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def direct_counts(user):
    return {key: queue_queryset(user, key, now=NOW).count() for key in Queue.values}


def assert_exact(people):
    assert tally_cells() == register_cells()
    for person in people:
        assert queue_counts(person, now=NOW) == direct_counts(person), person


def test_the_counts_equal_a_count_of_the_register_after_random_actions(org):
    first, second, dpo = org
    teams = [first, second]
    rng = random.Random(19)
    complaints = [receive(rng.choice(teams)).complaint for _ in range(8)]
    # Complaints about a member of staff, hidden from them, and one the DPO alone reads.
    complaints.append(receive(first, subject_staff=first.handler).complaint)
    restricted = receive(second).complaint
    Complaint.objects.filter(pk=restricted.pk).update(processing_restricted=True)
    complaints.append(restricted)
    # One owned outside the owner's units (as left by a reorganisation): written past the
    # lifecycle, then counted again as after any such write.
    elsewhere = receive(second).complaint
    Complaint.objects.filter(pk=elsewhere.pk).update(owner=first.handler, unit=second.unit)
    second_only = staff(Role.HANDLER, second.unit)
    Complaint.objects.filter(pk=complaints[1].pk).update(owner=second_only)
    queue_tally_rebuild()
    complaints.append(elsewhere)
    people = [
        first.handler,
        first.manager,
        first.top,
        first.auditor,
        second.handler,
        second.manager,
        second_only,
        dpo,
    ]
    assert_exact(people)
    refused = 0
    for step in range(60):
        try:
            random_action(rng, complaints, teams)
        except ApplicationError:
            refused += 1
        if step % 15 == 14:
            assert_exact(people)
    assert refused < 60
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert len(statuses) >= 4, statuses
    assert_exact(people)
    queue_tally_compact()
    assert QueueTally.objects.count() == len(register_cells())
    assert_exact(people)


def test_a_correction_is_read_only_while_some_complaint_falls_under_it(org):
    """A person who owns nothing outside their units and has nothing hidden from them reads the
    tally alone; a complaint about them, or one they own elsewhere, brings its correction back,
    and the counts stay those of the register."""
    first, second, _dpo = org
    for _ in range(3):
        receive(first)
    receive(second)
    outside = make_team()
    people = [first.manager, first.handler]
    assert [tally_scope(p).corrections for p in people] == [[], []]
    assert_exact(people)
    receive(first, subject_staff=first.manager)  # hidden from the manager it is about
    assert [sign for _part, sign in tally_scope(first.manager).corrections] == [-1]
    assert tally_scope(first.handler).corrections == []
    assert_exact(people)
    moved = receive(outside).complaint
    Complaint.objects.filter(pk=moved.pk).update(owner=first.handler)
    queue_tally_rebuild()
    assert [sign for _part, sign in tally_scope(first.handler).corrections] == [1]
    assert_exact(people)


def test_merging_and_rebuilding_keep_the_counts(org):
    first, second, _dpo = org
    for _ in range(3):
        complaint_in_state(Status.INVESTIGATING, first)
    receive(second)
    before = tally_cells()
    assert QueueTally.objects.count() > len(before)  # each action added its own rows
    assert queue_tally_compact() > 0
    assert tally_cells() == before == register_cells()
    assert QueueTally.objects.count() == len(before)
    assert queue_tally_compact() == 0
    QueueTally.objects.all().delete()
    assert tally_cells() == {}
    call_command("queues", "--rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert tally_cells() == before


def test_the_check_command_names_the_cells_that_differ(org, capsys):
    first, _second, _dpo = org
    receive(first)
    call_command("queues", "--check")
    assert "agree" in capsys.readouterr().out
    QueueTally.objects.all().delete()
    with pytest.raises(Exception, match="1 cells differ"):
        call_command("queues", "--check")
    call_command("queues", "--rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    DeadlineTally.objects.all().delete()
    with pytest.raises(Exception, match="1 cells differ"):
        call_command("queues", "--check")
    assert "deadline" in capsys.readouterr().out


def test_the_open_work_read_from_the_tally_equals_the_register(org):
    first, second, _dpo = org
    for state in (Status.RECEIVED, Status.INVESTIGATING, Status.DECISION_COMMUNICATED):
        complaint_in_state(state, first)
        complaint_in_state(state, second)
    complaint_in_state(Status.CLOSED, second)
    receive(first, subject_staff=first.manager)
    late = receive(second).complaint
    Complaint.objects.filter(pk=late.pk).update(acknowledge_due_at=NOW - dt.timedelta(hours=2))
    period = Period(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    for person in (first.manager, second.manager, first.top, None):
        for filters in (Filters(), Filters(unit=second.unit.pk)):
            cohort = Cohort(user=person, period=period, filters=filters, now=NOW)
            fast, direct = open_work(cohort), open_work_direct(cohort)
            assert (fast.totals, fast.by_stage, fast.by_unit) == (
                direct.totals,
                direct.by_stage,
                direct.by_unit,
            )
    assert open_work(Cohort(user=first.top, period=period, now=NOW)).totals["overdue"] == 1


@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize("paused", [False, True])
def test_the_stored_deadline_is_the_running_stage_deadline(state, paused):
    team = make_team()
    complaint = complaint_in_state(state, team)
    base = NOW.replace(microsecond=0)
    fields = {
        name: base + dt.timedelta(days=days)
        for days, name in enumerate(
            ["acknowledge_due_at", "assess_due_at", "decision_due_at", "close_due_at"], start=1
        )
    }
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    if paused and state != Status.CLOSED:
        services.complaint_pause(
            complaint=complaint,
            actor=Actor.for_user(team.manager),
            reason=PauseReason.THIRD_PARTY,
            note="Chờ",
        )
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.next_due_at == running_deadline(stored)
    if paused or state == Status.CLOSED:
        assert stored.next_due_at is None
    else:
        assert stored.next_due_at is not None


def test_the_review_deadline_runs_while_a_review_decides():
    team = make_team()
    complaint = complaint_in_state(Status.UNDER_REVIEW, team)
    review = NOW + dt.timedelta(days=9)
    Complaint.objects.filter(pk=complaint.pk).update(review_due_at=review)
    assert Complaint.objects.get(pk=complaint.pk).next_due_at == review
    advance(complaint, team, "propose")
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.status == Status.DECISION_PROPOSED
    assert stored.next_due_at == running_deadline(stored) == stored.review_due_at


def test_deadlines_due_on_the_hour_under_way_are_counted_from_the_tally(org):
    """Most deadlines fall due on the hour (a working day ends at midnight): half an hour into
    that hour, the overdue and due-soon counts still equal the register's, and the register is
    read only for the rest of the hour under way, never for its first instant."""
    first, second, dpo = org
    hour = (NOW - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    now = hour + dt.timedelta(minutes=30)
    due = [
        hour,  # a day's deadlines, at the hour's first instant
        hour,
        hour,
        hour + dt.timedelta(minutes=10),
        now,  # due now: not yet overdue
        hour + dt.timedelta(minutes=50),
        hour + dt.timedelta(hours=1),
        hour - dt.timedelta(hours=1),
        now + dt.timedelta(hours=30),
    ]
    for index, moment in enumerate(due):
        complaint = receive(first if index % 2 else second).complaint
        Complaint.objects.filter(pk=complaint.pk).update(acknowledge_due_at=moment)
    assert tally_cells() == register_cells()
    for person in (first.handler, first.manager, second.manager, first.top, dpo):
        direct = {key: queue_queryset(person, key, now=now).count() for key in Queue.values}
        assert queue_counts(person, now=now) == direct, person
    assert queue_counts(first.top, now=now)[Queue.OVERDUE] >= 5, "the hour's first deadlines"
    period = Period(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    cohort = Cohort(user=first.top, period=period, now=now)
    fast, direct = open_work(cohort), open_work_direct(cohort)
    assert (fast.totals, fast.by_stage, fast.by_unit) == (
        direct.totals,
        direct.by_stage,
        direct.by_unit,
    )
    cells, _whole, start, rest = DueRange(until=now).split()
    assert start is None
    assert rest == Q(next_due_at__gte=now, next_due_at__lt=hour + dt.timedelta(hours=1))
    assert cells == Q(due_hour__lt=hour + dt.timedelta(hours=1))
