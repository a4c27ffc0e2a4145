"""The multi-node test (``make cluster-test``, docs/deployment.md "Cluster test").

On this machine, in a temporary directory, it starts the layout of docs/deployment.md: its own
PostgreSQL (initdb, on a free port), its own Redis, an SMTP server (aiosmtpd), two gunicorn app
servers on different loopback ports, nginx in front of them, and two RQ workers. It drives a
mixed load through nginx — portal submissions, API intake with Idempotency-Keys at concurrency
8, staff actions through the API — while it injects faults one after another: an app server
stopped, a worker killed with SIGKILL while mail is being sent, the SMTP server down then back,
Redis restarted, PostgreSQL restarted in the middle of intake. Clients retry as a real
integration does (same Idempotency-Key, same portal form token). At the end it checks that
every accepted complaint is there once, every receipt reached the SMTP server (once per
complaint, counted by Message-ID) and the audit chain verifies, and prints the figures.

Exit status 0 when every check holds. ``--no-faults`` runs the load alone; ``--keep`` leaves
the temporary directory (logs of every process) for a look.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from nodes import CONCURRENCY, Cluster, Smtp, log  # noqa: E402 - run as a script

# --- load --------------------------------------------------------------------------


@dataclass
class Figures:
    requests: int = 0
    retries: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    api_keys: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> reference
    portal: dict[str, str] = field(default_factory=dict)  # form token -> reference
    mails: dict[str, str] = field(default_factory=dict)  # Message-ID -> reference
    actions: int = 0
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None, retry: bool) -> None:
        with self.lock:
            self.requests += 1
            self.retries += retry
            self.answers[status or 0] += 1


def with_retries(figures: Figures, send, attempts: int = 40):
    """Send until an answer that is not a failure of the infrastructure; as an integration
    retries: the same key, backing off up to 2 s."""
    for attempt in range(attempts):
        try:
            response = send()
            status = response.status_code
        except requests.RequestException:
            response, status = None, None
        figures.count(status, attempt > 0)
        if status is not None and status < 500 and status != 429:
            return response
        time.sleep(min(2.0, 0.2 * (attempt + 1)))
    return None


def api_intake(cluster: Cluster, token: str, figures: Figures, number: int) -> None:
    key = f"cluster-{uuid.uuid4()}"
    body = {
        "complainant": {"full_name": f"Khách hàng {number}", "email": f"kh{number}@example.test"},
        "channel": "phone",
        "unit": "care",
        "subject": f"Hóa đơn bị tính hai lần ({number})",
        "description": f"Tôi bị trừ tiền hai lần cho hóa đơn HD-{number}.",
    }
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/api/v1/complaints", json=body, headers=headers, timeout=30
        ),
    )
    if response is None or response.status_code not in (200, 201):
        figures.failed.append(
            f"api {key}: {'no answer' if response is None else response.text[:200]}"
        )
        return
    with figures.lock:
        figures.api_keys[key] = response.json()["reference"]


def portal_submission(cluster: Cluster, figures: Figures, number: int) -> None:
    session = requests.Session()
    page = with_retries(figures, lambda: session.get(f"{cluster.base}/vi/complain/", timeout=30))
    if page is None:
        figures.failed.append(f"portal form {number}")
        return
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    data = {
        "csrfmiddlewaretoken": csrf,
        "form_token": token,
        "hp_contact": "",
        "on_behalf": "self",
        "full_name": f"Người dân {number}",
        "email": f"dan{number}@example.test",
        "phone": "",
        "preferred_channel": "email",
        "preferred_language": "vi",
        "subject": f"Dịch vụ bị gián đoạn ({number})",
        "description": f"Dịch vụ của tôi bị gián đoạn từ hôm qua, mã khách hàng {number}.",
        "consent": "on",
    }
    # The complainant presses "send" again until the receipt shows: the same form (its token)
    # lands on the same complaint, however the first sending ended.
    found = None
    for _again in range(10):
        response = with_retries(
            figures,
            lambda: session.post(
                f"{cluster.base}/vi/complain/",
                data=data,
                timeout=30,
                headers={"Referer": f"{cluster.base}/vi/complain/"},
            ),
        )
        found = re.search(r"KN-\d{4}-\d{6}", response.text) if response is not None else None
        if found is not None:
            break
        with figures.lock:
            figures.retries += 1  # the next sending is a retry
        time.sleep(1)
    if found is None:
        figures.failed.append(
            f"portal {number}: {None if response is None else response.status_code}"
        )
        return
    with figures.lock:
        figures.portal[token] = found.group(0)


def mail_in(cluster: Cluster, figures: Figures, number: int) -> None:
    """An email posted to the inbound-mail webhook by a relay, which retries the same message
    (its Message-ID) until Redress answers."""
    message_id = f"<cluster-{uuid.uuid4()}@mail.example.test>"
    raw = (
        f"From: Người gửi {number} <thu{number}@example.test>\r\n"
        "To: khieunai@example.test\r\n"
        f"Subject: Thư khiếu nại số ({number})\r\n"
        f"Message-ID: {message_id}\r\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0700\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"Tôi chưa nhận được hàng của đơn DH-{number} sau hai tuần.\r\n"
    ).encode()
    headers = {
        "Authorization": f"Bearer {cluster.mail_secret}",
        "Content-Type": "message/rfc822",
    }
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/intake/mail/", data=raw, headers=headers, timeout=30
        ),
    )
    reference = response.json().get("reference") if response is not None and response.ok else None
    if not reference:
        figures.failed.append(
            f"mail {number}: {'no answer' if response is None else response.text[:200]}"
        )
        return
    with figures.lock:
        figures.mails[message_id] = reference


def staff_action(cluster: Cluster, token: str, figures: Figures) -> None:
    with figures.lock:
        references = list(figures.api_keys.values())[-20:]
    if not references:
        return
    reference = secrets.choice(references)
    response = with_retries(
        figures,
        lambda: requests.post(
            f"{cluster.base}/api/v1/complaints/{reference}/actions/acknowledge",
            json={},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ),
    )
    if response is not None and response.status_code == 200:
        with figures.lock:
            figures.actions += 1


def drive(cluster: Cluster, figures: Figures, seconds: float, intake: str, staff: str) -> None:
    """A mixed load at concurrency 8 for ``seconds``: of 10, 6 API intake, 2 portal, 1 mail in
    through the inbound-mail webhook, 1 staff action."""
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def client(slot: int) -> None:
        while time.monotonic() < stop:
            number = next(counter)
            kind = number % 10
            if kind < 6:
                api_intake(cluster, intake, figures, number)
            elif kind < 8:
                portal_submission(cluster, figures, number)
            elif kind < 9:
                mail_in(cluster, figures, number)
            else:
                staff_action(cluster, staff, figures)

    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(client, range(CONCURRENCY)))


# --- faults ------------------------------------------------------------------------


FAULTS = (
    "app server stopped",
    "worker SIGKILL",
    "SMTP down",
    "Redis restarted",
    "PostgreSQL restarted",
)


def faults(cluster: Cluster, stop: threading.Event) -> list[str]:
    done: list[str] = []

    def pause(seconds: float) -> bool:
        return not stop.wait(seconds)

    def run() -> None:
        if not pause(4):
            return
        log("fault: app server 1 stopped under load")
        cluster.app_stop(0)
        done.append("app server stopped")
        if not pause(5):
            return
        cluster.app_start(0)
        log("app server 1 back")
        log("fault: worker 1 killed with SIGKILL")
        cluster.worker_kill(0)
        done.append("worker SIGKILL")
        if not pause(3):
            return
        cluster.worker_start(0)
        log("fault: SMTP server down")
        cluster.smtp.stop()
        done.append("SMTP down")
        if not pause(8):
            return
        cluster.smtp.start()
        log("SMTP back; fault: Redis restarted")
        cluster.redis_stop()
        done.append("Redis restarted")
        time.sleep(2)
        cluster.redis_start()
        if not pause(4):
            return
        log("fault: PostgreSQL restarted mid-intake")
        cluster.postgres("restart")
        done.append("PostgreSQL restarted")
        log("PostgreSQL back")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.done = done  # type: ignore[attr-defined]
    return done


# --- checks ------------------------------------------------------------------------

REPORT = """
import json
from redress.complaints.models import Complaint
from redress.notifications.models import OutboundEmail
from redress.integrations.models import WebhookDelivery
print(json.dumps({
    "complaints": list(Complaint.objects.values_list("reference", flat=True)),
    "subjects": list(Complaint.objects.values_list("subject", flat=True)),
    "unsent": OutboundEmail.objects.exclude(state__in=["sent", "bounced"]).count(),
    "webhooks": list(WebhookDelivery.objects.values_list("event_id", "state", "complaint__reference")),
}))
"""


def state(cluster: Cluster) -> dict:
    return json.loads(cluster.manage("shell", "-c", REPORT).stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45, help="length of the load")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="redress-cluster-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - the postgres user reaches its data directory
    cluster = Cluster(tmp=tmp, smtp=Smtp())
    ok = False
    try:
        cluster.up()
        intake, staff = cluster.tokens("tiepnhan", "quanly")
        figures = Figures()
        stop = threading.Event()
        supervising = threading.Event()
        cluster.supervise(supervising)
        injected = [] if options.no_faults else faults(cluster, stop)
        log(f"load: {options.seconds:.0f} s at concurrency {CONCURRENCY} through nginx")
        drive(cluster, figures, options.seconds, intake, staff)
        stop.set()
        if cluster.apps[0] is None:
            cluster.app_start(0)
        if cluster.workers[0] is None:
            cluster.worker_start(0)
        if cluster.smtp.controller is None:
            cluster.smtp.start()
        log("load done; waiting for the outbox to drain")
        deadline = time.monotonic() + 120
        while True:
            now = state(cluster)
            pending = [w for w in now["webhooks"] if w[1] not in ("delivered", "failed")]
            if (now["unsent"] == 0 and not pending) or time.monotonic() > deadline:
                break
            time.sleep(3)
        supervising.set()
        ok = check(cluster, figures, now, injected)
        if not options.no_faults and len(injected) < len(FAULTS):
            print(f"only {len(injected)} of {len(FAULTS)} faults were injected: a longer --seconds")
            ok = False
    finally:
        cluster.down()
        if options.keep or not ok:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"cluster test: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def check(cluster: Cluster, figures: Figures, now: dict, injected: list[str]) -> bool:
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
    audit = cluster.manage("audit", "verify", check=False)
    print()
    print("== figures")
    print(f"faults injected        {', '.join(injected) or 'none'}")
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
    print(f"tasks served (RQ)      {served} since the last Redis restart")
    print(
        f"audit chain            {'verifies' if audit.returncode == 0 else 'FAILS: ' + audit.stdout[-500:] + audit.stderr[-500:]}"
    )
    return (
        not lost
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


if __name__ == "__main__":
    sys.exit(main())
