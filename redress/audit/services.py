"""Writing to the audit trail. Called by every service inside its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from redress.audit.models import AuditChainHead, AuditEntry
from redress.core.actors import Actor

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON that survives a database round trip unchanged.

    Decimals, floats and times become strings, so that the hash computed now is the hash
    recomputed later from what the database gives back (jsonb reorders keys; floats may not
    round-trip exactly).
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.TextChoices):
        return value.value
    return str(value)


def entry_hash(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "at": jsonable(entry.at),
        "actor_kind": entry.actor_kind,
        "actor_label": entry.actor_label,
        "actor_user_id": entry.actor_user_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# No savepoint of its own: it runs inside a service's transaction, and if it fails the
# service fails with it.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    Call it at the end of a service's transaction: the chain head stays locked until commit,
    so the lock is held as briefly as possible.
    """
    try:
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:
        head = AuditChainHead.objects.create(pk=1)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=at or timezone.now(),
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        actor_user_id=actor.user_id,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=target_label[:150],
        before=jsonable(before or {}),
        after=jsonable(after or {}),
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    head.seq = entry.seq
    head.hash = entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry
