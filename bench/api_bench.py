"""Benchmark of ``POST /api/v1/complaints`` (issue 6, item 7): gunicorn, PostgreSQL, loopback.

    uv run python bench/api_bench.py                      # 2,000 complaints, concurrency 8, 2 workers
    uv run python bench/api_bench.py --count 4000 --concurrency 8 --workers 2
    uv run python bench/api_bench.py --profile 300        # in-process profile of the same request

It (re)creates the database ``redress_bench`` on the local PostgreSQL, migrates it, creates a
unit, a frontline service account and an integration token, starts
``gunicorn config.wsgi:application --workers 2`` on a free loopback port, sends the complaints
from N threads (each with its own Idempotency-Key, as an integration would), then stops the
server it started and prints complaints/s and the latency percentiles. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
# Another database name keeps two benchmarks on one machine apart.
DB_NAME = os.environ.get("REDRESS_BENCH_DB", "redress_bench")


def body(n: int) -> bytes:
    return json.dumps(
        {
            "complainant": {
                "full_name": f"Nguyễn Thị Khách {n}",
                "email": f"khach{n}@example.vn",
                "phone": f"09{n:08d}",
            },
            "channel": "phone",
            "subject": f"Hóa đơn tháng 10 bị tính hai lần (cuộc gọi {n})",
            "description": "Tôi bị trừ tiền hai lần cho cùng một hóa đơn. Đề nghị kiểm tra và hoàn lại tiền. "
            * 3,
            "order_ref": f"HD-2026-{n:06d}",
            "amount_claimed": 450000,
        },
        ensure_ascii=False,
    ).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(var_dir: str, conn_max_age: int, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "REDRESS_VAR_DIR": var_dir,
            "REDRESS_DB_CONN_MAX_AGE": str(conn_max_age),
            "REDRESS_LOG_LEVEL": "ERROR",
            # The server refuses the public demo key; a benchmark's key is thrown away with it.
            "REDRESS_SECRET_KEY": secrets.token_urlsafe(64),
        }
    )
    if cache:
        env["REDRESS_CACHE_URL"] = cache
    return env


def prepare(env: dict[str, str]) -> str:
    """A fresh database with one unit, a service account and its token; returns the token."""
    subprocess.run(
        [
            "psql",
            "-q",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-c",
            f"DROP DATABASE IF EXISTS {DB_NAME}",
        ],
        check=True,
    )
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"],
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    script = """
from redress.core.actors import Actor
from redress.core.models import Membership, OrgUnit, User
from redress.integrations.services import token_create
unit = OrgUnit.objects.create(code="cskh", name="Phòng Chăm sóc khách hàng", name_en="Customer care")
user = User.objects.create_user("tongdai", password="bench-pass-123")
Membership.objects.create(user=user, unit=unit, role="frontline")
print(token_create(actor=Actor.system("bench"), user=user, name="bench", scopes=["read", "write"],
                   kind="integration", source_system="bench", rate_limit_per_minute=10_000_000).raw)
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def wait_ready(port: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            # Any answer from Django will do (401 without a token): the schema took longer than
            # gunicorn's timeout to build on a busy machine.
            conn.request("GET", "/api/v1/categories")
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def load(
    port: int, token: str, count: int, concurrency: int, floor: bool = False
) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            headers = {"Authorization": f"Bearer {token}"}
            if not floor:
                headers["Content-Type"] = "application/json"
                headers["Idempotency-Key"] = str(uuid.uuid4())
            started = time.perf_counter()
            try:
                if floor:
                    conn.request("GET", "/api/v1/categories", headers=headers)
                else:
                    conn.request("POST", "/api/v1/complaints", body=body(n), headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, seen in codes.items():
                statuses[code] = statuses.get(code, 0) + seen

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    children.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return children


def backends_of(database: str) -> list[int]:
    """PostgreSQL backends connected to ``database`` (the servers keep theirs open)."""
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return [int(line) for line in out.stdout.split() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def run(args: argparse.Namespace) -> dict[str, object]:
    var_dir = tempfile.mkdtemp(prefix="redress-bench-")
    env = environment(var_dir, args.conn_max_age, args.cache)
    token = prepare(env)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        # As the peer's benchmark runs it: a busy machine must not kill a slow worker.
        "--timeout",
        "600",
    ]
    if args.threads > 1:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        wait_ready(port)
        load(
            port, token, min(200, args.count), args.concurrency, args.floor
        )  # warm-up, not counted
        workers, backends = server_pids(server.pid), backends_of(DB_NAME)
        cpu_before = (cpu_seconds(workers), cpu_seconds(backends), time.process_time())
        with open("/proc/loadavg") as loadavg:
            load_before = loadavg.read().split()[0]
        latencies, statuses, elapsed = load(port, token, args.count, args.concurrency, args.floor)
        backends_after = backends_of(DB_NAME)
        new_backends = [pid for pid in backends_after if pid not in backends]
        cpu_after = (
            cpu_seconds(workers),
            cpu_seconds(backends) + cpu_seconds(new_backends),
            time.process_time(),
        )
        with open("/proc/loadavg") as loadavg:
            load_after = loadavg.read().split()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = statuses.get(200 if args.floor else 201, 0)
    result = {
        "complaints": args.count,
        "created": ok,
        "statuses": statuses,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "threads": args.threads,
        "conn_max_age": args.conn_max_age,
        "cache": args.cache or "default (file)",
        "seconds": round(elapsed, 2),
        "complaints_per_s": round(ok / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        # CPU spent per complaint, which machine load does not inflate the way it does wall time:
        # the ceiling on two dedicated cores is 2000 / (the sum) complaints/s.
        "cpu_ms_per_complaint": {
            "gunicorn_workers": round((cpu_after[0] - cpu_before[0]) / args.count * 1000, 2),
            "postgresql": round((cpu_after[1] - cpu_before[1]) / args.count * 1000, 2),
            "load_client": round((cpu_after[2] - cpu_before[2]) / args.count * 1000, 2),
        },
        "load_average_before_after": [float(load_before), float(load_after)],
    }
    check = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from redress.complaints.models import Complaint; print(Complaint.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result["complaints_in_database"] = int(check.stdout.strip().splitlines()[-1])
    return result


def profile(args: argparse.Namespace) -> None:
    """Run the same request in-process under cProfile, with query counts and SQL time."""
    import cProfile
    import pstats

    var_dir = tempfile.mkdtemp(prefix="redress-bench-")
    env = environment(var_dir, 60, args.cache or "locmem://")
    token = prepare(env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    def one(n: int) -> None:
        response = client.post(
            "/api/v1/complaints",
            body(n),
            content_type="application/json",
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.content

    for n in range(50):
        one(n)
    with CaptureQueriesContext(connection) as captured:
        one(10_000)
    print(f"queries per create: {len(captured.captured_queries)}")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:150]}")
    reset_queries()
    # The same creates without the profiler, which inflates every figure several times: this
    # process's CPU per create (Django, Redress, psycopg; not PostgreSQL's, nor HTTP's).
    cpu_started = time.process_time()
    for n in range(args.profile):
        one(40_000 + n)
    print(
        f"CPU per create in-process, without the profiler: "
        f"{(time.process_time() - cpu_started) / args.profile * 1000:.2f} ms"
    )
    # CPU time, not wall time: on a shared machine, waiting for a core would blur the picture.
    profiler = cProfile.Profile(time.process_time)
    started = time.perf_counter()
    profiler.enable()
    for n in range(args.profile):
        one(20_000 + n)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"\n{args.profile} creates in-process, one at a time: {args.profile / elapsed:.1f}/s, {elapsed / args.profile * 1000:.2f} ms each"
    )
    stats = pstats.Stats(profiler)
    stats.dump_stats(str(Path(var_dir) / "api_create.prof"))
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(30)
    breakdown(stats, args.profile)
    lock_hold(one)


# The parts of one create, by the function that does them (CPU ms per complaint).
PARTS = [
    ("whole request (Django, middleware, ninja)", "django/core/handlers/base.py", "get_response"),
    (
        "API view: lookups, response, idempotent intake",
        "redress/api/complaints.py",
        "complaint_create",
    ),
    (
        "  intake_receive (duplicates, key check, insert, commit)",
        "redress/intake/receive.py",
        "intake_receive",
    ),
    (
        "    complainant_get_or_create",
        "redress/handling/receipt.py",
        "complainant_get_or_create",
    ),
    ("    complaint_receive", "redress/handling/receipt.py", "complaint_receive"),
    ("      reference_next (counter lock)", "redress/complaints/references.py", "reference_next"),
    ("      audit_record", "redress/audit/services.py", "audit_record"),
    (
        "      SLA: sla_clocks_open (clocks, check tasks)",
        "redress/sla/services/clocks.py",
        "sla_clocks_open",
    ),
    (
        "      receipt_notify (template, message, outbox)",
        "redress/notifications/services.py",
        "receipt_notify",
    ),
    ("      webhooks: events_publish", "redress/integrations/services.py", "events_publish"),
    ("      organisation_get (all calls)", "redress/core/selectors.py", "organisation_get"),
    ("      check tasks, one INSERT", "redress/core/tasks.py", "enqueue_all_on_commit"),
    ("      email task", "redress/core/tasks.py", "enqueue_on_commit"),
    ("token_authenticate", "redress/integrations/services.py", "token_authenticate"),
    ("rate_limit_check", "redress/api/auth.py", "rate_limit_check"),
    ("ninja: parse and validate the body", "ninja/operation.py", "_get_values"),
    ("ninja: serialise the response", "ninja/operation.py", "_result_to_response"),
]


def breakdown(stats: object, count: int) -> None:
    print("\nCPU ms per create, by part:")
    table = stats.stats  # type: ignore[attr-defined]
    for label, path, name in PARTS:
        cumulative = sum(
            ct
            for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in table.items()
            if func == name and file.endswith(path)
        )
        print(f"  {cumulative / count * 1000:7.2f}  {label}")


def lock_hold(one: object) -> None:
    """How long each intake holds the reference counter's row lock (taken by reference_next,
    released at COMMIT): intakes queue behind it, so 1/hold is the ceiling of complaints/s."""
    from django.db import connection

    from redress.handling import receipt as services

    marks: dict[str, float] = {}
    original = services.reference_next

    def timed_reference_next(**kwargs: object) -> str:
        marks["locked"] = time.perf_counter()
        return original(**kwargs)  # type: ignore[arg-type]

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        marks.setdefault("queries_in_lock", 0)
        if "locked" in marks and "committed" not in marks:
            marks["queries_in_lock"] += 1
        return result

    holds: list[float] = []
    counts: list[float] = []
    services.reference_next = timed_reference_next  # type: ignore[assignment]
    original_commit = connection.commit

    def commit() -> None:
        original_commit()
        if "locked" in marks and "committed" not in marks:
            marks["committed"] = time.perf_counter()

    connection.commit = commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(watch):
            for n in range(100):
                marks.clear()
                one(30_000 + n)  # type: ignore[operator]
                holds.append(marks["committed"] - marks["locked"])
                counts.append(marks["queries_in_lock"])
    finally:
        services.reference_next = original  # type: ignore[assignment]
        connection.commit = original_commit  # type: ignore[method-assign]
    print(
        f"reference-counter lock held per intake: median {statistics.median(holds) * 1000:.2f} ms, "
        f"p95 {percentile(holds, 95) * 1000:.2f} ms, over {statistics.median(counts):.0f} queries "
        f"-> at most {1 / statistics.median(holds):.0f} intakes/s whatever the number of workers"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument(
        "--floor",
        action="store_true",
        help="send GET /api/v1/categories instead: the HTTP, Django and token path alone",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn --threads (1: sync workers)"
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=600, help="REDRESS_DB_CONN_MAX_AGE for the server"
    )
    parser.add_argument(
        "--cache", default="", help="REDRESS_CACHE_URL for the server (default: the project's)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="profile N in-process creates instead"
    )
    args = parser.parse_args()
    if args.profile:
        profile(args)
        return
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
