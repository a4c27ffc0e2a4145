"""The set-based build of deadlines (``sla_clocks_build``) gives, clock for clock and field for
field, what the one-complaint-at-a-time rebuild (``sla_clocks_rebuild_missing``) gives: on
seeded histories over two years (Tết included), on complaints with pauses (ended and still
running), reopenings, reviews and withdrawals, on several units, calendars and priorities."""

import datetime as dt

import pytest

from redress.complaints.models import Complaint, PauseReason, Priority
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import advance, make_team, receive
from redress.intake.seed import seed_complaints
from redress.sla.models import BusinessCalendar, CalendarOverride, ClockPause, StageClock
from redress.sla.rules import DUE_FIELDS
from redress.sla.services import sla_clocks_build, sla_clocks_rebuild_missing

pytestmark = pytest.mark.django_db

CLOCK_FIELDS = [
    "complaint_id",
    "stage",
    "round",
    "policy_id",
    "target_amount",
    "target_unit",
    "statutory",
    "started_at",
    "due_at",
    "near_due_at",
    "completed_at",
    "outcome",
    "working_seconds",
    "working_days",
    "paused_seconds",
    "margin_seconds",
    "next_check_at",
]


def snapshot():
    clocks = list(StageClock.objects.order_by("complaint_id", "pk").values_list(*CLOCK_FIELDS))
    pauses = list(
        ClockPause.objects.order_by("complaint_id", "started_at", "pk").values_list(
            "complaint_id", "started_at", "ended_at", "reason"
        )
    )
    deadlines = list(Complaint.objects.order_by("pk").values_list("pk", *DUE_FIELDS.values()))
    return clocks, pauses, deadlines


def forget_clocks():
    """As a bulk load leaves complaints: events, but no clocks, pauses or deadlines."""
    StageClock.objects.all().delete()
    ClockPause.objects.all().delete()
    Complaint.objects.update(**dict.fromkeys(DUE_FIELDS.values()))


def varied_complaints(clock):
    handler_of = {}
    plain = make_team()
    hotline = make_team()
    hotline.unit.calendar = BusinessCalendar.objects.create(name="Tổng đài 24/7", is_24_7=True)
    hotline.unit.save()
    saturdays = make_team()
    calendar = BusinessCalendar.objects.create(
        name="Cửa hàng", working_weekdays="0,1,2,3,4,5", lunch_start=None, lunch_end=None
    )
    CalendarOverride.objects.create(
        calendar=calendar, date=dt.date(2027, 2, 12), kind="working_day", name="Làm bù"
    )
    CalendarOverride.objects.create(
        calendar=calendar, date=dt.date(2026, 12, 31), kind="day_off", name="Nghỉ cuối năm"
    )
    saturdays.unit.calendar = calendar
    saturdays.unit.save()
    made = []
    for n, team in enumerate([plain, hotline, saturdays]):
        for received, priority, negotiation in [
            ("2027-02-03 15:00", Priority.NORMAL, False),  # the last afternoon before Tết
            ("2027-02-06 22:00", Priority.URGENT, False),  # Tết itself
            ("2026-04-29 10:00", Priority.HIGH, True),  # 30/4 and 1/5
            ("2026-12-30 16:59", Priority.LOW, True),
        ]:
            clock.set(received)
            complaint = receive(
                team,
                received_at=clock.now,
                is_negotiation_request=negotiation,
                channel=["web", "email", "phone"][n],
            ).complaint
            Complaint.objects.filter(pk=complaint.pk).update(priority=priority)
            handler_of[complaint.pk] = team
            made.append(complaint)
    handler = {pk: Actor.for_user(team.handler) for pk, team in handler_of.items()}
    manager = {pk: Actor.for_user(team.manager) for pk, team in handler_of.items()}
    steps = [
        # paused then resumed, then acknowledged late
        ["pause", "+2d", "resume", "+3h", "acknowledge"],
        # paused and still paused
        ["+1h", "acknowledge", "+1h", "pause"],
        # the whole way, reopened, paused in the second round
        [
            "acknowledge",
            "assess",
            "investigate",
            "propose",
            "approve",
            "communicate",
            "accept",
            "settle",
            "close",
            "+5d",
            "reopen",
            "+1d",
            "pause",
            "+2d",
            "resume",
        ],
        # a rejected decision: internal review, still running
        [
            "acknowledge",
            "assess",
            "investigate",
            "propose",
            "approve",
            "+20d",
            "communicate",
            "reject",
        ],
        ["+3d", "withdraw"],
        ["assess_only", "not_accepted"],
    ]
    for i, complaint in enumerate(made):
        pk = complaint.pk
        for step in steps[i % len(steps)]:
            complaint = Complaint.objects.get(pk=pk)
            if step.startswith("+"):
                amount, unit = int(step[1:-1]), step[-1]
                clock.set(clock.now + dt.timedelta(**{"days" if unit == "d" else "hours": amount}))
            elif step == "pause":
                services.complaint_pause(
                    complaint=complaint, actor=handler[pk], reason=PauseReason.COMPLAINANT
                )
            elif step == "resume":
                services.complaint_resume(complaint=complaint, actor=handler[pk])
            elif step == "reopen":
                services.complaint_reopen(complaint=complaint, actor=manager[pk], reason="Sai sót")
            elif step == "assess_only":
                advance(complaint, handler_of[pk], "acknowledge")
            else:
                clock.set(clock.now + dt.timedelta(hours=3))
                advance(complaint, handler_of[pk], step)
    return made


def only(found, ids):
    clocks, pauses, deadlines = found
    return (
        [row for row in clocks if row[0] in ids],
        [row for row in pauses if row[0] in ids],
        [row for row in deadlines if row[0] in ids],
    )


def test_the_set_based_build_equals_the_one_by_one_rebuild(clock):
    seed_complaints(120, batch=50)
    seeded_ids = set(Complaint.objects.values_list("pk", flat=True))
    seeded = snapshot()  # the seed loads each complaint with its clocks
    varied_complaints(clock)
    forget_clocks()
    assert sla_clocks_rebuild_missing() == Complaint.objects.count()
    one_by_one = snapshot()
    assert only(one_by_one, seeded_ids) == seeded
    assert {row[11] for row in one_by_one[0]} >= {"running", "met", "breached", "cancelled"}
    assert any(row[2] is None for row in one_by_one[1])  # a pause still running
    forget_clocks()
    assert sla_clocks_build(batch=47) == Complaint.objects.count()
    assert snapshot() == one_by_one
    # Idempotent: complaints with clocks are left alone.
    assert sla_clocks_build() == 0
    assert snapshot() == one_by_one


def test_only_the_complaints_named_are_built(clock):
    seed_complaints(20, batch=20)
    forget_clocks()
    ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True))
    assert sla_clocks_build(complaint_ids=ids[:5]) == 5
    assert set(StageClock.objects.values_list("complaint_id", flat=True)) == set(ids[:5])
