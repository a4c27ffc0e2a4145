"""Benchmark of the queues and deadlines at scale (issue 19, items 1 and 2; issue 12, item 9):
the queue pages, their filters (overdue, due soon), the landing page and the manager's
dashboard for a complaints manager and a handler, and the API's list filtered by overdue (warm,
and after ``DISCARD ALL``), beside the cheapest request on the same stack.

    uv run python bench/scale_queue_bench.py DATABASE [--repeat 20]

DATABASE is an already seeded and migrated PostgreSQL database on the local server (e.g. a
clone of ``redress_1m_template``, or one made with ``manage.py seed --complaints 100000``); it
is only read, but for the bench's own users, memberships and token. Requests go through
Django's test client in process (view, template, every query; no network). The same script
runs against an older checkout for a before/after comparison (it uses only what both have).
It prints p50 and p95 in milliseconds, the ratio of p50 to the cheapest request's, the number
of queries per request and the load average at the start and end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PG = "postgres://postgres@127.0.0.1:5432"
# The bench handler's open complaints in their unit, and in other units.
CASELOAD, MOVED = 400, 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share + 0.5) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument(
        "--restarts",
        type=int,
        default=0,
        help="then time the overdue lists on the first request after each of N restarts of the"
        " local PostgreSQL (pg_ctlcluster, as root; its own cache emptied, the system's kept)",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDRESS_LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, args.root)
    import django

    django.setup()
    from redress.core import startup

    # As the web server starts (config/wsgi.py), where the code measured has it.
    if hasattr(startup, "heap_settle"):
        startup.heap_settle()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from redress.complaints.models import Category, Complaint
    from redress.core.actors import Actor
    from redress.core.models import Membership, OrgUnit, User
    from redress.core.roles import Role
    from redress.core.testing import second_factor_verified
    from redress.integrations.services import token_create

    top_units = list(OrgUnit.objects.filter(parent__isnull=True))
    manager, _ = User.objects.get_or_create(username="bench-queue-manager")
    for unit in top_units:
        Membership.objects.get_or_create(user=manager, unit=unit, role=Role.COMPLAINTS_MANAGER)
    # A handler of the busiest unit with a handler's caseload: the seed shares every owned
    # complaint between its few handlers whatever their unit (hundreds of thousands each at 1M),
    # which no organisation has; the bench's handler owns CASELOAD open complaints of their
    # unit and a few of other units (moved to them), and the tally is rebuilt to match.
    busiest = (
        Complaint.objects.values_list("unit_id", flat=True)
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    handler, _ = User.objects.get_or_create(username="bench-queue-handler")
    Membership.objects.get_or_create(user=handler, unit_id=busiest, role=Role.HANDLER)
    if not Complaint.objects.filter(owner=handler).exists():
        from redress.complaints.queue_tally import queue_tally_rebuild

        open_ones = Complaint.objects.exclude(status="closed").order_by("-received_at")
        mine = list(open_ones.filter(unit_id=busiest).values_list("pk", flat=True)[:CASELOAD])
        mine += list(open_ones.exclude(unit_id=busiest).values_list("pk", flat=True)[:MOVED])
        Complaint.objects.filter(pk__in=mine).update(owner=handler)
        queue_tally_rebuild()
    token = token_create(
        actor=Actor.system("bench"),
        user=manager,
        name="bench-queue",
        scopes=["read"],
        rate_limit_per_minute=1000000,
    ).raw
    api_headers = {"Authorization": f"Bearer {token}", "Accept-Language": "vi"}
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()

    def timed(client: Client, path: str, headers: dict[str, str], discard: bool = False):
        results, queries = [], 0
        client.get(path, headers=headers)  # warm up
        for _ in range(args.repeat):
            if discard:
                with connection.cursor() as cursor:
                    cursor.execute("DISCARD ALL")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                answer = client.get(path, headers=headers)
                results.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
            assert answer.status_code == 200, (path, answer.status_code)
        return results, queries

    total = Complaint.objects.count()
    open_count = Complaint.objects.exclude(status="closed").count()
    load_start = os.getloadavg()
    print(f"{total} complaints ({open_count} open), database {args.database}, code {args.root}")
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    api = Client()
    rows = [("GET /api/v1/categories (cheapest)", *timed(api, "/api/v1/categories", api_headers))]
    cheapest = statistics.median(rows[0][1])
    print(f"{'request':<48} {'p50 ms':>8} {'p95 ms':>8} {'p50/cheapest':>13} {'queries':>8}")

    def show(label: str, values: list[float], queries: int) -> None:
        p50 = statistics.median(values)
        print(
            f"{label:<48} {p50:8.1f} {percentile(values, 0.95):8.1f}"
            f" {p50 / cheapest:13.1f} {queries:8d}",
            flush=True,
        )

    show(*rows[0])
    filtered = f"?status=investigating&category={category}&deadline=overdue"
    pages = [
        ("landing page /staff/", "/staff/"),
        ("home queue", "/staff/queue/{home}/"),
        ("unit queue", "/staff/queue/unit/"),
        ("all, page 50", "/staff/queue/all/?page=50"),
        ("overdue queue", "/staff/queue/overdue/"),
        ("due soon queue", "/staff/queue/due_soon/"),
        ("all, filter overdue", "/staff/queue/all/?deadline=overdue"),
        ("all, filter due soon", "/staff/queue/all/?deadline=due_soon"),
        ("all, status+category+overdue", "/staff/queue/all/" + filtered),
    ]
    for label, person, home in (
        ("manager", manager, "unassigned"),
        ("handler", handler, "mine"),
    ):
        staff = Client()
        staff.force_login(person)
        second_factor_verified(staff, person)
        for name, path in pages:
            rows.append((f"{label}: {name}", *timed(staff, path.format(home=home), {})))
            show(*rows[-1])
    rows.append(
        ("API list ?overdue=true", *timed(api, "/api/v1/complaints?overdue=true", api_headers))
    )
    show(*rows[-1])
    rows.append(
        (
            "API list ?overdue=true after DISCARD ALL",
            *timed(api, "/api/v1/complaints?overdue=true", api_headers, discard=True),
        )
    )
    show(*rows[-1])
    if args.restarts:
        cold = [
            ("API list ?overdue=true", api, "/api/v1/complaints?overdue=true", api_headers),
            ("manager: overdue queue", manager, "/staff/queue/overdue/", {}),
            ("handler: all, filter overdue", handler, "/staff/queue/all/?deadline=overdue", {}),
        ]
        for label, who, path, headers in cold:
            client = who if isinstance(who, Client) else Client()
            if not isinstance(who, Client):
                client.force_login(who)
                second_factor_verified(client, who)
            results = []
            for _ in range(args.restarts):
                connection.close()
                postgres_restart()
                started = time.perf_counter()
                answer = client.get(path, headers=headers)
                results.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
            show(f"{label}, first after a restart", results, 0)
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")


def postgres_restart() -> None:
    """Restart the local PostgreSQL and wait until it takes connections (its shared buffers are
    then empty; the operating system's file cache is not)."""
    import subprocess

    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
        check=True,
    )
    for _ in range(60):
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False)  # noqa: S603, S607
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


if __name__ == "__main__":
    main()
