"""The checks at the end of a cluster run (tests/cluster/cluster.py, upgrade.py): nothing lost,
nothing doubled — complaints, receipts, webhooks, files — and the audit chain verifies; the
figures printed."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from faults import Faults
from load import Figures
from nodes import Cluster, wait_for


def drain(cluster: Cluster, seconds: float) -> bool:
    """Wait until every email is sent and every webhook delivered (or given up)."""

    def empty() -> bool:
        try:
            unsent = cluster.sql(
                "SELECT count(*) FROM notifications_outboundemail"
                " WHERE state NOT IN ('sent', 'bounced')"
            )[0][0]
            pending = cluster.sql(
                "SELECT count(*) FROM integrations_webhookdelivery"
                " WHERE state NOT IN ('delivered', 'failed', 'cancelled')"
            )[0][0]
        except Exception:  # noqa: BLE001 - the database coming back
            return False
        return unsent == 0 and pending == 0

    return wait_for(empty, seconds, every=1)


# --- checks ------------------------------------------------------------------------


def state(cluster: Cluster) -> dict:
    """What the database holds at the end, read directly."""
    complaints = cluster.sql("SELECT reference, subject FROM complaints_complaint")
    return {
        "complaints": [reference for reference, _subject in complaints],
        "subjects": [subject for _reference, subject in complaints],
        "unsent": cluster.sql(
            "SELECT count(*) FROM notifications_outboundemail WHERE state NOT IN ('sent', 'bounced')"
        )[0][0],
        "webhooks": cluster.sql(
            "SELECT d.event_id, d.state, c.reference FROM integrations_webhookdelivery d"
            " LEFT JOIN complaints_complaint c ON c.id = d.complaint_id"
        ),
        "attachments": cluster.sql(
            "SELECT c.reference, a.file, a.sha256, a.size FROM complaints_attachment a"
            " JOIN complaints_complaint c ON c.id = a.complaint_id"
        ),
    }


def files_whole(cluster: Cluster, figures: Figures, now: dict) -> list[str]:
    """Nothing half-written: every file sent with an accepted complaint is stored whole under its
    row, and the storage holds no file that no row points to (a refused or truncated one)."""
    problems = []
    rows: dict[str, set[str]] = {}
    for reference, name, sha256, size in now["attachments"]:
        rows.setdefault(reference, set()).add(sha256)
        path = cluster.media / name
        if not path.exists() or path.stat().st_size != size:
            problems.append(f"{reference}: {name} missing or not {size} bytes")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            problems.append(f"{reference}: {name} is not what was sent")
    for reference, files in figures.files.items():
        wanted = {hashlib.sha256(content).hexdigest() for _name, content in files}
        if rows.get(reference, set()) != wanted:
            problems.append(f"{reference}: files {sorted(rows.get(reference, set()))} not as sent")
    known = {name for _ref, name, _sha, _size in now["attachments"]}
    stored = (cluster.media / "attachments").rglob("*")
    problems += [
        f"{path.name}: stored, no row"
        for path in stored
        if path.is_file() and str(path.relative_to(cluster.media)) not in known
    ]
    return problems


def check(cluster: Cluster, figures: Figures, now: dict, faults: Faults) -> bool:
    accepted = {**figures.api_keys, **figures.portal, **figures.mails}
    in_db = Counter(now["complaints"])
    accepted_refs = Counter(accepted.values())
    lost = [ref for ref in accepted_refs if ref not in in_db]
    # Each load item has its own number in its subject: a subject twice is a complaint made
    # twice (a retry that was not recognised), or two keys answered with one complaint.
    doubled = [subject for subject, n in Counter(now["subjects"]).items() if n > 1] + [
        ref for ref, n in accepted_refs.items() if n > 1
    ]
    # Made, receipt mailed, but the client was never shown the reference (it gave up).
    unanswered = [ref for ref in in_db if ref not in accepted_refs]
    receipts: dict[str, set[str]] = {}
    raw = Counter()
    for mail in cluster.smtp.messages():
        found = re.search(r"KN-\d{4}-\d{6}", str(mail["Subject"]))
        if found and "đã nhận" in str(mail["Subject"]):
            receipts.setdefault(found.group(0), set()).add(str(mail["Message-ID"]))
            raw[found.group(0)] += 1
    no_receipt = [ref for ref in in_db if ref not in receipts]
    two_receipts = [ref for ref, ids in receipts.items() if len(ids) > 1]
    resent = sum(n - 1 for n in raw.values())
    # Webhooks: every delivery Redress recorded reached the receiver at least once (counted by
    # its id, so a repeat after a worker died mid-way is de-duplicable), and every complaint
    # had its "received" event delivered.
    heard = Counter(cluster.hooks.ids())
    deliveries = {event_id: state for event_id, state, _ref in now["webhooks"]}
    hooks_missing = [event_id for event_id in deliveries if event_id not in heard]
    hooks_again = sum(n - 1 for n in heard.values() if n > 1)
    hooks_unknown = [event_id for event_id in heard if event_id not in deliveries]
    announced = {ref for _id, _state, ref in now["webhooks"]}
    not_announced = [ref for ref in in_db if ref not in announced]
    served = cluster.rq_finished()
    files = files_whole(cluster, figures, now)
    audit = cluster.manage("audit", "verify", check=False)
    print()
    print("== figures")
    print(f"faults or steps        {len(faults.done)}: {', '.join(faults.done) or 'none'}")
    for note in faults.notes:
        print(f"                       {note}")
    print(f"fault checks failed    {len(faults.problems)} {faults.problems}")
    print(f"requests               {figures.requests} (retries {figures.retries})")
    print(f"answers                {dict(sorted(figures.answers.items()))}")
    print(
        f"complaints accepted    {len(accepted)} (API {len(figures.api_keys)}, "
        f"portal {len(figures.portal)}, mail in {len(figures.mails)})"
    )
    print(f"staff actions          {figures.actions}")
    print(f"workers restarted      {cluster.restarts} (as systemd would)")
    print(f"complaints in database {sum(in_db.values())}")
    print(f"requests given up      {len(figures.failed)} {figures.failed[:5]}")
    print(f"losses                 {len(lost)} {lost[:5]}")
    print(f"duplicates             {len(doubled)} {doubled[:5]}")
    print(f"made, not shown        {len(unanswered)} {unanswered[:5]}")
    print(
        f"receipts               {len(receipts)}; missing {len(no_receipt)} {no_receipt[:5]}; "
        f"two different receipts {len(two_receipts)}; same receipt delivered again {resent}"
    )
    print(f"outbox left unsent     {now['unsent']}")
    print(
        f"webhooks               {len(deliveries)} recorded, {len(set(heard))} received; "
        f"missing {len(hooks_missing)} {hooks_missing[:3]}; delivered again {hooks_again}; "
        f"unknown ids {len(hooks_unknown)}; complaints without one {len(not_announced)}"
    )
    print(
        f"files                  {len(now['attachments'])} stored with their complaints; "
        f"half-written or stray {len(files)} {files[:3]}"
    )
    print(f"tasks served (RQ)      {served} since the last Redis restart")
    print(
        f"audit chain            {'verifies' if audit.returncode == 0 else 'FAILS: ' + audit.stdout[-500:] + audit.stderr[-500:]}"
    )
    return (
        not faults.problems
        and not files
        and not lost
        and not doubled
        and not no_receipt
        and not two_receipts
        and not figures.failed
        and now["unsent"] == 0
        and not hooks_missing
        and not hooks_unknown
        and not not_announced
        and all(state == "delivered" for state in deliveries.values())
        and served > 0
        and audit.returncode == 0
        and len(accepted) > 0
    )
