"""Walk the audit chain and name the first entry that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import GENESIS, entry_hash


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # altered | removed | inserted | truncated
    detail: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Recompute every hash in order. Stops at the first problem, which it names:

    - ``altered``: the entry's content no longer matches its hash;
    - ``removed``: a number is missing (the entry before it in the chain is gone);
    - ``inserted``: the entry does not link to the one before it;
    - ``truncated``: entries were removed from the end (the head says more exist).
    """
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return ChainReport(
                    checked,
                    prev_hash,
                    ChainProblem(expected_seq, "removed", f"entry #{expected_seq} is missing"),
                )
            return ChainReport(
                checked, prev_hash, ChainProblem(entry.seq, "inserted", "number out of order")
            )
        # The link is checked before the content: an entry whose predecessor was swapped for a
        # forged one (numbers shifted to make room) is reported as an insertion, not an edit.
        if entry.prev_hash != prev_hash:
            return ChainReport(
                checked,
                prev_hash,
                ChainProblem(entry.seq, "inserted", "does not link to the entry before it"),
            )
        if entry_hash(entry) != entry.hash:
            return ChainReport(
                checked,
                prev_hash,
                ChainProblem(entry.seq, "altered", "content does not match its hash"),
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(
            checked,
            prev_hash,
            ChainProblem(
                checked + 1,
                "truncated",
                f"the chain should end at #{head.seq}, it ends at #{checked}",
            ),
        )
    return ChainReport(checked, prev_hash, None)
