"""Writing to the audit trail. Called by every service inside its own transaction.

``audit_record`` appends one entry; ``audit_record_bulk`` appends many at once for the bulk
paths (import, seed); ``audit_record_prepared`` appends entries encoded ahead, in other
processes (``audit_entry_prepare``), by the seed. All lock the chain head, number, hash and seal the entries the same way,
and move the head, so ``redress audit verify`` cannot tell them apart.

An entry's hash covers its content and the previous entry's hash (the chain); its seal is the
HMAC of that hash under the current key (``audit.keys``), which the database does not hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, TypedDict

from django.db import models, transaction
from django.utils import timezone

from redress.audit.keys import AuditKey, audit_key, entry_seal_message, head_seal_message
from redress.audit.models import AuditChainHead, AuditEntry
from redress.core.actors import Actor
from redress.core.bulk import JsonText, bulk_insert
from redress.core.writes import insert, row_locked, update, writes_flush, writes_kept

GENESIS = "0" * 64
# The canonical JSON of a hashed entry (one encoder, made once: the bulk paths hash 100,000s).
_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode

# The fields an entry's hash covers, in the canonical payload.
_HASHED = (
    "seq",
    "at",
    "actor_kind",
    "actor_label",
    "actor_user_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "before",
    "after",
    "prev_hash",
)


class AuditDraft(TypedDict):
    """An entry to append with ``audit_record_bulk``: everything but its place in the chain."""

    at: dt.datetime
    actor_kind: str
    actor_label: str
    actor_user_id: int | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict[str, Any]
    after: dict[str, Any]


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON that survives a database round trip unchanged.

    Decimals, floats and times become strings, so that the hash computed now is the hash
    recomputed later from what the database gives back (jsonb reorders keys; floats may not
    round-trip exactly).
    """
    # Strings, numbers, booleans (and the str- and int-based choices) first: the bulk paths
    # pass hundreds of thousands of them.
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
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
    return _values_hash({name: getattr(entry, name) for name in _HASHED})


def _values_hash(values: Mapping[str, Any]) -> str:
    """The hash of an entry given as its field values (``_HASHED``; others are ignored)."""
    payload = {name: values[name] for name in _HASHED}
    payload["at"] = jsonable(payload["at"])
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def _head_lock() -> AuditChainHead:
    """The chain head, locked until the transaction ends: writers of the chain queue here."""
    head = row_locked(AuditChainHead, 1)
    return AuditChainHead.objects.create(pk=1) if head is None else head


# An entry's stored fields but its id, which the database gives.
ENTRY_FIELDS = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]


def _head_move(
    head: AuditChainHead, seq: int, hash_: str, key: AuditKey, *, later: bool = False
) -> None:
    """Move the locked head to the entry ``seq`` and seal it (``later``: with the open
    combined write, ``core.writes``)."""
    head.seq, head.hash, head.key_id = seq, hash_, key.id
    head.seal = key.seal(head_seal_message(seq, hash_, head.legacy_until))
    values = {"seq": head.seq, "hash": head.hash, "key_id": head.key_id, "seal": head.seal}
    update(AuditChainHead, head.pk, values, later=later)


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
    # A head moved by a write still kept must be written before it is read.
    writes_flush(AuditChainHead)
    head = _head_lock()
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
    key = audit_key()
    entry.hash = entry_hash(entry)
    entry.key_id = key.id
    entry.seal = key.seal(entry_seal_message(entry.hash))
    # Inside a combined write (intake's) the entry and the head go with it, and the entry has
    # no id yet; otherwise both are written now.
    kept = writes_kept()
    row = {field.attname: getattr(entry, field.attname) for field in ENTRY_FIELDS}
    entry.pk = insert(AuditEntry, [row], later=kept, pk=not kept)
    _head_move(head, entry.seq, entry.hash, key, later=kept)
    return entry


@transaction.atomic(savepoint=False)
def audit_record_bulk(drafts: Sequence[AuditDraft]) -> list[int]:
    """Append entries to the chain in the order given, in one write; returns their ids.

    The same chain as one ``audit_record`` per entry: the head is locked (until commit), each
    entry is numbered, its ``before``/``after`` made plain JSON, hashed with the link to the
    one before and sealed, and the head moves to the last. For the bulk paths, which call it in chunks
    inside their transaction.
    """
    if not drafts:
        return []
    head = _head_lock()
    key = audit_key()
    seq, prev_hash = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for draft in drafts:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "at": draft["at"],
            "actor_kind": draft["actor_kind"],
            "actor_label": draft["actor_label"][:150],
            "actor_user_id": draft["actor_user_id"],
            "action": draft["action"],
            "target_type": draft["target_type"],
            "target_id": str(draft["target_id"]),
            "target_label": draft["target_label"][:150],
            "before": jsonable(draft["before"]),
            "after": jsonable(draft["after"]),
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = _values_hash(row)
        row["key_id"] = key.id
        row["seal"] = key.seal(entry_seal_message(prev_hash))
        rows.append(row)
    ids = bulk_insert(AuditEntry, rows)
    _head_move(head, seq, prev_hash, key)
    return ids


class RedactedContent(TypedDict):
    """The personal content of an entry after redaction: what replaces its ``before``,
    ``after`` and ``target_label``."""

    before: dict[str, Any]
    after: dict[str, Any]
    target_label: str


REDACT_ACTION = "audit.redact"


@transaction.atomic(savepoint=False)
def audit_redact(
    redactions: Mapping[int, RedactedContent],
    *,
    actor: Actor,
    reason: str,
    target: models.Model,
    target_label: str = "",
) -> AuditEntry | None:
    """Replace the personal content of the entries ``redactions`` names (by number) and append
    one sealed ``audit.redact`` entry recording, for each, the hash of its redacted content.

    An entry's stored ``hash`` and ``seal`` are left as they were, and so is every other entry:
    the chain stays linked. Its redacted hash is computed as its hash was, over the redacted
    content with its original ``prev_hash``; ``audit.verify`` accepts an entry whose content no
    longer matches its stored hash only when a sealed redaction entry holds the hash of what it
    now holds (docs/decisions.md, "Erasure and the audit chain"). None when there is nothing to
    redact.
    """
    if not redactions:
        return None
    # The head's lock first: a redaction is a write of the chain like any other.
    _head_lock()
    entries = list(
        AuditEntry.objects.select_for_update().filter(seq__in=list(redactions)).order_by("seq")
    )
    missing = sorted(set(redactions) - {entry.seq for entry in entries})
    if missing:
        raise ValueError(f"no audit entries numbered {missing}")
    redacted_hashes: dict[str, str] = {}
    for entry in entries:
        content = redactions[entry.seq]
        entry.before = jsonable(dict(content["before"]))
        entry.after = jsonable(dict(content["after"]))
        entry.target_label = content["target_label"][:150]
        redacted_hashes[str(entry.seq)] = entry_hash(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            before=entry.before, after=entry.after, target_label=entry.target_label
        )
    return audit_record(
        actor=actor,
        action=REDACT_ACTION,
        target=target,
        target_label=target_label,
        after={"entries": redacted_hashes, "reason": reason},
    )


# A value not known yet where an entry is prepared (its number, the hash before it, an id): a
# string no real value holds (a private-use character around its name), replaced in the
# canonical JSON by the value's own encoding, so the text is byte for byte the one
# ``_canonical`` makes of the filled-in entry.
_SLOT_MARK = "\ue000"
_SLOTTED = re.compile(f'"{_SLOT_MARK}(\\w+){_SLOT_MARK}"')


def audit_slot(name: str) -> str:
    """A stand-in for a value ``audit_record_prepared`` fills in (``target_id``, an event id…)."""
    return f"{_SLOT_MARK}{name}{_SLOT_MARK}"


def _template(value: Any) -> tuple[str, ...]:
    """The canonical JSON of ``value`` split at its slots: text, slot name, text, …"""
    return tuple(_SLOTTED.split(_canonical(value)))


def _filled(template: tuple[str, ...], values: Mapping[str, str]) -> str:
    if len(template) == 1:
        return template[0]
    parts = list(template)
    for i in range(1, len(parts), 2):
        parts[i] = values[parts[i]]
    return "".join(parts)


class PreparedEntry(NamedTuple):
    """An entry encoded ahead of its place in the chain (``audit_entry_prepare``): its columns,
    its ``before`` as JSON, its ``after`` and its hashed payload as templates with slots."""

    at: dt.datetime
    actor_kind: str
    actor_label: str
    actor_user_id: int | None
    action: str
    target_type: str
    target_label: str
    before: str
    after: tuple[str, ...]
    hashed: tuple[str, ...]


def audit_entry_prepare(draft: AuditDraft) -> PreparedEntry:
    """Encode a draft (which may hold ``audit_slot``s in ``target_id`` and in ``after``) as
    far as it can be before it is chained: the work ``audit_record_bulk`` does per entry but
    numbering, linking and sealing. Pure: it runs in the seed's worker processes."""
    before, after = jsonable(draft["before"]), jsonable(draft["after"])
    before_text = _canonical(before)
    if _SLOT_MARK in before_text:
        raise ValueError("an entry's before cannot hold slots")
    payload = {
        "seq": audit_slot("seq"),
        "at": jsonable(draft["at"]),
        "actor_kind": draft["actor_kind"],
        "actor_label": draft["actor_label"][:150],
        "actor_user_id": draft["actor_user_id"],
        "action": draft["action"],
        "target_type": draft["target_type"],
        "target_id": str(draft["target_id"]),
        "target_label": draft["target_label"][:150],
        "before": before,
        "after": after,
        "prev_hash": audit_slot("prev_hash"),
    }
    return PreparedEntry(
        at=draft["at"],
        actor_kind=payload["actor_kind"],
        actor_label=payload["actor_label"],
        actor_user_id=draft["actor_user_id"],
        action=draft["action"],
        target_type=draft["target_type"],
        target_label=payload["target_label"],
        before=before_text,
        after=_template(after),
        hashed=_template(payload),
    )


def _slot_text(value: int | str) -> str:
    return str(value) if isinstance(value, int) else _canonical(value)


@transaction.atomic(savepoint=False)
def audit_record_prepared(
    entries: Sequence[PreparedEntry], slots: Sequence[Mapping[str, int | str]]
) -> list[int]:
    """Append prepared entries to the chain in the order given, ``slots[i]`` filling in the
    slots of ``entries[i]`` (``target_id`` is the entry's target's id); returns their ids.
    The entries, their hashes and seals are those ``audit_record_bulk`` writes for the same
    drafts (``test_prepared.py``)."""
    if not entries:
        return []
    head = _head_lock()
    key = audit_key()
    seq, prev_hash = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for entry, values in zip(entries, slots, strict=True):
        seq += 1
        texts = {name: _slot_text(value) for name, value in values.items()}
        # The target's id is stored as text, whatever it was given as.
        texts["target_id"] = _canonical(str(values["target_id"]))
        texts["seq"] = str(seq)
        texts["prev_hash"] = f'"{prev_hash}"'
        hash_ = hashlib.sha256(_filled(entry.hashed, texts).encode("utf-8")).hexdigest()
        rows.append(
            {
                "seq": seq,
                "at": entry.at,
                "actor_kind": entry.actor_kind,
                "actor_label": entry.actor_label,
                "actor_user_id": entry.actor_user_id,
                "action": entry.action,
                "target_type": entry.target_type,
                "target_id": str(values["target_id"]),
                "target_label": entry.target_label,
                "before": JsonText(entry.before),
                "after": JsonText(_filled(entry.after, texts)),
                "prev_hash": prev_hash,
                "hash": hash_,
                "key_id": key.id,
                "seal": key.seal(entry_seal_message(hash_)),
            }
        )
        prev_hash = hash_
    ids = bulk_insert(AuditEntry, rows)
    _head_move(head, seq, prev_hash, key)
    return ids
