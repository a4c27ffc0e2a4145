"""One batch of the seed made ready to write, in the loading process or in worker processes.

The loading process decides what makes a batch the same whatever the number of processes (its
random generator, derived from the run's seed and the batch's number; its receipt times; its
references, worked out in batch order) and hands it over as a ``BatchOrder``; ``batch_make``
generates the rows (``intake.seed.lifecycle``), plans their deadlines (``DeadlineBuilder``),
turns the rows into column values (``core.bulk.bulk_values``) and encodes their audit entries
(``audit.services.audit_entry_prepare``), so that the loading process has left only the ids to
fill in, the rows to send and the audit chain to link. ``batches_made`` runs ``batch_make`` in
``jobs`` worker processes, ahead of the loading process, and gives the batches back in order
(``core.batch_processes.made_in_processes``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from functools import partial
from typing import Any, NamedTuple

from django.db import models

from redress.audit.services import PreparedEntry, audit_entry_prepare, audit_slot
from redress.complaints.models import (
    Complainant,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Message,
    Remedy,
)
from redress.complaints.rules import event_audit_draft
from redress.core.batch_processes import made_in_processes
from redress.core.bulk import bulk_values
from redress.intake.seed.lifecycle import Row, Rows, SeedContext, complaint_generate
from redress.sla.models import ClockPause, StageClock
from redress.sla.services import (
    TIMED_ACTIONS,
    DeadlineBuilder,
    PlannedClocks,
    due_fields,
    event_of,
)


def batch_random(seed: int, number: int) -> random.Random:
    """The random generator of batch ``number`` of the run seeded with ``seed``: each batch has
    its own, so a batch is the same whichever process makes it."""
    return random.Random(f"redress-seed:{seed}:{number}")  # noqa: S311  (demo data, not secrets)


@dataclasses.dataclass
class BatchOrder:
    """What the loading process decided for a batch: its generator (after drawing the receipt
    times), the times and the references planned for them."""

    number: int
    rng: random.Random
    received: list[dt.datetime]
    references: list[str]


class TableRows(NamedTuple):
    """A table's rows of a batch as column values; the ``parent`` column (``complaint_id``) of
    each is to be filled in with the id of the row ``parents[i]`` of ``parent_model``."""

    model: type[models.Model]
    values: list[list[Any]]
    parent: str = ""
    parent_model: type[models.Model] | None = None
    parents: list[int] = []  # noqa: RUF012  (never changed: a NamedTuple default)


@dataclasses.dataclass
class Batch:
    """A batch ready to write: its tables in the order they are written (parents first), and
    the audit entry of each event (slots: ``target_id``, the complaint; ``event``)."""

    number: int
    received: list[dt.datetime]
    references: list[str]
    tables: list[TableRows]
    audits: list[PreparedEntry]


def batch_make(context: SeedContext, builder: DeadlineBuilder, order: BatchOrder) -> Batch:
    """Generate the batch ``order`` describes and make it ready to write. Reads no database."""
    context = dataclasses.replace(context, rng=order.rng)
    rows = Rows()
    for at, reference in zip(order.received, order.references, strict=True):
        complaint_generate(context, rows, at, reference)
    planned = _deadlines_plan(rows, builder)
    complaint_place = {id(c): i for i, c in enumerate(rows.complaints)}
    decision_place = {id(d): i for i, d in enumerate(rows.decisions)}

    def of_complaint(model: type[models.Model], children: list[Row]) -> TableRows:
        return TableRows(
            model,
            bulk_values(model, children),
            "complaint_id",
            Complaint,
            [complaint_place[id(child["complaint"])] for child in children],
        )

    events = of_complaint(ComplaintEvent, rows.events)
    clocks = [(i, clock.row(0)) for i, plan in enumerate(planned) for clock in plan.clocks]
    pauses = [
        (i, {"complaint_id": 0, "started_at": p[0], "ended_at": p[1], "reason": p[2]})
        for i, plan in enumerate(planned)
        for p in plan.pauses
    ]
    tables = [
        TableRows(Complainant, bulk_values(Complainant, rows.complainants)),
        TableRows(
            Complaint,
            bulk_values(Complaint, rows.complaints),
            "complainant_id",
            Complainant,
            list(range(len(rows.complaints))),
        ),
        of_complaint(Decision, rows.decisions),
        TableRows(
            Remedy,
            bulk_values(Remedy, rows.remedies),
            "decision_id",
            Decision,
            [decision_place[id(remedy["decision"])] for remedy in rows.remedies],
        ),
        of_complaint(Message, rows.messages),
        of_complaint(ExternalReferral, rows.referrals),
        events,
        TableRows(
            StageClock,
            bulk_values(StageClock, [row for _i, row in clocks]),
            "complaint_id",
            Complaint,
            [i for i, _row in clocks],
        ),
        TableRows(
            ClockPause,
            bulk_values(ClockPause, [row for _i, row in pauses]),
            "complaint_id",
            Complaint,
            [i for i, _row in pauses],
        ),
    ]
    # The ids are the loading process's to take: the entries name them by slot.
    target, event_id = audit_slot("target_id"), audit_slot("event")
    audits = [
        audit_entry_prepare(
            event_audit_draft(
                complaint_id=target,
                reference=rows.complaints[place]["reference"],
                event=event,
                event_id=event_id,
                before=before,
                after=after,
            )
        )
        for event, place, (before, after) in zip(
            rows.events, events.parents, rows.audits, strict=True
        )
    ]
    return Batch(order.number, order.received, order.references, tables, audits)


def _deadlines_plan(rows: Rows, deadlines: DeadlineBuilder) -> list[PlannedClocks]:
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
        planned.append(PlannedClocks(replay.clocks, replay.pauses))
    return planned


@contextmanager
def batches_made(
    context: SeedContext, builder: DeadlineBuilder, orders: Iterable[BatchOrder], *, jobs: int
) -> Iterator[Iterator[Batch]]:
    """The batches of ``orders``, in order, made by ``jobs`` worker processes while the caller
    writes the ones before (``made_in_processes``; in this process with one job, on SQLite or
    inside a transaction). The workers inherit ``context`` and ``builder`` as they are forked,
    so nothing of them is sent with each batch; ``builder`` must have been preloaded for every
    unit the batches use: the workers read no database."""
    made = made_in_processes(partial(batch_make, context, builder), orders, jobs=jobs)
    with closing(made):
        yield made
