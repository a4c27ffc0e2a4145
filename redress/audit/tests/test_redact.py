"""Redaction (erasure of a person's data): the chain still verifies, and a redaction is itself
sealed evidence — a redacted row altered again, or a redaction forged without the key, is named."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from redress.audit.keys import entry_seal_message
from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import REDACT_ACTION, _values_hash, audit_redact, entry_hash
from redress.audit.verify import audit_verify
from redress.core.actors import Actor
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db

DPO = Actor.system("erasure-test")


@pytest.fixture
def complaint():
    team = make_team()
    return complaint_in_state("investigating", team)


def _redacted(entry):
    return {
        "before": {k: "[đã xoá]" for k in entry.before},
        "after": {k: "[đã xoá]" for k in entry.after},
        "target_label": "[đã xoá]",
    }


def test_a_redacted_chain_verifies_and_counts_the_redacted_entries(complaint, capsys):
    entries = list(AuditEntry.objects.filter(target_id=str(complaint.pk)).order_by("seq"))
    chosen = entries[:2]
    stored = {e.seq: (e.hash, e.seal, e.prev_hash) for e in AuditEntry.objects.all()}

    record = audit_redact(
        {e.seq: _redacted(e) for e in chosen}, actor=DPO, reason="erasure", target=complaint
    )

    assert record.action == REDACT_ACTION
    assert set(record.after["entries"]) == {str(e.seq) for e in chosen}
    for entry in chosen:
        fresh = AuditEntry.objects.get(seq=entry.seq)
        assert fresh.target_label == "[đã xoá]"
        assert set(fresh.after.values()) <= {"[đã xoá]"}
        # Stored hash, seal and link untouched; the redaction holds the new content's hash.
        assert (fresh.hash, fresh.seal, fresh.prev_hash) == stored[entry.seq]
        assert record.after["entries"][str(entry.seq)] == entry_hash(fresh) != fresh.hash
    report = audit_verify()
    assert report.ok, report.problem
    assert report.redacted == 2
    assert report.checked == AuditEntry.objects.count()
    call_command("audit", "verify")
    assert "2 redacted" in capsys.readouterr().out


def test_a_redacted_row_altered_again_is_named(complaint):
    entry = AuditEntry.objects.filter(target_id=str(complaint.pk)).order_by("seq").first()
    audit_redact({entry.seq: _redacted(entry)}, actor=DPO, reason="erasure", target=complaint)
    assert audit_verify().ok

    AuditEntry.objects.filter(seq=entry.seq).update(target_label="put back behind our back")

    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (entry.seq, "row_hash", "altered")


def _append_forged(after):
    """An ``audit.redact`` entry appended by someone without the key: every hash right, the head
    moved, but the seal made up."""
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEntry.objects.order_by("-seq").first()
    row = {
        "seq": last.seq + 1,
        "at": last.at,
        "actor_kind": "system",
        "actor_label": "erasure",
        "actor_user_id": None,
        "action": REDACT_ACTION,
        "target_type": last.target_type,
        "target_id": last.target_id,
        "target_label": "",
        "before": {},
        "after": after,
        "prev_hash": last.hash,
    }
    row["hash"] = _values_hash(row)
    row["key_id"] = last.key_id
    row["seal"] = hashlib.sha256(entry_seal_message(row["hash"]).encode()).hexdigest()
    AuditEntry.objects.create(**row)
    AuditChainHead.objects.filter(pk=head.pk).update(seq=row["seq"], hash=row["hash"])
    return row["seq"]


def test_a_redaction_forged_without_the_key_vouches_for_nothing(complaint):
    entry = AuditEntry.objects.filter(target_id=str(complaint.pk)).order_by("seq")[1]
    AuditEntry.objects.filter(seq=entry.seq).update(target_label="rewritten")
    rewritten = AuditEntry.objects.get(seq=entry.seq)
    _append_forged({"entries": {str(entry.seq): entry_hash(rewritten)}, "reason": "cover-up"})

    problem = audit_verify().problem

    # The altered row is named at once: the forged redaction's seal does not open.
    assert (problem.seq, problem.check, problem.kind) == (entry.seq, "row_hash", "altered")


def test_a_genuine_redaction_edited_to_cover_another_row_vouches_for_nothing(complaint):
    first, second = AuditEntry.objects.filter(target_id=str(complaint.pk)).order_by("seq")[:2]
    record = audit_redact({first.seq: _redacted(first)}, actor=DPO, reason="x", target=complaint)
    AuditEntry.objects.filter(seq=second.seq).update(target_label="rewritten")
    rewritten = AuditEntry.objects.get(seq=second.seq)
    entries = {**record.after["entries"], str(second.seq): entry_hash(rewritten)}
    AuditEntry.objects.filter(seq=record.seq).update(after={**record.after, "entries": entries})

    problem = audit_verify().problem

    # Neither row passes: the edited redaction no longer matches its own hash.
    assert (problem.seq, problem.check) == (first.seq, "row_hash")


def test_redacting_an_unknown_entry_changes_nothing(complaint):
    before = list(AuditEntry.objects.values_list("seq", "after", "target_label"))
    with pytest.raises(ValueError, match="99999"), transaction.atomic():
        audit_redact(
            {99999: {"before": {}, "after": {}, "target_label": ""}},
            actor=DPO,
            reason="x",
            target=complaint,
        )
    assert list(AuditEntry.objects.values_list("seq", "after", "target_label")) == before
