"""Benchmark of complaint exports (issue 19, item 3): time and worker RSS growth of a CSV and
an XLSX export of N rows, as top management (every complaint, masked) and as a complaints
manager of the largest unit (unmasked where the unit is theirs).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_100k \\
        uv run python bench/export_bench.py --rows 100000

Run from the checkout whose code is measured: ``redress`` is imported from the current
directory, so the same script measures another checkout (e.g. the export before it streamed)
with ``cd ../main && python ../wt/bench/export_bench.py``. Each export runs in a fresh
process, after a short warm-up export; RSS growth is the process's peak RSS during the export
less its RSS just before it.
The database is only read (each export adds its audit entry, as in use).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _user(role: str):  # noqa: ANN202 -- Django is set up inside the child only
    from django.db.models import Count

    from redress.core.models import Membership
    from redress.core.roles import Role

    if role == "top":
        return Membership.objects.filter(role=Role.TOP_MANAGEMENT).first().user
    # The manager of the unit with the most complaints.
    from redress.complaints.models import Complaint

    unit = (
        Complaint.objects.values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["unit_id"]
    )
    return (
        Membership.objects.filter(role=Role.COMPLAINTS_MANAGER, unit_id=unit).first()
        or Membership.objects.filter(role=Role.COMPLAINTS_MANAGER).first()
    ).user


def one(fmt: str, rows: int, role: str) -> dict[str, object]:
    """One export in this process; what it measured."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    from redress.complaints import exports
    from redress.complaints.queues import Queue, queue_queryset

    translation.activate("vi")
    user = _user(role)
    queryset = queue_queryset(user, Queue.ALL)[:rows]
    streaming = hasattr(exports, "csv_stream")
    if not streaming:
        exports.MAX_ROWS = rows  # the export before it streamed stopped at 50,000 rows
        queryset = queue_queryset(user, Queue.ALL)
    # A short export first: imports, caches and the connection are not the export's growth.
    warm = queue_queryset(user, Queue.ALL)[:200]
    with tempfile.TemporaryFile() as out:
        if streaming:
            for piece in exports.csv_stream(user, warm, language="vi"):
                out.write(piece)
            exports.xlsx_write(user, warm, out, language="vi")
        else:
            exports.export_csv(user, warm, language="vi")
            exports.export_xlsx(user, warm, language="vi")
    before_rss = _rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    size = 0
    with tempfile.TemporaryFile() as out:
        if streaming and fmt == "csv":
            for piece in exports.csv_stream(user, queryset, language="vi"):
                out.write(piece)
        elif streaming:
            exports.xlsx_write(user, queryset, out, language="vi")
        else:
            body = (exports.export_csv if fmt == "csv" else exports.export_xlsx)(
                user, queryset, language="vi"
            )
            out.write(body)
            del body
        size = out.tell()
    return {
        "format": fmt,
        "role": role,
        "rows": rows,
        "streaming": streaming,
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "rss_growth_mb": round(_peak_mb() - before_rss, 1),
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--roles", default="top,manager")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        fmt, role = args.one.split(":")
        print(json.dumps(one(fmt, args.rows, role)))
        return
    print(f"load average before: {os.getloadavg()}", flush=True)
    for role in args.roles.split(","):
        for fmt in args.formats.split(","):
            found = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__)),
                    "--rows",
                    str(args.rows),
                    "--one",
                    f"{fmt}:{role}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            print(found.stdout.strip().splitlines()[-1], flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
