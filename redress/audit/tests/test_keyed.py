"""The chain is sealed with a key the database does not hold and anchored outside it: someone
who can write to the database can rewrite an entry and every hash after it, and ``verify``
still names the entry and the check that failed."""

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from redress.audit.anchors import anchors_read, audit_anchor, audit_anchor_due
from redress.audit.keys import audit_key, head_seal_message
from redress.audit.models import AuditChainHead, AuditEntry
from redress.audit.services import GENESIS, audit_record, entry_hash
from redress.audit.verify import audit_verify
from redress.core.actors import Actor
from redress.core.models import OrgUnit

pytestmark = pytest.mark.django_db


def _append(count, start=0):
    unit = OrgUnit.objects.first() or OrgUnit.objects.create(code="hq", name="Trụ sở")
    for n in range(start, start + count):
        audit_record(
            actor=Actor.system("test"),
            action="unit.change",
            target=unit,
            target_label="hq",
            before={"n": n},
            after={"n": n + 1},
        )


@pytest.fixture
def chain():
    _append(6)
    return list(AuditEntry.objects.order_by("seq"))


def _rechain(from_seq, *, key=None):
    """What an intruder with write access does after editing entry ``from_seq``: recompute every
    later plain hash and the head so that the hash chain holds again. With ``key`` (an insider
    who also has the key) the seals are recomputed as well."""
    prev = AuditEntry.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = prev = entry_hash(entry)
        fields = {"prev_hash": entry.prev_hash, "hash": entry.hash}
        if key is not None:
            fields["seal"] = key.seal(f"entry:{entry.hash}")
        AuditEntry.objects.filter(pk=entry.pk).update(**fields)
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEntry.objects.order_by("seq").last()
    fields = {"seq": last.seq, "hash": last.hash}
    if key is not None:
        fields["seal"] = key.seal(head_seal_message(last.seq, last.hash, head.legacy_until))
    AuditChainHead.objects.filter(pk=1).update(**fields)


def _edit(seq, **fields):
    AuditEntry.objects.filter(seq=seq).update(**fields)


def test_entries_and_head_are_sealed_with_the_current_key(chain):
    key = audit_key()
    assert {e.key_id for e in chain} == {key.id}
    assert all(e.seal == key.seal(f"entry:{e.hash}") for e in chain)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.key_id, head.legacy_until) == (key.id, 0)
    assert audit_verify().ok


def test_the_rechain_attack_fails_the_seal_check(chain):
    _edit(3, actor_label="someone-else", after={"n": 99})
    _rechain(3)
    report = audit_verify()
    # Every hash and the head agree again: only the seal, which needs the key, tells.
    assert (report.problem.seq, report.problem.check, report.problem.kind) == (3, "seal", "forged")
    assert report.checked == 2
    with pytest.raises(CommandError, match=r"#3: HMAC seal mismatch \(forged"):
        call_command("audit", "verify")


def test_the_rechain_attack_without_copying_the_seals_fails_too(chain):
    _edit(4, action="complaint.close", key_id="", seal="")
    _rechain(4)
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (4, "seal", "unsealed")


def test_the_head_moved_back_without_the_key_is_named(chain):
    # Cut the last entry and move the head onto the one before: the hashes all agree.
    AuditEntry.objects.filter(seq=6).delete()
    AuditChainHead.objects.filter(pk=1).update(seq=5, hash=chain[4].hash)
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (5, "head", "forged")


def test_a_wrong_key_fails_at_the_first_entry(chain, settings):
    settings.REDRESS_AUDIT_KEY = "another-key-" + "x" * 40
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (1, "seal", "unknown key")
    with pytest.raises(CommandError, match=r"#1: HMAC seal mismatch \(unknown key"):
        call_command("audit", "verify")


def test_a_rotated_key_still_verifies_what_the_old_key_sealed(chain, settings):
    old = audit_key()
    settings.REDRESS_AUDIT_OLD_KEYS = [settings.SECRET_KEY]  # the material it was derived from
    settings.REDRESS_AUDIT_KEY = "the-new-key-" + "n" * 40
    _append(2, start=10)
    new = list(AuditEntry.objects.filter(seq__gt=6))
    assert {e.key_id for e in new} == {audit_key().id} != {old.id}
    assert audit_verify().ok
    settings.REDRESS_AUDIT_OLD_KEYS = []  # the old key forgotten: its entries no longer verify
    assert audit_verify().problem.kind == "unknown key"


# --- a chain written before entries were sealed --------------------------------------------


def _legacy_chain(count):
    """A chain as it stood before sealing (no key, no seal), then the data migration."""
    _append(count)
    AuditEntry.objects.update(key_id="", seal="")
    AuditChainHead.objects.filter(pk=1).update(key_id="", seal="", legacy_until=0)
    migration = importlib.import_module("redress.audit.migrations.0004_legacy_boundary")
    migration.mark_legacy(apps, None)


def test_a_legacy_chain_still_verifies_and_continues_sealed():
    _legacy_chain(4)
    hashes = list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True))
    report = audit_verify()
    assert report.ok and (report.checked, report.legacy_until) == (4, 4)

    _append(2, start=10)

    # History is not rewritten: the legacy entries keep their hashes and have no seal.
    legacy = AuditEntry.objects.filter(seq__lte=4).order_by("seq")
    assert [e.hash for e in legacy] == hashes
    assert {(e.key_id, e.seal) for e in legacy} == {("", "")}
    assert set(AuditEntry.objects.filter(seq__gt=4).values_list("key_id", flat=True)) == {
        audit_key().id
    }
    report = audit_verify()
    assert report.ok and (report.checked, report.legacy_until) == (6, 4)


def test_an_entry_unsealed_after_the_legacy_ones_is_named():
    _legacy_chain(3)
    _append(3, start=10)
    _edit(5, key_id="", seal="")
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (5, "seal", "unsealed")


# --- anchors outside the database ----------------------------------------------------------


def test_an_anchor_is_a_signed_line_outside_the_database(chain, settings):
    anchor = audit_anchor()
    [line] = settings.REDRESS_AUDIT_ANCHOR_FILE.read_text().splitlines()
    data = json.loads(line)
    assert (data["seq"], data["hash"], data["legacy_until"]) == (6, chain[-1].hash, 0)
    assert data["key_id"] == audit_key().id and len(data["sig"]) == 64
    assert anchors_read() == [anchor.__class__(1, data["at"], 6, chain[-1].hash, 0, data["key_id"])]
    report = audit_verify()
    assert report.ok and report.anchors == 1 and report.last_anchor.seq == 6


def test_a_rechain_with_the_key_is_caught_by_the_anchor(chain):
    audit_anchor()  # the head as it was: #6
    _append(2, start=10)
    # An insider holding the key too rewrites entry #2 and reseals everything after it.
    _edit(2, actor_label="someone-else")
    _rechain(2, key=audit_key())
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (6, "anchor", "rewritten")
    with pytest.raises(CommandError, match=r"#6: differs from the anchor \(rewritten"):
        call_command("audit", "verify")


def test_a_chain_cut_before_its_last_anchor_is_named(chain):
    audit_anchor()
    AuditEntry.objects.filter(seq__gte=5).delete()
    _rechain(4, key=audit_key())  # the head resealed on #4
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (5, "anchor", "truncated")


def test_a_chain_stripped_of_its_seals_is_caught_by_the_anchor(chain):
    audit_anchor()
    # Seals removed and every entry declared legacy: the chain alone would pass as legacy.
    AuditEntry.objects.update(key_id="", seal="")
    AuditChainHead.objects.filter(pk=1).update(legacy_until=6, key_id="", seal="")
    problem = audit_verify().problem
    assert (problem.seq, problem.check, problem.kind) == (1, "anchor", "unsealed")


def test_a_forged_anchor_line_is_named(chain, settings):
    audit_anchor()
    path = settings.REDRESS_AUDIT_ANCHOR_FILE
    path.write_text(path.read_text().replace('"seq":6', '"seq":5'))
    problem = audit_verify().problem
    assert (problem.check, problem.kind) == ("anchor", "unreadable")
    assert "line 1: its signature does not match" in problem.detail


def test_verify_reads_a_shipped_copy_of_the_anchors(chain, settings, tmp_path, capsys):
    audit_anchor()
    shipped = tmp_path / "shipped.log"
    shipped.write_text(settings.REDRESS_AUDIT_ANCHOR_FILE.read_text())
    settings.REDRESS_AUDIT_ANCHOR_FILE.unlink()  # the local file lost, or emptied by an intruder
    _edit(6, actor_label="x")
    _rechain(6, key=audit_key())
    call_command("audit", "verify")  # no local anchor: nothing to compare with
    assert "no anchor yet" in capsys.readouterr().out
    with pytest.raises(CommandError, match=r"#6: differs from the anchor"):
        call_command("audit", "verify", "--anchors", str(shipped))


def test_the_periodic_job_anchors_when_the_chain_has_grown(chain, settings):
    path = settings.REDRESS_AUDIT_ANCHOR_FILE
    assert audit_anchor_due() is not None  # the first anchor
    assert audit_anchor_due() is None  # nothing new
    _append(1, start=10)
    assert audit_anchor_due() is None  # grown, but the last anchor is recent
    settings.REDRESS_AUDIT_ANCHOR_MINUTES = 0
    assert audit_anchor_due().seq == 7
    assert [a.seq for a in anchors_read()] == [6, 7]
    assert len(path.read_text().splitlines()) == 2
    assert audit_verify().ok


def test_the_periodic_job_is_registered_and_skips_an_empty_chain(settings):
    from redress.core.management.commands.worker import periodic_jobs

    assert ("audit anchor", audit_anchor_due) in periodic_jobs()
    assert audit_anchor_due() is None
    assert not settings.REDRESS_AUDIT_ANCHOR_FILE.exists()


def test_the_command_anchors_and_verify_reports_the_anchors(chain, capsys):
    call_command("audit", "anchor")
    assert "anchored entry #6" in capsys.readouterr().out
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain intact: 6 entries, head" in out
    assert "agrees with its 1 anchor(s); the last" in out and "anchors entry #6" in out


def test_anchor_times_are_utc(chain):
    anchor = audit_anchor()
    at = dt.datetime.fromisoformat(anchor.at)
    assert at.utcoffset() == dt.timedelta(0)
    assert abs(timezone.now() - at) < dt.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chain_written_before_sealing_migrates_without_being_rewritten():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from redress.audit.services import _values_hash

    before_sealing = [("audit", "0002_chain_head")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_sealing)
    old = executor.loader.project_state(before_sealing).apps
    Entry, Head = old.get_model("audit", "AuditEntry"), old.get_model("audit", "AuditChainHead")
    prev = GENESIS
    for seq in (1, 2, 3):
        row = {
            "seq": seq,
            "at": dt.datetime(2026, 1, seq, tzinfo=dt.UTC),
            "actor_kind": "system",
            "actor_label": "test",
            "actor_user_id": None,
            "action": "unit.change",
            "target_type": "core.orgunit",
            "target_id": "1",
            "target_label": "hq",
            "before": {},
            "after": {"n": seq},
            "prev_hash": prev,
        }
        prev = _values_hash(row)
        Entry.objects.create(**row, hash=prev)
    Head.objects.update_or_create(pk=1, defaults={"seq": 3, "hash": prev})
    written = list(Entry.objects.order_by("seq").values_list("seq", "hash"))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))

    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "hash")) == written
    report = audit_verify()
    assert report.ok and (report.checked, report.legacy_until) == (3, 3)
    _append(1)
    assert AuditEntry.objects.get(seq=4).key_id == audit_key().id
    assert audit_verify().ok
