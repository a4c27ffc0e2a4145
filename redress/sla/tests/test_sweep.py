"""The sweep checks thousands of clocks at once and must say exactly what the check of each
clock says; it tells a person owed many notices in one digest; it tells only the
data-protection officer of a complaint whose processing is restricted."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import make_team, receive
from redress.notifications.deadline_digest import deadline_digest_text
from redress.notifications.models import Notification, OutboundEmail
from redress.sla.models import BusinessCalendar, DeadlineNotice, StageClock
from redress.sla.services import sla_clock_check, sla_sweep
from redress.sla.services.sweep import _notices_insert
from redress.sla.testing import local, run_queued_tasks

pytestmark = pytest.mark.django_db


def _state():
    """What a user relies on after a check: the notices recorded (to whom, when), the people
    told, and when each clock is looked at next."""
    notices = sorted(
        (n.clock_id, n.kind, n.level, n.audience, tuple(sorted(n.recipients)), n.sent_at)
        for n in DeadlineNotice.objects.all()
    )
    told = sorted(
        (n.recipient_id, n.complaint_id, n.kind, n.stage, n.repeats, n.dedupe_key)
        for n in Notification.objects.filter(kind__in=["near_due", "breached"])
    )
    clocks = sorted(StageClock.objects.values_list("pk", "outcome", "next_check_at"))
    return notices, told, clocks


def _one_by_one(now):
    due = StageClock.objects.filter(next_check_at__lte=now, outcome="running")
    for clock_id in due.order_by("next_check_at", "pk").values_list("pk", flat=True):
        sla_clock_check(clock_id=clock_id, now=now)


@pytest.fixture
def teams():
    head_office = UnitFactory()
    branch = make_team(UnitFactory(parent=head_office))
    call_centre = make_team(
        UnitFactory(
            parent=head_office, calendar=BusinessCalendar.objects.create(name="24/7", is_24_7=True)
        )
    )
    staff(Role.COMPLAINTS_MANAGER, head_office)
    return [branch, call_centre]


def test_the_sweep_gives_what_each_clocks_own_check_gives(teams, clock, settings):
    settings.REDRESS_DEADLINE_DIGEST_AFTER = 10_000  # every notice told one by one, as a check
    rng = random.Random(19)
    start = local("2026-03-02 08:00")
    for _n in range(24):
        team = rng.choice(teams)
        clock.set(start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 6)))
        complaint = receive(team, received_at=clock.now, health_safety=rng.random() < 0.2).complaint
        handler = Actor.for_user(team.handler)
        if rng.random() < 0.7:
            services.complaint_assign(
                complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
            )
        if rng.random() < 0.3:
            services.complaint_acknowledge(complaint=complaint, actor=handler)
        if rng.random() < 0.15:
            services.complaint_pause(complaint=complaint, actor=handler, reason="complainant")
    # Through nights, a weekend and working hours, as a worker that stops and starts would.
    instants = sorted(
        start + dt.timedelta(minutes=rng.randrange(60 * 24 * 2, 60 * 24 * 20)) for _n in range(12)
    )
    compared = 0
    for now in instants:
        clock.set(now)
        with transaction.atomic():
            _one_by_one(now)
            expected = _state()
            transaction.set_rollback(True)
        sla_sweep(now=now)
        assert _state() == expected, now
        compared += len(expected[0])
    assert compared > 50  # the instants reached many notices, of both kinds
    assert {"near_due", "breached"} <= set(DeadlineNotice.objects.values_list("kind", flat=True))


def deadline_notices(**kwargs):
    """Notices about deadlines (assigning a complaint tells its owner too)."""
    kinds = ["near_due", "breached", "deadline_digest"]
    return Notification.objects.filter(kind__in=kinds, **kwargs)


def _owned(team, owner, clock, count):
    made = []
    for _n in range(count):
        complaint = receive(team, received_at=clock.now).complaint
        services.complaint_assign(
            complaint=complaint, actor=Actor.for_user(team.manager), owner=owner
        )
        made.append(complaint)
    return made


def test_a_person_owed_many_notices_gets_one_digest_and_one_email(
    clock, django_capture_on_commit_callbacks
):
    team = make_team()
    busy, quiet = team.handler, staff(Role.HANDLER, team.unit)
    team.manager.language = "vi"
    team.manager.save()
    clock.set("2026-03-09 09:00")
    many = _owned(team, busy, clock, 4)
    [few] = _owned(team, quiet, clock, 1)

    clock.set("2026-03-11 09:00")  # acknowledgement of all five due at the end of Tuesday
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()

    # four deadlines for the busy handler, five for the manager: one digest each
    for person, complaints in ((busy, many), (team.manager, [*many, few])):
        [digest] = deadline_notices(recipient=person)
        assert digest.kind == Notification.Kind.DEADLINE_DIGEST
        assert {item["reference"] for item in digest.digest_items} == {
            c.reference for c in complaints
        }
        assert all(item["missed"] for item in digest.digest_items)
    digest = deadline_notices().get(recipient=team.manager)
    with translation.override("en"):
        assert digest.title == "5 deadlines near or missed"
    emails = OutboundEmail.objects.filter(template_code="deadline_digest")
    assert sorted(e.to for e in emails) == sorted([busy.email, team.manager.email])
    to_manager = emails.get(to=team.manager.email)
    assert "Quá hạn xác nhận đã nhận" in to_manager.body
    assert all(c.reference in to_manager.body for c in [*many, few])
    assert "00:00 11-03-2026" in to_manager.body  # the deadline, the Vietnamese way
    assert "9 giờ" in to_manager.body  # how late

    # the one owed a single notice is told as before: the notice about the complaint, its email
    [notice] = deadline_notices(recipient=quiet)
    assert (notice.kind, notice.complaint_id) == ("breached", few.pk)
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    notice_emails = [
        m for m in mail.outbox if "Deadline missed" in m.subject or "Quá hạn" in m.subject
    ]
    assert [m.to for m in notice_emails] == [[quiet.email]]
    assert all(DeadlineNotice.objects.values_list("told_at", flat=True))

    # the next sweep owes nothing more: nobody is told twice
    sla_sweep()
    assert deadline_notices(recipient=team.manager).count() == 1
    assert emails.count() == 2


def test_the_digest_email_in_english_names_the_stage_and_lateness(clock):
    team = make_team()
    team.handler.language = "en"
    clock.set("2026-03-09 09:00")
    _owned(team, team.handler, clock, 4)
    clock.set("2026-03-11 10:00")
    sla_sweep()
    digest = deadline_notices().get(recipient=team.handler)
    subject, body = deadline_digest_text(team.handler, digest)
    assert subject == "Redress: 4 deadlines near or missed"
    assert body.count("Acknowledgement overdue") == 4
    assert "10 hours late" in body


def test_a_restricted_complaint_is_told_to_the_data_protection_officer_alone(clock):
    team = make_team()
    officer = staff(Role.DPO, unit=team.unit, username="dpo")
    clock.set("2026-03-09 09:00")
    [complaint] = _owned(team, team.handler, clock, 1)
    type(complaint).objects.filter(pk=complaint.pk).update(processing_restricted=True)

    clock.set("2026-03-11 09:00")
    sla_sweep()
    sent = DeadlineNotice.objects.filter(clock__complaint=complaint)
    assert sent.exists()
    assert {pk for notice in sent for pk in notice.recipients} == {officer.pk}
    told = deadline_notices(complaint=complaint)
    assert set(told.values_list("recipient", flat=True)) == {officer.pk}


def test_a_notice_sent_meanwhile_by_another_worker_is_not_sent_again(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    [complaint] = _owned(team, team.handler, clock, 1)
    ack = StageClock.objects.get(complaint=complaint, stage="acknowledge")
    now = local("2026-03-11 09:00")
    owed = [(ack.pk, "breached", 1, "owner", [team.handler.pk])]
    assert len(_notices_insert(owed, now)) == 1
    assert _notices_insert(owed, now) == []  # the other worker's insert finds it there
    assert DeadlineNotice.objects.count() == 1


def test_notices_recorded_but_not_told_are_told_by_the_next_sweep(clock, monkeypatch):
    team = make_team()
    clock.set("2026-03-09 09:00")
    _owned(team, team.handler, clock, 1)
    clock.set("2026-03-11 09:00")

    def fails(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("redress.sla.services.sweep.deadline_notices_tell", fails)
    sla_sweep()
    assert DeadlineNotice.objects.filter(told_at__isnull=True).count() == 2
    assert not deadline_notices().exists()

    monkeypatch.undo()
    clock.set("2026-03-11 09:01")
    sla_sweep()
    assert not DeadlineNotice.objects.filter(told_at__isnull=True).exists()
    assert {n.recipient_id for n in deadline_notices()} == {
        team.handler.pk,
        team.manager.pk,
    }
