"""Benchmark of the auditor's pack (issue 23): drawing the sample in SQL, and preparing a whole
pack, on PostgreSQL with seeded complaints, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<seeded db> uv run python bench/certification_pack_bench.py

The database must be migrated and seeded (``manage.py seed --complaints N``); the bench writes
packs to it (and their files under MEDIA_ROOT). Beside each measure it takes its peer on the same
data, so that the report gives ratios, which hold on a machine whose speed varies:

- the sample (``certification.selectors.sample_draw``, 50 of a year's complaints) beside a plain
  COUNT of the same population;
- a whole pack (``certification.services.pack_generate``, a year, Vietnamese, 50 complaints)
  beside the monthly report's PDF for the same year (``analytics.report.monthly_report_pdf``),
  which computes the same KPIs and charts.

It prints medians in milliseconds, the ratios, and the load average at the start and end.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(call, runs: int) -> float:  # type: ignore[no-untyped-def]
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def main() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from redress.analytics.cohort import Period
    from redress.analytics.report import monthly_report_pdf
    from redress.certification.selectors import sample_draw, sample_population
    from redress.certification.services import pack_generate, pack_start
    from redress.core.actors import Actor
    from redress.core.models import Membership
    from redress.core.roles import Role

    print("load average at start:", os.getloadavg())
    last = timezone.localdate()
    first = last - dt.timedelta(days=364)
    population = sample_population(first, last).count()
    print(f"complaints received in the year: {population}")
    count = timed(lambda: sample_population(first, last).count(), 5)
    draw = timed(lambda: sample_draw(first, last, seed=12345, size=50), 5)
    print(
        f"sample of 50: {draw:.1f} ms; COUNT of the population: {count:.1f} ms; "
        f"ratio {draw / count:.2f}"
    )
    manager = Membership.objects.filter(role=Role.COMPLAINTS_MANAGER).first().user
    report = timed(lambda: monthly_report_pdf(Period(first, last), language="vi"), 1)

    def pack() -> None:
        started = pack_start(
            actor=Actor.for_user(manager),
            period_start=first,
            period_end=last,
            language="vi",
            sample_size=50,
        )
        pack_generate(started.pk)

    whole = timed(pack, 1)
    print(
        f"pack of a year: {whole:.0f} ms; monthly report PDF of the year: {report:.0f} ms; "
        f"ratio {whole / report:.2f}"
    )
    print("load average at end:", os.getloadavg())


if __name__ == "__main__":
    main()
