"""``seed_complaints``: generated complaints written in bulk, batch by batch.

A million complaints through one-at-a-time services would take hours, so the rows are generated
by ``intake.seed.lifecycle`` (with the rules of ``complaints.rules``) and written with the same
bulk writers as the import: ``core.bulk`` for the rows, the reference counters'
``references_reserve`` for gap-free references, ``audit.services.audit_record_prepared`` for the
audit entries of every event, chained in order. One more audit entry records the run.

Each complaint gets its deadline clocks as it is loaded, worked out from its generated events by
the SLA engine's bulk builder (``sla.services.DeadlineBuilder``, the one ``redress sla rebuild``
uses): the complaint is inserted with its stage deadlines, its clocks follow in the same batch.

With ``jobs`` above one the batches are generated, planned and encoded in that many worker
processes (``intake.seed.batches``) while this process writes the ones before; the data is the
same whatever ``jobs`` is: each batch has its own random generator (from the seed and the
batch's number), and this process works out the references and links the audit chain in batch
order.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from redress.analytics.rollup import rollup_rebuild
from redress.audit.models import AuditEntry
from redress.audit.services import audit_record, audit_record_prepared
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
from redress.complaints.queue_tally import queue_tally_compact, queue_tally_rebuild
from redress.complaints.references import (
    reference_counters,
    references_planned,
    references_reserve,
)
from redress.core.actors import Actor
from redress.core.bulk import (
    bulk_column,
    bulk_insert_values,
    indexes_deferred,
    statistics_refresh,
)
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.intake.seed.batches import Batch, BatchOrder, batch_random, batches_made
from redress.intake.seed.demo import demo_organisation
from redress.intake.seed.lifecycle import SeedContext, handling_days_mean
from redress.sla.models import ClockPause, StageClock
from redress.sla.services import DeadlineBuilder

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


def _unit_handlers() -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in (
        Membership.objects.filter(role=Role.HANDLER).order_by("unit_id", "user_id")
    ).values_list("unit_id", "user_id"):
        found[unit_id].append(user_id)
    return dict(found)


def seed_jobs_default() -> int:
    """How many processes generate the batches unless told: every core on PostgreSQL; one on
    SQLite, whose single writer is the limit and whose test databases live in one process."""
    return (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1


class SeedInterrupted(RuntimeError):
    """Complaints were received while the seed ran and took the references it planned."""


def seed_complaints(
    count: int,
    *,
    seed: int = 2026,
    batch: int = 5000,
    jobs: int = 1,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Generate ``count`` complaints received over the 24 months before ``now`` in every
    state, category, channel and unit, the same for the same ``seed`` and ``now`` whatever
    ``jobs`` is (how many processes generate batches, ``intake.seed.batches``). Runs in
    batches, each in its own transaction. Raises ``SeedInterrupted`` (the batches written so
    far stay) when other complaints take the references it planned."""
    started = time.monotonic()
    demo_organisation()
    organisation = organisation_get()
    context = SeedContext(
        rng=random.Random(seed),  # noqa: S311  (replaced by each batch's own)
        unit_ids=list(OrgUnit.objects.values_list("pk", flat=True)),
        categories=dict(Category.objects.values_list("code", "pk")),
        product_ids=list(Product.objects.values_list("pk", flat=True)),
        handlers=_ids_with_role(Role.HANDLER),
        unit_handlers=_unit_handlers(),
        managers=_ids_with_role(Role.COMPLAINTS_MANAGER),
        frontline=_ids_with_role(Role.FRONTLINE),
        users=dict(User.objects.values_list("pk", "username")),
        now=now or timezone.now(),
        currency=organisation.currency,
        tz=zoneinfo.ZoneInfo(organisation.time_zone),
        handling_days=handling_days_mean(count, SPAN.days),
    )
    deadlines = DeadlineBuilder()
    deadlines.preload([*context.unit_ids, None])
    counters = reference_counters()

    def orders() -> Iterator[BatchOrder]:
        for number, size in enumerate(_chunks(count, batch)):
            rng = batch_random(seed, number)
            received = sorted(context.now - SPAN * (rng.random() ** 1.3) for _ in range(size))
            references = references_planned(
                prefix=organisation.reference_prefix,
                received_at=received,
                time_zone=organisation.time_zone,
                last=counters,
            )
            yield BatchOrder(number, rng, received, references)

    events_total = 0
    created = 0
    postgres = connection.vendor == "postgresql"
    loaded = [*_LOADED, AuditEntry]
    # A large load builds the secondary indexes (the trigram search indexes among them) once at
    # the end instead of row by row.
    with (
        indexes_deferred(loaded, rows=count),
        batches_made(context, deadlines, orders(), jobs=jobs) as batches,
    ):
        for made in batches:
            with transaction.atomic():
                if postgres:
                    # Generated data can be generated again: no need to wait for each fsync.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                reserved = references_reserve(
                    prefix=organisation.reference_prefix,
                    received_at=made.received,
                    time_zone=organisation.time_zone,
                )
                if reserved != made.references:
                    raise SeedInterrupted(
                        f"batch {made.number}: other complaints took the references planned "
                        f"from {made.references[0]}; seed again"
                    )
                events_total += _write(made)
            created += len(made.references)
            if progress:
                progress(len(made.references))
    statistics_refresh(loaded, rows=created)
    # Every figure of the loaded complaints, before anyone reads them (bench/analytics.md).
    rollup_rebuild()
    queue_tally_rebuild()
    # The deadline tally's triggers added rows batch by batch: one row a cell before anyone
    # reads it (the periodic job would merge them later).
    queue_tally_compact()
    audit_record(
        actor=Actor.system("seed"),
        action="complaints.seed",
        target=organisation,
        target_label="seed",
        after={"complaints": count, "events": events_total},
    )
    return SeedResult(complaints=created, events=events_total, seconds=time.monotonic() - started)


def _write(made: Batch) -> int:
    """Write one batch, parents first (each gets its ids before its children name them), and
    the audit entries of its events, chained. Returns how many events were written."""
    ids: dict[type, list[int]] = {}
    for table in made.tables:
        if table.parent_model is not None:
            column = bulk_column(table.model, table.parent)
            parent_ids = ids[table.parent_model]
            for values, place in zip(table.values, table.parents, strict=True):
                values[column] = parent_ids[place]
        ids[table.model] = bulk_insert_values(table.model, table.values)
    complaint_ids, event_ids = ids[Complaint], ids[ComplaintEvent]
    events = next(t for t in made.tables if t.model is ComplaintEvent)
    audit_record_prepared(
        made.audits,
        [
            {"target_id": complaint_ids[place], "event": event_id}
            for place, event_id in zip(events.parents, event_ids, strict=True)
        ],
    )
    return len(event_ids)
