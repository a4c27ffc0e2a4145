"""Triage's systemic-issue proposals and intake's possible duplicates (bench/triage.md): the
time and memory of one look for clusters of similar complaints (``clusters.similar_clusters``
over the ``RECENT_LIMIT`` newest complaints of the window), and the latency of the duplicate
check at intake when the person has earlier complaints (``duplicates.complaint_duplicates``,
whose text likeness is what this issue added) against one for a new person (the common case).

    uv run python bench/triage_clusters_bench.py [N]     # N recent complaints, 2000 by default

Uses a fresh SQLite database in a temporary folder, filled with N complaints of the generated
bilingual data set received over the last six days (``triage.testing.closed_complaints``, moved
into the window)."""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="triage-clusters-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["REDRESS_MEDIA_ROOT"] = str(TMP / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} cores", flush=True)
    call_command("migrate", verbosity=0)

    from django.utils import timezone

    from redress.complaints.duplicates import complaint_duplicates
    from redress.complaints.models import Complainant, Complaint
    from redress.triage.clusters import cluster_rule, similar_clusters
    from redress.triage.testing import closed_complaints

    closed_complaints(n, status="investigating")
    # Spread over the last six days, newest first.
    now = timezone.now()
    for i, pk in enumerate(Complaint.objects.order_by("pk").values_list("pk", flat=True)):
        Complaint.objects.filter(pk=pk).update(received_at=now - dt.timedelta(minutes=4 * i))
    print(f"{n:,} recent complaints (peak RSS {peak_mb():.0f} MB)", flush=True)

    rule = cluster_rule()
    start = time.perf_counter()
    clusters = similar_clusters(rule)
    took = time.perf_counter() - start
    sizes = sorted((len(c.members) for c in clusters), reverse=True)
    print(
        f"one look for clusters: {took:.2f} s, {len(clusters)} clusters "
        f"(largest {sizes[:5]}), peak RSS {peak_mb():.0f} MB"
    )

    # A person with 20 earlier complaints in the window (the most the check compares is 50).
    person = Complainant.objects.order_by("pk").first()
    first = list(Complaint.objects.order_by("pk").values_list("pk", flat=True)[:20])
    Complaint.objects.filter(pk__in=first).update(complainant=person)

    def known() -> None:
        complaint_duplicates(
            None,
            email=person.email,
            subject="Kiện hàng bị thất lạc",
            description="Shipper không giao hàng, tôi chờ đã một tuần.",
        )

    def new_person() -> None:
        complaint_duplicates(
            None,
            email="nobody-yet@example.vn",
            subject="Kiện hàng bị thất lạc",
            description="Shipper không giao hàng, tôi chờ đã một tuần.",
        )

    k50, k95 = latencies(known, 100)
    n50, n95 = latencies(new_person, 200)
    print(f"duplicate check, person with 20 complaints: median {k50:.1f} ms, p95 {k95:.1f} ms")
    print(f"duplicate check, new person: median {n50:.2f} ms, p95 {n95:.2f} ms")
    print(f"ratio known/new person (median): {k50 / n50:.1f}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
