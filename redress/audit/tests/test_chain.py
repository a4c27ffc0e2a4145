"""The audit trail detects rows altered, removed or inserted behind Redress's back.

(The seals, the key and the anchors: test_keyed.py.)"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    team = make_team()
    complaint_in_state("investigating", team)
    complaint_in_state("acknowledged", team)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) >= 6
    return entries


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_untouched_chain_verifies(chain):
    report = audit_verify()
    assert report.ok
    assert report.checked == len(chain)
    assert report.head_hash == chain[-1].hash


def test_altered_entry_is_named(chain):
    target = chain[2]
    _sql(
        "UPDATE audit_auditentry SET actor_label = %s WHERE seq = %s", ["someone-else", target.seq]
    )
    report = audit_verify()
    assert (report.problem.seq, report.problem.check, report.problem.kind) == (
        target.seq,
        "row_hash",
        "altered",
    )
    assert report.checked == 2


def test_altered_payload_is_named(chain):
    target = chain[3]
    _sql(
        "UPDATE audit_auditentry SET after = %s WHERE seq = %s",
        ['{"status": "closed"}', target.seq],
    )
    assert audit_verify().problem.seq == target.seq


def test_removed_entry_is_named(chain):
    target = chain[2]
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [target.seq])
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (target.seq, "link", "removed")


def test_removed_last_entry_is_named(chain):
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [chain[-1].seq])
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (chain[-1].seq, "head", "truncated")


def test_inserted_entry_is_named(chain):
    # Renumber to make room, then insert a forged row whose own hash is consistent.
    from redress.audit.services import entry_hash

    victim = chain[3]
    _sql("UPDATE audit_auditentry SET seq = seq + 1000 WHERE seq >= %s", [victim.seq])
    _sql("UPDATE audit_auditentry SET seq = seq - 999 WHERE seq >= %s", [victim.seq + 1000])
    forged = AuditEntry(
        seq=victim.seq,
        at=victim.at,
        actor_kind="user",
        actor_label="intruder",
        action="complaint.close",
        target_type=victim.target_type,
        target_id=victim.target_id,
        before={},
        after={},
        prev_hash=chain[2].hash,
    )
    forged.hash = entry_hash(forged)
    _sql(
        "INSERT INTO audit_auditentry (seq, at, actor_kind, actor_label, actor_user_id, action, target_type, target_id,"
        " target_label, before, after, prev_hash, hash, key_id, seal)"
        " VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, '', %s, %s, %s, %s, %s, %s)",
        [
            forged.seq,
            forged.at,
            "user",
            "intruder",
            "complaint.close",
            forged.target_type,
            forged.target_id,
            "{}",
            "{}",
            forged.prev_hash,
            forged.hash,
            victim.key_id,
            victim.seal,  # a seal copied from another row: it seals another hash
        ],
    )
    problem = audit_verify().problem
    # The forged row links to its predecessor and matches its own hash, but not its seal.
    assert (problem.seq, problem.check, problem.kind) == (victim.seq, "seal", "forged")


def test_command_exits_non_zero_and_names_the_entry(chain):
    call_command("audit", "verify")  # intact: no error
    _sql(
        "UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["complaint.close", chain[1].seq]
    )
    with pytest.raises(CommandError, match=f"#{chain[1].seq}: row hash mismatch \\(altered"):
        call_command("audit", "verify")


def test_admin_offers_no_way_to_change_or_delete(chain):
    admin = site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = type(
        "Superuser",
        (),
        {"is_superuser": True, "is_active": True, "is_staff": True, "has_perm": lambda *a: True},
    )()
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, chain[0])
    assert not admin.has_delete_permission(request, chain[0])


# --- entries appended in bulk (the import, the seed) ------------------------------------------


def _draft(n, **after):
    from redress.complaints.models import Complaint

    return {
        "at": dt.datetime(2026, 3, 1, 9, n, tzinfo=dt.UTC),
        "actor_kind": "channel",
        "actor_label": "import",
        "actor_user_id": None,
        "action": "complaint.receive",
        "target_type": Complaint._meta.label_lower,
        "target_id": str(1000 + n),
        "target_label": f"KN-2026-{n:06d}",
        "before": {},
        "after": {"event": n, **after},
    }


def test_entries_appended_in_bulk_continue_the_chain_and_verify(chain):
    from redress.audit.services import audit_record_bulk

    ids = audit_record_bulk([_draft(1), _draft(2, amount=Decimal("1500000")), _draft(3)])
    team = make_team()
    complaint_in_state("acknowledged", team)  # one entry at a time again, after them

    added = list(AuditEntry.objects.filter(pk__in=ids).order_by("seq"))
    assert [e.pk for e in added] == ids
    assert [e.seq for e in added] == [chain[-1].seq + 1, chain[-1].seq + 2, chain[-1].seq + 3]
    assert added[0].prev_hash == chain[-1].hash
    assert [e.target_label for e in added] == ["KN-2026-000001", "KN-2026-000002", "KN-2026-000003"]
    # Values are made plain JSON before hashing, as audit_record makes them.
    assert added[1].after == {"event": 2, "amount": "1500000"}
    report = audit_verify()
    assert report.ok and report.checked == AuditEntry.objects.count()


def test_entries_appended_in_bulk_hash_as_one_at_a_time():
    from redress.audit.models import AuditChainHead
    from redress.audit.services import audit_record, audit_record_bulk, entry_hash
    from redress.core.actors import Actor
    from redress.core.models import OrgUnit

    unit = OrgUnit.objects.create(code="hq", name="Trụ sở")
    draft = {
        **_draft(1),
        "target_type": unit._meta.label_lower,
        "target_id": str(unit.pk),
        "target_label": "hq",
        "before": {"status": None},
        "after": {"status": "received", "at": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)},
    }
    [pk] = audit_record_bulk([draft])
    bulk = AuditEntry.objects.get(pk=pk)
    AuditEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()

    single = audit_record(
        actor=Actor.channel("import"),
        action=draft["action"],
        target=unit,
        target_label="hq",
        before=draft["before"],
        after=draft["after"],
        at=draft["at"],
    )

    assert bulk.hash == single.hash == entry_hash(bulk)


def test_nothing_to_append_leaves_the_chain_as_it_was(chain):
    from redress.audit.services import audit_record_bulk

    assert audit_record_bulk([]) == []
    assert AuditEntry.objects.count() == len(chain)
    assert audit_verify().ok
