"""``shared_buffers`` at a million complaints: the stock 128 MB against a production size
(docs/deployment.md, "PostgreSQL settings"), alternating, on a seeded database.

    DATABASE=redress_1m uv run python bench/shared_buffers_bench.py [--sizes 128MB,6GB]
        [--rounds 2] [--repeat 15]

The setting needs a restart of PostgreSQL, so this runs only against the local server (its
``pg_ctlcluster``), which it restarts for each size and round and leaves at the stock size
(``ALTER SYSTEM RESET``) when it ends. For each size it times, in process through Django's test
client, the first request after the restart (PostgreSQL's own cache empty, the operating
system's file cache still full) and then the same request ``--repeat`` times, warm: the
manager's dashboard, a manager's and a handler's queue pages, the API's overdue list and
``/api/v1/kpis`` for the year, beside the cheapest request (``/api/v1/categories``).

Run ``bench/scale_queue_bench.py DATABASE`` once before: it makes the bench's handler (a
caseload in the busiest unit) and its manager.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def postgres_set(size: str | None) -> None:
    """Set ``shared_buffers`` (None: back to the stock value) and restart PostgreSQL."""
    from scale_queue_bench import postgres_restart  # beside this file

    statement = (
        "ALTER SYSTEM RESET shared_buffers"
        if size is None
        else f"ALTER SYSTEM SET shared_buffers = '{size}'"
    )
    subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],  # noqa: S607
        check=True,
    )
    postgres_restart()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="128MB,6GB")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"{PG}/{os.environ.get('DATABASE', 'redress_1m')}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDRESS_LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from analytics_bench import top_management_token  # beside this file
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from redress.analytics.request import default_period
    from redress.complaints.models import Complaint
    from redress.core.models import User
    from redress.core.testing import second_factor_verified

    manager = User.objects.get(username="bench-queue-manager")
    handler = User.objects.get(username="bench-queue-handler")
    _top, token = top_management_token("bench-shared-buffers")
    latest = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True)[0]
    period = default_period(timezone.localtime(latest).date())
    year = f"?from={period.first.isoformat()}&to={period.last.isoformat()}"
    api = {"Authorization": f"Bearer {token}", "Accept-Language": "vi"}

    def staff(person: User) -> Client:
        client = Client()
        client.force_login(person)
        second_factor_verified(client, person)
        return client

    clients = {"api": Client(), "manager": staff(manager), "handler": staff(handler)}
    requests = [
        ("GET /api/v1/categories (cheapest)", "api", "/api/v1/categories", api),
        ("manager: dashboard /staff/", "manager", "/staff/", {}),
        ("manager: overdue queue", "manager", "/staff/queue/overdue/", {}),
        ("manager: all, page 50", "manager", "/staff/queue/all/?page=50", {}),
        ("handler: home queue", "handler", "/staff/queue/mine/", {}),
        ("API list ?overdue=true", "api", "/api/v1/complaints?overdue=true", api),
        ("GET /api/v1/kpis (the year)", "api", "/api/v1/kpis" + year, api),
    ]
    sizes = args.sizes.split(",")
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    try:
        # One restart and one of each request first, not counted: the first request after the
        # first restart of a run took over a second whatever the size (1.0–1.4 s, twice).
        connection.close()
        postgres_set(sizes[0])
        for _label, who, path, headers in requests:
            clients[who].get(path, headers=headers)
        for round_number in range(args.rounds):
            for size in sizes:
                connection.close()
                postgres_set(size)
                load = os.getloadavg()[0]
                print(f"round {round_number + 1}, shared_buffers {size}, load {load:.2f}")
                for label, who, path, headers in requests:
                    found = results.setdefault((size, label), {"cold": [], "warm": []})
                    for kind, times in (("cold", 1), ("warm", args.repeat)):
                        for _ in range(times):
                            started = time.perf_counter()
                            answer = clients[who].get(path, headers=headers)
                            found[kind].append((time.perf_counter() - started) * 1000)
                            assert answer.status_code == 200, (path, answer.status_code)
    finally:
        connection.close()
        postgres_set(None)
    print(f"{'request':<36} {'size':>6} {'first after restart':>20} {'warm p50':>9} {'p95':>7}")
    for (size, label), found in sorted(results.items(), key=lambda item: item[0][::-1]):
        warm = sorted(found["warm"])
        p95 = warm[max(int(len(warm) * 0.95) - 1, 0)]
        cold = " / ".join(f"{value:.0f}" for value in found["cold"])
        print(
            f"{label:<36} {size:>6} {cold:>20} {statistics.median(warm):9.1f} {p95:7.1f}",
            flush=True,
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
