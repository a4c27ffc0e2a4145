"""The sweep: every clock whose next check has come, thousands at a time, by the rules of the
check of one clock (``escalation.notices_due``, ``Audiences``), then each person told once.

A sweep works in two steps, each in its own transactions:

1. **Record** (``_sweep_batch``, batches of ``SWEEP_BATCH`` clocks): the due clocks are claimed
   in one query (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: two workers sweeping at once take
   different clocks, and a clock's own check task waits for the batch), the notices already
   sent read in one more; the notices owed are inserted in bulk (``ON CONFLICT DO NOTHING
   RETURNING``: the unique key keeps each once, whoever else sends it), the next checks
   written in one ``UPDATE``, and the first breach of each deadline published to webhooks
   (one ``complaint.deadline_breached`` per clock) in one INSERT.
2. **Tell** (``deadline_notices_tell``): the notices recorded but not yet told, grouped by
   person. Someone owed a few (``REDRESS_DEADLINE_DIGEST_AFTER``) is told of each as the check
   of one clock tells them; someone owed more gets one digest notice and one email naming the
   complaints. A notice is marked told in the same transaction, so a sweep that stops between
   the steps loses nothing: the next one tells what is left.

Unlike the check of one clock, the sweep queues no check task for the next instant of each
clock: the next sweep (every minute) finds it by its stored next check.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.core.models import User
from redress.integrations.services import webhooks_publish_each
from redress.notifications.deadline_digest import deadline_digest_item, deadline_digest_notify
from redress.notifications.notices import notify_users
from redress.sla.calendar_index import IndexedCalendar
from redress.sla.models import DeadlineNotice, EscalationLevel, StageClock
from redress.sla.selectors import calendar_row_for_unit, work_calendar
from redress.sla.services.audience import Audiences
from redress.sla.services.clocks import RUNNING
from redress.sla.services.escalation import NOTIFICATION_KINDS, notice_dedupe_key, notices_due
from redress.sla.services.queue import enqueue_notice_email

logger = logging.getLogger(__name__)

# Clocks claimed, worked out and written per transaction.
SWEEP_BATCH = 2000
# Notices told per run of the second step (the next sweep tells the rest).
TELL_LIMIT = 200_000
# Rows per INSERT of notices.
_INSERT_CHUNK = 2000


class _Due(NamedTuple):
    """A clock due for a check, with what the rules read of its complaint."""

    pk: int
    stage: str
    near_due_at: dt.datetime | None
    due_at: dt.datetime | None
    complaint_id: int
    paused_at: dt.datetime | None
    health_safety: bool
    unit_id: int
    owner_id: int | None
    owner_active: bool | None
    restricted: bool


class _Rules:
    """What a sweep looks up once: the active levels, each unit's calendar, the audiences."""

    def __init__(self) -> None:
        self.levels = list(EscalationLevel.objects.filter(is_active=True).order_by("level"))
        self.audiences = Audiences()
        self._calendars: dict[int, IndexedCalendar] = {}
        self._by_row: dict[int | None, IndexedCalendar] = {}

    def calendar(self, unit_id: int) -> IndexedCalendar:
        if unit_id not in self._calendars:
            row = calendar_row_for_unit(unit_id)
            key = row.pk if row else None
            if key not in self._by_row:
                self._by_row[key] = IndexedCalendar.of(work_calendar(row))
            self._calendars[unit_id] = self._by_row[key]
        return self._calendars[unit_id]


def sla_sweep(
    *, now: dt.datetime | None = None, limit: int = 100_000, catch_up: bool = False
) -> int:
    """Check every clock whose next check time has passed, up to ``limit`` clocks, and tell
    people of the notices owed (see the module). The same notices, to the same people, and
    the same next checks as ``sla_clock_check`` on each clock (a complaint whose processing is
    restricted is told to the data-protection officer alone).
    Returns how many clocks were checked. ``catch_up``: see ``sla_clock_check``; digests are
    then filed without an email (history being loaded is not announced)."""
    now = now or timezone.now()
    rules = _Rules()
    checked = 0
    while checked < limit:
        size = min(SWEEP_BATCH, limit - checked)
        try:
            claimed = _sweep_batch(now=now, size=size, rules=rules, catch_up=catch_up)
        except Exception:
            # The batch rolled back; its clocks are still due and the next sweep tries again.
            logger.exception("SLA sweep of a batch failed")
            break
        checked += claimed
        if claimed < size:
            break
    try:
        deadline_notices_tell(now=now, email=not catch_up)
    except Exception:
        logger.exception("telling people of deadline notices failed; the next sweep tells them")
    return checked


def _due_clocks(now: dt.datetime, size: int) -> list[_Due]:
    rows = (
        StageClock.objects.filter(next_check_at__lte=now, outcome=RUNNING)
        .order_by("next_check_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list(
            "pk",
            "stage",
            "near_due_at",
            "due_at",
            "complaint_id",
            "complaint__paused_at",
            "complaint__health_safety",
            "complaint__unit_id",
            "complaint__owner_id",
            "complaint__owner__is_active",
            "complaint__processing_restricted",
        )[:size]
    )
    return [_Due(*row) for row in rows]


def _sweep_batch(*, now: dt.datetime, size: int, rules: _Rules, catch_up: bool) -> int:
    with transaction.atomic():
        clocks = _due_clocks(now, size)
        if not clocks:
            return 0
        sent: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for clock_id, kind, level in DeadlineNotice.objects.filter(
            clock_id__in=[c.pk for c in clocks]
        ).values_list("clock_id", "kind", "level"):
            sent[clock_id].add((kind, level))
        owed: list[tuple[Any, ...]] = []
        next_checks: list[tuple[int, dt.datetime | None]] = []
        for clock in clocks:
            next_check = None
            if clock.paused_at is None:
                due_now, next_check = notices_due(
                    near_due_at=clock.near_due_at,
                    due_at=clock.due_at,
                    at_once=clock.health_safety,
                    calendar=rules.calendar(clock.unit_id),
                    levels=rules.levels,
                    sent=sent[clock.pk],
                    now=now,
                    catch_up=catch_up,
                )
                for due in due_now:
                    recipients = rules.audiences.recipients(
                        audience=due.level.audience,
                        unit_id=clock.unit_id,
                        owner_id=clock.owner_id,
                        owner_active=bool(clock.owner_active),
                        restricted=clock.restricted,
                    )
                    owed.append(
                        (clock.pk, due.kind, due.level.level, due.level.audience, recipients)
                    )
            next_checks.append((clock.pk, next_check))
        inserted = _notices_insert(owed, now)
        _next_checks_write(next_checks)
        _breaches_publish(clocks, sent, inserted)
    return len(clocks)


def _notices_insert(
    owed: Sequence[tuple[Any, ...]], now: dt.datetime
) -> list[tuple[int, int, str, int]]:
    """Insert the notices owed, skipping any another worker has sent (the unique key on
    clock, kind and level); returns those inserted here as (id, clock id, kind, level)."""
    if not owed:
        return []
    table = connection.ops.quote_name(DeadlineNotice._meta.db_table)
    recipients = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    sent_at = connection.ops.adapt_datetimefield_value(now)
    inserted: list[tuple[int, int, str, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(owed), _INSERT_CHUNK):
            chunk = owed[start : start + _INSERT_CHUNK]
            values = ", ".join([f"(%s, %s, %s, %s, {recipients}, %s)"] * len(chunk))
            params: list[Any] = []
            for clock_id, kind, level, audience, people in chunk:
                params += [clock_id, kind, level, audience, json.dumps(people), sent_at]
            cursor.execute(
                f"INSERT INTO {table} (clock_id, kind, level, audience, recipients, sent_at) "  # noqa: S608 - the model's table
                f"VALUES {values} ON CONFLICT (clock_id, kind, level) DO NOTHING "
                "RETURNING id, clock_id, kind, level",
                params,
            )
            inserted += [tuple(row) for row in cursor.fetchall()]
    return inserted


def _next_checks_write(next_checks: Sequence[tuple[int, dt.datetime | None]]) -> None:
    """Each clock's next check, in one statement (PostgreSQL) or one prepared statement."""
    table = connection.ops.quote_name(StageClock._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET next_check_at = v.next_check_at "  # noqa: S608 - the model's table
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, next_check_at) "
                f"WHERE {table}.id = v.id",
                [[pk for pk, _when in next_checks], [when for _pk, when in next_checks]],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET next_check_at = %s WHERE id = %s",  # noqa: S608 - the model's table
            [(connection.ops.adapt_datetimefield_value(when), pk) for pk, when in next_checks],
        )


def _breaches_publish(
    clocks: Sequence[_Due],
    sent: dict[int, set[tuple[str, int]]],
    inserted: Sequence[tuple[int, int, str, int]],
) -> None:
    """The first breach notice of a deadline tells subscribed integrations, once per clock
    (as the check of one clock does)."""
    breached = {
        clock_id for _pk, clock_id, kind, _level in inserted if kind == DeadlineNotice.Kind.BREACHED
    }
    first = [
        clock
        for clock in clocks
        if clock.pk in breached
        and not any(kind == DeadlineNotice.Kind.BREACHED for kind, _level in sent[clock.pk])
    ]
    if first:
        webhooks_publish_each(
            "complaint.deadline_breached",
            [(c.complaint_id, {"stage": c.stage, "due_at": c.due_at}) for c in first],
        )


class _Untold(NamedTuple):
    pk: int
    kind: str
    level: int
    recipients: list[int]
    clock_id: int
    stage: str
    due_at: dt.datetime | None
    complaint_id: int
    reference: str


def deadline_notices_tell(
    *, now: dt.datetime | None = None, email: bool = True, limit: int = TELL_LIMIT
) -> int:
    """Tell each person of the deadline notices recorded for them and not yet told: one by
    one (a notice each, as ``sla_clock_check`` tells them, emailed by the notice's email task)
    when they are owed ``REDRESS_DEADLINE_DIGEST_AFTER`` or fewer, else in one digest (one
    notice and, with ``email``, one email). Safe from several workers at once (the notices are
    claimed with ``SKIP LOCKED``). Returns how many notices were told."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = [
            _Untold(*row)
            for row in DeadlineNotice.objects.filter(told_at__isnull=True)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list(
                "pk",
                "kind",
                "level",
                "recipients",
                "clock_id",
                "clock__stage",
                "clock__due_at",
                "clock__complaint_id",
                "clock__complaint__reference",
            )[:limit]
        ]
        if not pending:
            return 0
        owed: dict[int, list[_Untold]] = defaultdict(list)
        for notice in pending:
            for person_id in notice.recipients:
                owed[person_id].append(notice)
        people = User.objects.in_bulk(list(owed))
        one_by_one: dict[int, list[User]] = defaultdict(list)
        for person_id, notices in owed.items():
            person = people.get(person_id)
            if person is None:
                continue
            items = {
                (n.complaint_id, n.stage, n.kind): deadline_digest_item(
                    reference=n.reference, stage=n.stage, kind=n.kind, due_at=n.due_at
                )
                for n in notices
            }
            if len(items) > settings.REDRESS_DEADLINE_DIGEST_AFTER:
                deadline_digest_notify(user=person, items=list(items.values()), email=email)
            else:
                for notice in notices:
                    one_by_one[notice.pk].append(person)
        _tell_one_by_one(pending, one_by_one)
        _told_write([notice.pk for notice in pending], now)
    return len(pending)


def _told_write(ids: Sequence[int], now: dt.datetime) -> None:
    """Mark the notices told: one statement with an array on PostgreSQL."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(DeadlineNotice._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET told_at = %s WHERE id = ANY(%s::bigint[])",  # noqa: S608 - the model's table
                [now, list(ids)],
            )
        return
    for start in range(0, len(ids), 500):
        DeadlineNotice.objects.filter(pk__in=ids[start : start + 500]).update(told_at=now)


def _tell_one_by_one(pending: Sequence[_Untold], people: dict[int, list[User]]) -> None:
    if not people:
        return
    complaints = Complaint.objects.only("pk").in_bulk(
        {n.complaint_id for n in pending if n.pk in people}
    )
    for notice in pending:
        told = people.get(notice.pk)
        if not told:
            continue
        notify_users(
            users=told,
            kind=NOTIFICATION_KINDS[notice.kind],
            complaint=complaints[notice.complaint_id],
            dedupe_key=notice_dedupe_key(notice.clock_id, notice.kind, notice.level),
            stage=notice.stage,
        )
        if any(person.email for person in told):
            everyone = len(told) == len(notice.recipients)
            enqueue_notice_email(notice.pk, None if everyone else [p.pk for p in told])
