"""The upgrade test (``make upgrade-test``, docs/deployment.md "Upgrades"): the previous
release's code serves the cluster's load while this checkout's ``migrate`` runs, as an upgrade
without downtime does it.

The previous release is the latest commit of this branch's first-parent history whose migration
files are exactly those of deploy/released-migrations.txt (or ``--old COMMIT``). Its code is
exported (``git archive``) into the test's directory; the cluster comes up on it (its
migrations, its demo organisation, its app servers and workers) and the load starts. Then:

1. this checkout's ``manage.py migrate`` runs against the same database, under the load;
2. the old code goes on serving the migrated database for a while;
3. the app servers are restarted one by one on the new code (the proxy sends the load to the
   other one meanwhile), then the workers;
4. the new code serves the load for a while.

Checked at the end: the migration succeeded; no request failed while it ran (no 5xx, no
connection refused); a restart failed no more requests than it had in flight; every complaint
accepted is there once, with its receipt and its webhook, from whichever code took it; the new
code made complaints and acted on the old code's; the audit chain verifies with the new code.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import tarfile
import threading
import time

from checks import check, drain, state
from faults import Faults
from load import Figures, drive
from nodes import CONCURRENCY, ROOT, Cluster, log, wait_for

MIGRATION = re.compile(r"^redress/([a-z_]+)/migrations/(0\w*)\.py$")


def git(*argv: str) -> str:
    return subprocess.run(  # noqa: S603
        ["git", *argv],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def released_migrations() -> set[str]:
    text = (ROOT / "deploy" / "released-migrations.txt").read_text()
    return {line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"}


def migrations_at(commit: str) -> set[str]:
    names = git("ls-tree", "-r", "--name-only", commit, "--", "redress").splitlines()
    return {f"{found.group(1)}.{found.group(2)}" for found in map(MIGRATION.match, names) if found}


def previous_release() -> str:
    """The latest commit (first parents from HEAD) whose migrations are the released ones."""
    released = released_migrations()
    for commit in git("rev-list", "--first-parent", "--max-count=500", "HEAD").split():
        if migrations_at(commit) == released:
            return commit
    raise RuntimeError("no commit has the migrations of deploy/released-migrations.txt")


def export(commit: str, into: os.PathLike) -> None:
    archive = subprocess.run(  # noqa: S603
        ["git", "archive", "--format=tar", commit],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


class Upgrade(Faults):
    """The upgrade's steps, run beside the load; ``done``, ``notes`` and ``problems`` as the
    faults' are."""

    migrated_at_failures: int = 0
    new_code_from: int = 0

    def sequence(self) -> None:
        cluster, figures = self.cluster, self.figures
        wait_for(lambda: figures.accepted >= 8, 120)

        failed = figures.failures()
        log("new release's migrate, under the previous release's load")
        started = time.monotonic()
        migrate = cluster.manage("migrate", "--noinput", "-v", "1", check=False, code=ROOT)
        took = time.monotonic() - started
        applied = re.findall(r"Applying (\S+)", migrate.stdout)
        failed = figures.failures() - failed
        self.done.append("migrate under load")
        self.notes.append(
            f"migrate: {len(applied)} migrations in {took:.0f} s ({', '.join(applied)}); "
            f"requests failed meanwhile: {failed}"
        )
        if migrate.returncode != 0:
            self.problems.append(f"migrate failed: {migrate.stderr[-1500:]}")
        if failed:
            self.problems.append(f"{failed} requests failed while migrate ran")
        log(f"migrated in {took:.0f} s; the previous release serves the new schema")
        self.accepted_more(8, 60)

        cluster.code = ROOT
        for index in (0, 1):
            failed, in_flight = figures.failures(), figures.in_flight
            log(f"app server {index + 1} restarted on the new release")
            cluster.app_stop(index)
            cluster.app_back(index)
            failed = figures.failures() - failed
            self.notes.append(
                f"app server {index + 1} restarted on the new release: {in_flight} requests in "
                f"flight, {failed} answered 5xx or not at all"
            )
            if failed > in_flight:
                self.problems.append(
                    f"app server {index + 1} restarted: {failed} failures > {in_flight} in flight"
                )
        self.done.append("app servers restarted on the new release")
        for index in (0, 1):
            worker, cluster.workers[index] = cluster.workers[index], None
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)  # warm shutdown: the task at hand ends
                worker.wait(60)
            cluster.worker_start(index)
        self.done.append("workers restarted on the new release")
        log("the new release serves")
        self.new_code_from = figures.accepted
        self.accepted_more(12, 90)


def upgrade_test(cluster: Cluster, old: str) -> bool:
    commit = old or previous_release()
    cluster.code = cluster.tmp / "previous"
    export(commit, cluster.code)
    log(f"previous release: {git('log', '-1', '--format=%h %ad %s', '--date=short', commit)[:100]}")
    intake, staff = cluster.up("tiepnhan", "quanly")
    figures = Figures()
    supervising = threading.Event()
    cluster.supervise(supervising)
    steps = Upgrade(cluster, figures, intake)
    steps.start()
    log(f"load at concurrency {CONCURRENCY} through nginx for the whole upgrade")
    drive(cluster, figures, intake, staff, steps.finished.is_set)
    log("load done; waiting for the outbox to drain")
    drained = drain(cluster, 180)
    supervising.set()
    now = state(cluster)
    after = figures.accepted - steps.new_code_from
    steps.notes.append(f"complaints accepted by the new release: {after}")
    if steps.new_code_from == 0 or after <= 0:
        steps.problems.append("the new release accepted no complaint")
    ok = check(cluster, figures, now, steps)
    if not drained:
        print("the outbox did not drain in 180 s")
    return ok and drained and len(steps.done) == 3
