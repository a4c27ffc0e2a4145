"""The audit trail detects rows altered, removed or inserted behind Redress's back."""

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
    assert (report.problem.seq, report.problem.kind) == (target.seq, "altered")
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
    assert (problem.seq, problem.kind) == (target.seq, "removed")


def test_removed_last_entry_is_named(chain):
    _sql("DELETE FROM audit_auditentry WHERE seq = %s", [chain[-1].seq])
    problem = audit_verify().problem
    assert (problem.seq, problem.kind) == (chain[-1].seq, "truncated")


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
        " target_label, before, after, prev_hash, hash) VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, '', %s, %s, %s, %s)",
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
        ],
    )
    problem = audit_verify().problem
    # The forged row links to its predecessor, but the original row after it no longer links.
    assert (problem.seq, problem.kind) == (victim.seq + 1, "inserted")


def test_command_exits_non_zero_and_names_the_entry(chain):
    call_command("audit", "verify")  # intact: no error
    _sql(
        "UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["complaint.close", chain[1].seq]
    )
    with pytest.raises(CommandError, match=f"#{chain[1].seq}: altered"):
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
