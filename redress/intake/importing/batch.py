"""An import as the admin and the command line run it: an ``ImportBatch`` (the stored file, its
column mapping, the problems found, what was imported), checked, then written all or nothing with
one audit entry for the import as a whole.

The steps, in order: ``batch_check`` (check the stored file with its mapping, keep the outcome on
the batch); ``batch_plan_write`` (write a checked plan for the batch and record the outcome);
``batch_check_and_write`` (both: what the admin's "Import" button and the worker's task,
``intake.tasks.batch_check_and_write_task``, run).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from redress.audit.services import audit_record
from redress.complaints.models import Complainant, Complaint, ComplaintEvent
from redress.core.actors import Actor
from redress.core.bulk import statistics_refresh
from redress.intake.importing.check import Plan, table_check
from redress.intake.importing.read import table_read
from redress.intake.importing.write import IMPORT_ACTOR, ImportResult, plan_write
from redress.intake.models import ImportBatch


def batch_file_read(batch: ImportBatch) -> bytes:
    """The content of the batch's uploaded file."""
    with default_storage.open(str(batch.file.name), "rb") as handle:
        return handle.read()  # type: ignore[no-any-return]


def batch_check(batch: ImportBatch) -> Plan:
    """Check the batch's file with its mapping and store the outcome on it."""
    table = table_read(batch_file_read(batch), batch.original_name)
    plan = table_check(table, batch.mapping, default_channel=batch.default_channel)
    batch.rows_total = plan.total
    batch.errors = [e.as_list() for e in plan.errors]
    batch.skipped_count = plan.already + plan.repeated
    batch.state = ImportBatch.State.INVALID if plan.errors else ImportBatch.State.CHECKED
    batch.save(update_fields=["rows_total", "errors", "skipped_count", "state", "mapping"])
    return plan


def batch_plan_write(
    *,
    batch: ImportBatch,
    plan: Plan,
    actor: Actor = IMPORT_ACTOR,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write a checked plan for an ``ImportBatch`` and record the outcome on it, all in one
    transaction, with one audit entry for the import as a whole. A batch already imported
    imports nothing."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state == ImportBatch.State.IMPORTED:
            return ImportResult(0, [], None)
        result = plan_write(
            plan,
            actor=actor,
            source=f"import:{locked.pk}",
            file_name=locked.original_name,
            progress=progress,
        )
        locked.state = ImportBatch.State.IMPORTED
        locked.created_count = result.created
        locked.skipped_count = plan.already + plan.repeated
        locked.rows_total = plan.total
        locked.imported_at = timezone.now()
        locked.first_reference, locked.last_reference = result.references or ("", "")
        locked.errors = []
        locked.save()
        _audit(
            actor=actor,
            batch=locked,
            data={
                "file": locked.original_name,
                "sha256": locked.sha256,
                "rows": plan.total,
                "created": result.created,
                "already_imported": plan.already,
                "repeated": plan.repeated,
                "first": locked.first_reference,
                "last": locked.last_reference,
            },
        )
        statistics_refresh([Complainant, Complaint, ComplaintEvent], rows=result.created)
        batch.state, batch.created_count, batch.skipped_count = (
            locked.state,
            locked.created_count,
            locked.skipped_count,
        )
    return result


def batch_check_and_write(batch: ImportBatch, *, actor: Actor) -> ImportResult | None:
    """Check the file again with its mapping (nothing stale is imported), then write it all or
    nothing. Returns the result, or None when the file has problems now."""
    plan = batch_check(batch)
    if plan.errors:
        return None
    return batch_plan_write(batch=batch, plan=plan, actor=actor)


def _audit(*, actor: Actor, batch: ImportBatch, data: dict[str, Any]) -> None:
    """One audit entry for the import as a whole (who imported which file, how many rows)."""
    audit_record(
        actor=actor,
        action="complaints.import",
        target=batch,
        target_label=batch.original_name[:150],
        after=data,
    )
