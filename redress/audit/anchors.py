"""Anchors: the chain's head written outside the database, so that a rewritten chain shows.

An anchor is one line of JSON appended to ``REDRESS_AUDIT_ANCHOR_FILE`` (``var/audit-anchors.log``
by default) and logged to the ``redress.audit.anchor`` logger: when it was taken, the head's
number and hash, the last unsealed (legacy) entry, the id of the key and an HMAC signature of the
rest under that key. The operator ships the file (or the log) somewhere the database's writers
cannot reach; ``redress audit verify`` then checks the chain against every anchor: an entry
anchored with one hash and now holding another was rewritten, a chain shorter than its last
anchor was cut, whoever holds the database.

The worker writes an anchor every ``REDRESS_AUDIT_ANCHOR_MINUTES`` when the chain has grown
(``audit_anchor_due``, a periodic job); ``redress audit anchor`` writes one at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from redress.audit.keys import audit_key, audit_keyring
from redress.audit.models import AuditChainHead

logger = logging.getLogger("redress.audit.anchor")

_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class Anchor:
    """One anchor as read back: ``line`` is its line number in the file (from 1)."""

    line: int
    at: str
    seq: int
    hash: str
    legacy_until: int
    key_id: str


class AnchorUnreadable(Exception):
    """A line of the anchor file that is not a well-formed anchor signed with a known key."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def anchor_path() -> Path:
    return Path(settings.REDRESS_AUDIT_ANCHOR_FILE)


def _signed_part(at: str, seq: int, hash_: str, legacy_until: int, key_id: str) -> str:
    return _canonical(
        {"at": at, "seq": seq, "hash": hash_, "legacy_until": legacy_until, "key_id": key_id}
    )


def audit_anchor(*, path: Path | None = None) -> Anchor:
    """Append an anchor of the chain's head as it is now (committed) and return it."""
    path = path or anchor_path()
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
    key = audit_key()
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    signed = _signed_part(at, head.seq, head.hash, head.legacy_until, key.id)
    line = signed[:-1] + ',"sig":' + json.dumps(key.seal("anchor:" + signed)) + "}"
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write in append mode: anchors written at once by two processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    logger.info("%s", line)
    return Anchor(0, at, head.seq, head.hash, head.legacy_until, key.id)


def _last_line(path: Path) -> str:
    with path.open("rb") as file:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(max(0, size - 4096))
        lines = file.read().decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else ""


def audit_anchor_due() -> Anchor | None:
    """The periodic job: anchor the head if the chain has grown since the last anchor and that
    anchor is at least ``REDRESS_AUDIT_ANCHOR_MINUTES`` old."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    path = anchor_path()
    if path.is_file() and (last := _last_line(path)):
        try:
            anchor = json.loads(last)
            at = dt.datetime.fromisoformat(anchor["at"])
            seq = int(anchor["seq"])
        except (ValueError, KeyError, TypeError):
            pass  # an unreadable last line: anchor afresh (verify reports the line)
        else:
            interval = dt.timedelta(minutes=settings.REDRESS_AUDIT_ANCHOR_MINUTES)
            if seq == head.seq or timezone.now() - at < interval:
                return None
    return audit_anchor(path=path)


def anchors_read(path: Path | None = None) -> list[Anchor]:
    """Every anchor in the file, in order, each signature checked. Raises ``AnchorUnreadable``
    naming the first line that is malformed or whose signature does not match any known key."""
    path = path or anchor_path()
    if not path.is_file():
        return []
    keyring = audit_keyring()
    anchors = []
    with path.open(encoding="utf-8") as file:
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                signed = _signed_part(
                    str(data["at"]),
                    int(data["seq"]),
                    str(data["hash"]),
                    int(data["legacy_until"]),
                    str(data["key_id"]),
                )
                sig = str(data["sig"])
            except (ValueError, KeyError, TypeError):
                raise AnchorUnreadable(number, "not an anchor") from None
            key = keyring.get(data["key_id"])
            if key is None:
                raise AnchorUnreadable(number, f"signed with an unknown key {data['key_id']}")
            if not key.opens("anchor:" + signed, sig):
                raise AnchorUnreadable(number, "its signature does not match")
            anchors.append(
                Anchor(
                    number,
                    data["at"],
                    int(data["seq"]),
                    data["hash"],
                    int(data["legacy_until"]),
                    data["key_id"],
                )
            )
    return anchors
