"""Triage benchmark (bench/triage.md): training on N closed complaints, the latency of a
suggestion and of the similar complaints, and memory.

    uv run python bench/triage_bench.py [N]        # N = 100000 by default

Uses a fresh SQLite database in a temporary folder (migrated first), fills it with N closed
complaints of the generated bilingual data set (``triage.testing.closed_complaints``), then
measures, on this machine:
- the learning core alone on N texts (``learning.train``);
- the whole training service (reading the register, scrubbing identifiers, learning,
  evaluating, saving the file: ``services.triage_train``);
- a suggestion (``selectors.suggestions_for``, model loaded) and the similar complaints of a
  new text (``similar.similar_complaints`` over 400 open complaints, 300 read), median and 95th percentile;
- the process's peak resident memory after each step, and the model file's size.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="triage-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["REDRESS_MEDIA_ROOT"] = str(TMP / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s (peak RSS {peak_mb():.0f} MB)", flush=True)
    return result, seconds


def latencies(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} cores", flush=True)
    call_command("migrate", verbosity=0)
    print(f"migrated (peak RSS {peak_mb():.0f} MB)", flush=True)

    from redress.core.actors import Actor
    from redress.core.roles import Role
    from redress.core.testing import UnitFactory, staff
    from redress.triage import learning, selectors
    from redress.triage.dataset import examples
    from redress.triage.models import Stage
    from redress.triage.services import triage_train
    from redress.triage.similar import similar_complaints
    from redress.triage.testing import closed_complaints

    rows = examples(n)
    texts = [r.text for r in rows]
    labels = {
        "category": [r.category for r in rows],
        "product": [r.product for r in rows],
        "unit": [r.unit for r in rows],
        "priority": [r.priority for r in rows],
        "health_safety": ["true" if r.health_safety else "false" for r in rows],
    }
    trained, core_s = timed(f"learning core on {n:,} texts", learning.train, texts, labels)
    for name, m in trained.metrics["fields"].items():
        print(f"  {name}: accuracy {m['accuracy']:.4f} on {m['held_out']:,} held out")
    del trained, texts, labels, rows

    _, fill_s = timed(f"register filled with {n:,} closed complaints", closed_complaints, n)
    model, service_s = timed(
        "training service (read, scrub, learn, evaluate, save)",
        triage_train,
        actor=Actor.system("bench"),
    )
    print(f"  version {model.version}, in use {model.is_active}, file {model.file_bytes:,} bytes")

    def suggest() -> None:
        selectors.suggestions_for(
            "Kiện hàng bị thất lạc",
            "Shipper không giao hàng, tôi chờ đã một tuần. Mong công ty phản hồi sớm.",
            stage=Stage.INTAKE,
        )

    suggest()  # loads the model once
    print(f"model loaded (peak RSS {peak_mb():.0f} MB)")
    p50, p95 = latencies(suggest, 200)
    print(f"suggestion: median {p50:.1f} ms, p95 {p95:.1f} ms (aim: <= 50 ms)")

    # An auditor sees every complaint: all 400 open ones are candidates.
    reader = staff(Role.AUDITOR, UnitFactory.create())
    closed_complaints(400, seed=9, start=n, status="investigating")

    def similar() -> None:
        found = similar_complaints(
            reader,
            subject="Kiện hàng bị thất lạc",
            description="Shipper không giao hàng, tôi chờ đã một tuần.",
        )
        assert found, "no similar complaint found"

    s50, s95 = latencies(similar, 30)
    print(f"similar complaints: median {s50:.1f} ms, p95 {s95:.1f} ms")
    print(f"peak RSS at the end: {peak_mb():.0f} MB")
    print(f"load average at end: {os.getloadavg()}")
    print(
        f"ratios: service/core {service_s / core_s:.2f}; training {service_s:.0f} s of the "
        f"300 s aim ({service_s / 300:.0%}); suggestion p95 {p95:.1f} ms of 50 ms "
        f"({p95 / 50:.0%}); fill {fill_s:.0f} s"
    )


if __name__ == "__main__":
    main()
