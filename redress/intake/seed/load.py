"""``seed_complaints``: generated complaints written in bulk, batch by batch.

A million complaints through one-at-a-time services would take hours, so the rows are generated
by ``intake.seed.lifecycle`` (with the rules of ``complaints.rules``) and written with the same
bulk writers as the import: ``core.bulk.bulk_insert`` for the rows, the reference counters'
``references_reserve`` for gap-free references, ``audit.services.audit_record_bulk`` for the
audit entries of every event, chained in order. One more audit entry records the run.

Each complaint gets its deadline clocks as it is loaded, worked out from its generated events by
the SLA engine's bulk builder (``sla.services.DeadlineBuilder``, the one ``redress sla rebuild``
uses): the complaint is inserted with its stage deadlines, its clocks follow in the same batch.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from redress.analytics.rollup import rollup_rebuild
from redress.audit.models import AuditEntry
from redress.audit.services import audit_record, audit_record_bulk
from redress.complaints.models import (
    Category,
    Complainant,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Message,
    Product,
    Remedy,
)
from redress.complaints.queue_tally import queue_tally_rebuild
from redress.complaints.references import references_reserve
from redress.complaints.rules import event_audit_draft
from redress.core.actors import Actor
from redress.core.bulk import bulk_insert, indexes_deferred, statistics_refresh
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.intake.seed.demo import demo_organisation
from redress.intake.seed.lifecycle import Row, Rows, SeedContext, complaint_generate
from redress.sla.models import ClockPause, StageClock
from redress.sla.services import TIMED_ACTIONS, DeadlineBuilder, Replay, due_fields, event_of

SPAN = dt.timedelta(days=730)  # complaints are received over the last 24 months
# The tables a seed writes (and their statistics refreshed after it).
_LOADED = [
    Complainant,
    Complaint,
    ComplaintEvent,
    Decision,
    Remedy,
    Message,
    ExternalReferral,
    StageClock,
    ClockPause,
]


@dataclass
class SeedResult:
    complaints: int
    events: int
    seconds: float


def _chunks(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        yield min(size, total - done)
        done += size


def _ids_with_role(role: Role) -> list[int]:
    return list(User.objects.filter(memberships__role=role).values_list("pk", flat=True).distinct())


def seed_complaints(
    count: int,
    *,
    seed: int = 2026,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Generate ``count`` complaints over the last 24 months in every state, category,
    channel and unit. Runs in batches, each in its own transaction."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    demo_organisation()
    organisation = organisation_get()
    context = SeedContext(
        rng=rng,
        unit_ids=list(OrgUnit.objects.values_list("pk", flat=True)),
        categories=dict(Category.objects.values_list("code", "pk")),
        product_ids=list(Product.objects.values_list("pk", flat=True)),
        handlers=_ids_with_role(Role.HANDLER),
        managers=_ids_with_role(Role.COMPLAINTS_MANAGER),
        frontline=_ids_with_role(Role.FRONTLINE),
        users=dict(User.objects.values_list("pk", "username")),
        now=timezone.now(),
        currency=organisation.currency,
        tz=zoneinfo.ZoneInfo(organisation.time_zone),
    )
    events_total = 0
    created = 0
    deadlines = DeadlineBuilder()
    postgres = connection.vendor == "postgresql"
    loaded = [*_LOADED, AuditEntry]
    # A large load builds the secondary indexes (the trigram search indexes among them) once at
    # the end instead of row by row.
    with indexes_deferred(loaded, rows=count):
        for size in _chunks(count, batch):
            with transaction.atomic():
                if postgres:
                    # Generated data can be generated again: no need to wait for each fsync.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                received = sorted(context.now - SPAN * (rng.random() ** 1.3) for _ in range(size))
                references = references_reserve(
                    prefix=organisation.reference_prefix,
                    received_at=received,
                    time_zone=organisation.time_zone,
                )
                rows = Rows()
                for at, reference in zip(received, references, strict=True):
                    complaint_generate(context, rows, at, reference)
                planned = _deadlines_plan(rows, deadlines)
                events_total += _write(rows)
                deadlines.write(
                    [(c["id"], replay) for c, replay in zip(rows.complaints, planned, strict=True)]
                )
                created += size
            if progress:
                progress(size)
    statistics_refresh(loaded, rows=created)
    # Every figure of the loaded complaints, before anyone reads them (bench/analytics.md).
    rollup_rebuild()
    queue_tally_rebuild()
    audit_record(
        actor=Actor.system("seed"),
        action="complaints.seed",
        target=organisation,
        target_label="seed",
        after={"complaints": count, "events": events_total},
    )
    return SeedResult(complaints=created, events=events_total, seconds=time.monotonic() - started)


def _deadlines_plan(rows: Rows, deadlines: DeadlineBuilder) -> list[Replay]:
    """Each generated complaint's clocks from its events (in the order they happened, as they
    will be stored), and its stage deadlines set on its row before it is inserted."""
    timed: dict[int, list[Row]] = {id(c): [] for c in rows.complaints}
    for event in rows.events:
        if event["action"] in TIMED_ACTIONS:
            timed[id(event["complaint"])].append(event)
    planned = []
    for complaint in rows.complaints:
        events = sorted(timed[id(complaint)], key=lambda e: e["at"])
        replay = deadlines.plan(
            complaint,
            [event_of(e["action"], e["to_status"], e["at"], e.get("data")) for e in events],
        )
        complaint.update(due_fields(replay.clocks))
        planned.append(replay)
    return planned


def _ids_set(rows: Sequence[Row], ids: Sequence[int]) -> None:
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk


def _parent_set(rows: Sequence[Row], parent: str) -> None:
    """Replace each row's parent row (``"complaint"``, ``"decision"``) with its id."""
    for row in rows:
        row[f"{parent}_id"] = row.pop(parent)["id"]


def _write(rows: Rows) -> int:
    """Write one batch, parents first (each gets its ids before its children name them), and
    the audit entries of its events. Returns how many events were written."""
    for complaint, pk in zip(
        rows.complaints, bulk_insert(Complainant, rows.complainants), strict=True
    ):
        complaint["complainant_id"] = pk
    _ids_set(rows.complaints, bulk_insert(Complaint, rows.complaints))
    for children in (rows.decisions, rows.messages, rows.referrals, rows.events):
        _parent_set(children, "complaint")
    _ids_set(rows.decisions, bulk_insert(Decision, rows.decisions))
    _parent_set(rows.remedies, "decision")
    bulk_insert(Remedy, rows.remedies)
    bulk_insert(Message, rows.messages)
    bulk_insert(ExternalReferral, rows.referrals)
    event_ids = bulk_insert(ComplaintEvent, rows.events)
    references = {c["id"]: c["reference"] for c in rows.complaints}
    audit_record_bulk(
        [
            event_audit_draft(
                complaint_id=event["complaint_id"],
                reference=references[event["complaint_id"]],
                event=event,
                event_id=event_id,
                before=before,
                after=after,
            )
            for event, event_id, (before, after) in zip(
                rows.events, event_ids, rows.audits, strict=True
            )
        ]
    )
    return len(rows.events)
