"""Entries encoded ahead of the chain (the seed's worker processes) are the entries
``audit_record_bulk`` writes for the same drafts: the same hashes and seals, the same stored
content, and ``audit verify`` recomputes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from redress.audit.models import AuditEntry
from redress.audit.services import (
    audit_entry_prepare,
    audit_record_bulk,
    audit_record_prepared,
    audit_slot,
)
from redress.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 2, 16, 1, 2, 3, 456789, tzinfo=dt.UTC)


def _draft(target_id, event_id, n):
    return {
        "at": AT + dt.timedelta(minutes=n),
        "actor_kind": "user",
        "actor_label": "nguyễn văn an" * 20,  # cut to 150 characters, as the bulk path does
        "actor_user_id": n or None,
        "action": "complaint.assess",
        "target_type": "complaints.complaint",
        "target_id": target_id,
        "target_label": f"KN-2026-{n:06d}",
        "before": {"status": "acknowledged", "amount": Decimal("1.50"), "due": AT, "x": None},
        "after": {
            "status": "assessed",
            "event": event_id,
            "data": {"lý do": 'Khách hàng "đồng ý"\n', "list": [1, 2.5, True], "day": AT.date()},
            "priority": "high",
        },
    }


def test_prepared_entries_hash_and_store_as_the_bulk_path_does():
    ids = [(9000 + n, 70000 + n) for n in range(4)]
    with transaction.atomic():
        audit_record_bulk([_draft(str(t), e, n) for n, (t, e) in enumerate(ids)])
        expected = list(
            AuditEntry.objects.order_by("seq").values_list(
                "seq", "hash", "seal", "prev_hash", "before", "after", "target_id", "actor_label"
            )
        )
        transaction.set_rollback(True)

    prepared = [
        audit_entry_prepare(_draft(audit_slot("target_id"), audit_slot("event"), n))
        for n in range(len(ids))
    ]
    audit_record_prepared(prepared, [{"target_id": t, "event": e} for t, e in ids])

    written = list(
        AuditEntry.objects.order_by("seq").values_list(
            "seq", "hash", "seal", "prev_hash", "before", "after", "target_id", "actor_label"
        )
    )
    assert written == expected
    assert written[1][5]["event"] == 70001 and written[1][6] == "9001"
    report = audit_verify()
    assert report.ok and report.checked == len(ids)


def test_a_before_cannot_hold_a_slot():
    draft = _draft("1", 2, 0)
    draft["before"] = {"event": audit_slot("event")}
    with pytest.raises(ValueError, match="before"):
        audit_entry_prepare(draft)
