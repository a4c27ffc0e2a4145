"""The multi-node test (``make cluster-test``, docs/deployment.md "Cluster test").

On this machine, in a temporary directory, it starts the layout of docs/deployment.md: its own
PostgreSQL (initdb, on a free port), its own Redis, an SMTP server (aiosmtpd), two gunicorn app
servers on different loopback ports, nginx in front of them, two RQ workers, the attachment
storage on a filesystem of its own. It drives a mixed load through nginx at concurrency 8 —
API intake with Idempotency-Keys (half with a photo), portal submissions, mail in through the
inbound-mail webhook, staff actions through the API (tests/cluster/load.py) — while it injects
every fault of tests/cluster/faults.py one after another: an app server stopped, the workers
killed with SIGKILL while a mail and a webhook are being sent, the SMTP server down then back,
Redis restarted, PostgreSQL restarted in the middle of API intake, the attachment storage full
then read-only. Clients retry as real ones do (same Idempotency-Key, same portal form, same
Message-ID). The load runs until every fault is injected and every kind of request has been
made a few times over; then the test waits for the outbox to drain, checks that nothing was
lost or doubled (complaints, receipts, webhooks, files), that the audit chain verifies, and
prints the figures.

``--upgrade`` runs the upgrade test instead (tests/cluster/upgrade.py): the previous release's
code serving under load while this checkout's ``migrate`` runs.

Exit status 0 when every check holds. ``--no-faults`` runs the load alone; ``--keep`` leaves
the temporary directory (logs of every process) for a look.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from checks import check, drain, state
from faults import FAULTS, Faults
from load import Figures, drive
from nodes import CONCURRENCY, Cluster, Smtp, log

# At least this many of each kind of request, faults or not: enough for every path to meet a
# fault, few enough to keep the run short.
MINIMUM = {"api": 30, "portal": 10, "mail": 10, "staff": 5}


def enough(figures: Figures, started: float, seconds: float) -> bool:
    made = figures.kinds()
    return time.monotonic() - started >= seconds and all(
        made[kind] >= count for kind, count in MINIMUM.items()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=10, help="the least length of the load (default 10)"
    )
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--upgrade", action="store_true", help="the upgrade test instead")
    parser.add_argument("--old", default="", help="with --upgrade: the previous release's commit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="redress-cluster-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - the postgres user reaches its data directory
    cluster = Cluster(tmp=tmp, smtp=Smtp())
    ok = False
    try:
        if options.upgrade:
            from upgrade import upgrade_test

            ok = upgrade_test(cluster, options.old)
        else:
            ok = cluster_test(cluster, options)
    finally:
        cluster.down()
        if options.keep or not ok:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"cluster test: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def cluster_test(cluster: Cluster, options: argparse.Namespace) -> bool:
    intake, staff = cluster.up("tiepnhan", "quanly")
    figures = Figures()
    supervising = threading.Event()
    cluster.supervise(supervising)
    faults = Faults(cluster, figures, intake)
    if options.no_faults:
        faults.finished.set()
    else:
        faults.start()
    log(f"load at concurrency {CONCURRENCY} through nginx until every fault is injected")
    load_started = time.monotonic()
    drive(
        cluster,
        figures,
        intake,
        staff,
        lambda: faults.finished.is_set() and enough(figures, load_started, options.seconds),
    )
    log(f"load done in {time.monotonic() - load_started:.0f} s; waiting for the outbox to drain")
    for index in (0, 1):
        if cluster.apps[index] is None:
            cluster.app_start(index)
        if cluster.workers[index] is None:
            cluster.worker_start(index)
    if cluster.smtp.controller is None:
        cluster.smtp.start()
    drained = drain(cluster, 180)
    supervising.set()
    now = state(cluster)
    ok = check(cluster, figures, now, faults)
    if not drained:
        print("the outbox did not drain in 180 s")
    if not options.no_faults and len(faults.done) < len(FAULTS):
        print(f"only {len(faults.done)} of {len(FAULTS)} faults were injected")
        ok = False
    return ok and drained


if __name__ == "__main__":
    sys.exit(main())
