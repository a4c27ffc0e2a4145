"""Walk the audit chain and name the first entry that does not fit, and the check it fails."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from redress.audit.anchors import Anchor, AnchorUnreadable, anchors_read
from redress.audit.keys import AuditKey, audit_keyring, entry_seal_message, head_seal_message
from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import GENESIS, REDACT_ACTION, entry_hash

# The checks, in the words ``redress audit verify`` reports them with.
CHECKS = {
    "link": "broken link",
    "row_hash": "row hash mismatch",
    "seal": "HMAC seal mismatch",
    "head": "head mismatch",
    "anchor": "differs from the anchor",
}


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    check: str  # link | row_hash | seal | head | anchor (CHECKS)
    kind: str  # removed | inserted | altered | unsealed | unknown key | truncated | rewritten ...
    detail: str

    @property
    def check_label(self) -> str:
        return CHECKS[self.check]


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problem: ChainProblem | None
    legacy_until: int = 0
    anchors: int = 0
    last_anchor: Anchor | None = None
    # Entries whose personal content was redacted (erasure), each vouched for by a sealed
    # ``audit.redact`` entry.
    redacted: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_verify(*, chunk_size: int = 5000, anchors: Path | None = None) -> ChainReport:
    """Recompute every hash and seal in order and compare the chain with its anchors (the file
    ``anchors``, by default ``REDRESS_AUDIT_ANCHOR_FILE``). Stops at the first problem, which it
    names with the check that failed:

    - ``link``: a number is missing (``removed``), or the entry does not link to the one before
      it (``inserted``);
    - ``row_hash``: the entry's content no longer matches its hash (``altered``), and it is not
      the redacted content a sealed ``audit.redact`` entry recorded for it (erasure);
    - ``seal``: the hash's HMAC seal does not match (``forged``: the entry and the hashes after
      it were recomputed without the key), names a key not configured (``unknown key``), or a
      seal is missing after the legacy entries (``unsealed``);
    - ``head``: entries were removed from the end (``truncated``), or the head's seal does not
      match (``forged``);
    - ``anchor``: an anchored entry now has another hash (``rewritten``), the chain ends before
      the last anchor (``truncated``), the legacy entries are not those anchored
      (``unsealed``), or the anchor file itself is malformed or forged (``unreadable``).
    """
    keyring = audit_keyring()
    head = AuditChainHead.objects.filter(pk=1).first()
    legacy_until = head.legacy_until if head is not None else 0

    redacted = _redacted_hashes(keyring, chunk_size)
    passed_redacted = 0

    def report(checked: int, prev: str, problem: ChainProblem | None = None) -> ChainReport:
        return ChainReport(
            checked,
            prev,
            problem,
            legacy_until,
            len(anchored),
            anchored[-1] if anchored else None,
            passed_redacted,
        )

    anchored: list[Anchor] = []
    try:
        anchored = anchors_read(anchors)
    except AnchorUnreadable as error:
        return report(0, GENESIS, ChainProblem(0, "anchor", "unreadable", str(error)))
    by_seq: dict[int, list[Anchor]] = defaultdict(list)
    for anchor in anchored:
        by_seq[anchor.seq].append(anchor)
        if anchor.legacy_until != legacy_until:
            # A chain stripped of its seals would pass as legacy: the anchors say where legacy ends.
            return report(
                0,
                GENESIS,
                ChainProblem(
                    min(anchor.legacy_until, legacy_until) + 1,
                    "anchor",
                    "unsealed",
                    f"the unsealed entries end at #{legacy_until}, the anchor of {anchor.at} "
                    f"(line {anchor.line}) says #{anchor.legacy_until}",
                ),
            )

    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        problem = _entry_problem(
            entry, expected_seq, prev_hash, legacy_until, keyring, redacted.get(entry.seq)
        )
        if problem is None and entry.seq in redacted and entry_hash(entry) != entry.hash:
            passed_redacted += 1
        if problem is None:
            for anchor in by_seq.get(entry.seq, ()):
                if anchor.hash != entry.hash:
                    problem = ChainProblem(
                        entry.seq,
                        "anchor",
                        "rewritten",
                        f"the anchor of {anchor.at} (line {anchor.line}) holds another hash",
                    )
        if problem is not None:
            return report(checked, prev_hash, problem)
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1

    if head is not None:
        problem = _head_problem(head, checked, prev_hash, keyring)
        if problem is not None:
            return report(checked, prev_hash, problem)
    if anchored:
        last = max(anchored, key=lambda a: a.seq)
        if last.seq > checked:
            return report(
                checked,
                prev_hash,
                ChainProblem(
                    checked + 1,
                    "anchor",
                    "truncated",
                    f"the anchor of {last.at} (line {last.line}) has the chain end at "
                    f"#{last.seq}, it ends at #{checked}",
                ),
            )
    return report(checked, prev_hash)


def _redacted_hashes(keyring: dict[str, AuditKey], chunk_size: int) -> dict[int, str]:
    """Entry number -> the hash of its redacted content, from the ``audit.redact`` entries (the
    latest wins). Only a redaction entry that is itself intact and sealed with a known key
    counts, and only for entries before it: a forged or altered one vouches for nothing (and
    the walk names it when it reaches it)."""
    hashes: dict[int, str] = {}
    rows = AuditEntry.objects.filter(action=REDACT_ACTION).order_by("seq")
    for entry in rows.iterator(chunk_size=chunk_size):
        key = keyring.get(entry.key_id)
        if (
            key is None
            or entry_hash(entry) != entry.hash
            or not key.opens(entry_seal_message(entry.hash), entry.seal)
        ):
            continue
        listed = entry.after.get("entries") if isinstance(entry.after, dict) else None
        for seq, hash_ in (listed or {}).items():
            if str(seq).isdigit() and int(seq) < entry.seq and isinstance(hash_, str):
                hashes[int(seq)] = hash_
    return hashes


def _entry_problem(
    entry: AuditEntry,
    expected_seq: int,
    prev_hash: str,
    legacy_until: int,
    keyring: dict[str, AuditKey],
    redacted_hash: str | None = None,
) -> ChainProblem | None:
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            return ChainProblem(
                expected_seq, "link", "removed", f"entry #{expected_seq} is missing"
            )
        return ChainProblem(entry.seq, "link", "inserted", "number out of order")
    # The link is checked before the content: an entry whose predecessor was swapped for a
    # forged one (numbers shifted to make room) is reported as an insertion, not an edit.
    if entry.prev_hash != prev_hash:
        return ChainProblem(entry.seq, "link", "inserted", "does not link to the entry before it")
    content_hash = entry_hash(entry)
    # A redacted entry no longer matches its stored hash; it passes when its content is what
    # a sealed redaction recorded.
    if content_hash != entry.hash and content_hash != redacted_hash:
        return ChainProblem(entry.seq, "row_hash", "altered", "content does not match its hash")
    if entry.seq <= legacy_until:
        if entry.key_id or entry.seal:
            return ChainProblem(
                entry.seq,
                "seal",
                "unexpected",
                f"sealed, though entries up to #{legacy_until} were written before sealing",
            )
        return None
    if not entry.key_id or not entry.seal:
        return ChainProblem(
            entry.seq,
            "seal",
            "unsealed",
            f"no seal, though every entry after #{legacy_until} must have one",
        )
    key = keyring.get(entry.key_id)
    if key is None:
        return ChainProblem(
            entry.seq,
            "seal",
            "unknown key",
            f"sealed with key {entry.key_id}, which is neither REDRESS_AUDIT_KEY nor one of "
            "REDRESS_AUDIT_OLD_KEYS",
        )
    if not key.opens(entry_seal_message(entry.hash), entry.seal):
        return ChainProblem(
            entry.seq, "seal", "forged", "the seal does not match the hash: written without the key"
        )
    return None


def _head_problem(
    head: AuditChainHead, checked: int, last_hash: str, keyring: dict[str, AuditKey]
) -> ChainProblem | None:
    if head.seq != checked or head.hash != last_hash:
        return ChainProblem(
            checked + 1,
            "head",
            "truncated",
            f"the chain should end at #{head.seq}, it ends at #{checked}",
        )
    if head.seq <= head.legacy_until:
        return None  # no entry sealed yet: neither is the head
    key = keyring.get(head.key_id)
    if key is None or not key.opens(
        head_seal_message(head.seq, head.hash, head.legacy_until), head.seal
    ):
        return ChainProblem(
            head.seq, "head", "forged", "the head's seal does not match: moved without the key"
        )
    return None
