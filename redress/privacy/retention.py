"""Retention (ISO10002.md REQ-PD-4; docs/privacy.md, "Retention"): each kind of record is kept
for the period its ``RetentionRule`` sets, then anonymised, deleted or cleared.

``retention_run`` asks every kind of record what has expired and, unless it is a dry run, deals
with it in batches of ``BATCH_SIZE`` (set-based queries, one transaction per batch, at most
``MAX_BATCHES`` per kind and run: the rest waits for the next day), then writes one audit entry
per kind (``privacy.retention``) with its counts and a ``RetentionRun`` row the data-protection
officer sees. A complaint that is open, or under legal hold, is never touched, nor is anything
of it.

The kinds of record are registered as ``RetentionTarget``s: privacy's own in
``privacy.retention_targets``, the inbound mail store by intake (a layer above, which privacy
cannot import) from its ``ready()``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.privacy.erasure import complaints_anonymise
from redress.privacy.models import (
    AnonymisedComplaint,
    LegalHold,
    RecordType,
    RetentionRule,
    RetentionRun,
)
from redress.privacy.roles import Permission, permission_check

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_BATCHES = 100
# How many of the expired records' ids a report lists (the counts are always complete).
REPORT_IDS = 100


@dataclass(frozen=True)
class RetentionTarget:
    """One kind of record: ``expired(cutoff, rules)`` is the queryset of what is past its
    period and not yet dealt with (``cutoff``: the moment before which its period began);
    ``expire(ids, actor)`` deals with a batch of them and returns how many it did."""

    expired: Callable[[dt.datetime, dict[str, RetentionRule]], QuerySet[Any]]
    expire: Callable[[list[int], Actor], int]


_TARGETS: dict[str, RetentionTarget] = {}

# The files and texts of closed complaints go by their own (shorter) periods first, so that each
# rule counts what it did; anonymising a complaint then removes what is left of it; consents
# follow the complaints they belong to.
RUN_ORDER = (
    RecordType.ATTACHMENTS,
    RecordType.RAW_EMAILS,
    RecordType.OUTBOX_BODIES,
    RecordType.CLOSED_COMPLAINTS,
    RecordType.CONSENTS,
    RecordType.ACCESS_LOG,
    RecordType.AUDIT,
)


def retention_target_register(record_type: str, target: RetentionTarget) -> None:
    """Add a kind of record to the retention run (called from an app's ``ready()``)."""
    _TARGETS[RecordType(record_type)] = target


@dataclass
class RecordResult:
    record_type: str
    months: int
    expiry: str
    cutoff: dt.datetime
    expired: int = 0
    done: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(RecordType(self.record_type).label)


@dataclass
class RetentionReport:
    dry_run: bool
    at: dt.datetime
    run: RetentionRun
    results: list[RecordResult]

    def result(self, record_type: str) -> RecordResult:
        return next(r for r in self.results if r.record_type == record_type)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# --- Wired at merge: the legal hold and the anonymisation are built by the erasure work. ------


def complaints_held() -> QuerySet[Complaint]:
    """The complaints under legal hold, which retention never touches (nor anything of them)."""
    return Complaint.objects.filter(
        pk__in=LegalHold.objects.filter(released_at__isnull=True).values("complaint_id")
    )


def complaints_not_yet_anonymised(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """``complaints`` without those already anonymised (so that a second run does nothing)."""
    return complaints.exclude(pk__in=AnonymisedComplaint.objects.values("complaint_id"))


def complaints_whole_persons(expired: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Of the ``expired`` complaints, those whose complainant has no other complaint still
    kept: anonymising blanks the complainant's record whole (``erasure.complaints_anonymise``),
    so a person's complaints are anonymised together once the last of them has expired, never
    while a newer one (perhaps still open) needs their contact details."""
    anonymised = AnonymisedComplaint.objects.values("complaint_id")
    kept = Complaint.objects.exclude(pk__in=expired.values("pk")).exclude(pk__in=anonymised)
    return expired.exclude(complainant_id__in=kept.values("complainant_id"))


def _closed_complaints_expire(ids: list[int], actor: Actor) -> int:
    """Anonymise these closed complaints and their complainants' records; returns how many."""
    report = complaints_anonymise(
        ids, actor=actor, reason=gettext("Retention: the period of the retention rule has ended.")
    )
    return len(report.complaint_ids)


# ---------------------------------------------------------------------------------------------


def closed_complaints(cutoff: dt.datetime) -> QuerySet[Complaint]:
    """Complaints closed before ``cutoff`` and still closed, not under legal hold."""
    return Complaint.objects.filter(status="closed", closed_at__lt=cutoff).exclude(
        pk__in=complaints_held().values("pk")
    )


def files_delete_unreferenced(
    model: type[models.Model], field_name: str, names: Iterable[str]
) -> int:
    """Delete from storage the files of ``names`` that no row of ``model`` still points at
    (files are stored under their content hash, so two rows may share one); returns how many
    were deleted. Called after the rows' transaction committed."""
    names = {name for name in names if name}
    kept = set(
        model._default_manager.filter(**{f"{field_name}__in": names}).values_list(
            field_name, flat=True
        )
    )
    deleted = 0
    for name in sorted(names - kept):
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    return deleted


def _apply(
    rule: RetentionRule,
    target: RetentionTarget,
    rules: dict[str, RetentionRule],
    *,
    now: dt.datetime,
    dry_run: bool,
    actor: Actor,
    run: RetentionRun,
) -> RecordResult:
    cutoff = months_before(now, rule.months)
    expired = target.expired(cutoff, rules)
    result = RecordResult(
        record_type=rule.record_type, months=rule.months, expiry=rule.expiry, cutoff=cutoff
    )
    result.expired = expired.count()
    result.ids = list(expired.order_by("pk").values_list("pk", flat=True)[:REPORT_IDS])
    if dry_run or not rule.is_active or not result.expired:
        return result
    last = 0
    for _batch in range(MAX_BATCHES):
        ids = list(
            expired.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            break
        result.done += target.expire(ids, actor)
        last = ids[-1]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="privacy.retention",
            target=rule,
            target_label=rule.record_type,
            after={
                "months": rule.months,
                "expiry": rule.expiry,
                "cutoff": cutoff.isoformat(),
                "expired": result.expired,
                "done": result.done,
                "run": run.pk,
            },
        )
    return result


def retention_run(
    *,
    dry_run: bool,
    actor: Actor,
    now: dt.datetime | None = None,
    trigger: str = RetentionRun.Trigger.COMMAND,
    run: RetentionRun | None = None,
) -> RetentionReport:
    """Apply every retention rule (or, with ``dry_run``, only count what would be done) and
    record the run. A person needs ``RETENTION_MANAGE``; the daily job and the command line
    run as the system. ``run``: a row already taken for this run (the daily job's claim)."""
    if actor.user is not None:
        permission_check(actor.user, Permission.RETENTION_MANAGE)
    now = now or timezone.now()
    if run is None:
        run = RetentionRun.objects.create(
            started_at=now, dry_run=dry_run, trigger=trigger, actor_label=actor.label[:150]
        )
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    results = [
        _apply(rules[kind], _TARGETS[kind], rules, now=now, dry_run=dry_run, actor=actor, run=run)
        for kind in RUN_ORDER
        if kind in rules and kind in _TARGETS
    ]
    run.results = {r.record_type: {"expired": r.expired, "done": r.done} for r in results}
    run.finished_at = timezone.now()
    run.save(update_fields=["results", "finished_at"])
    logger.info(
        "retention %s by %s: %s",
        "dry run" if dry_run else "run",
        actor,
        ", ".join(f"{r.record_type} {r.expired} expired, {r.done} done" for r in results),
    )
    return RetentionReport(dry_run=dry_run, at=now, run=run, results=results)
