"""The deadline sweep at volume: clocks checked a minute, one by one (``sla_clock_check`` on each
due clock: the sweep before it was set-based) and set-based (``sla_sweep``), in the same run.

Needs a seeded database of your own (bench/scale.md, "The sweep"):

    createdb -h 127.0.0.1 -U postgres redress_sweepbench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_sweepbench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed --complaints 100000
    .venv/bin/python bench/sla_sweep_bench.py --one-by-one 300 --limit 50000

Every run is made inside a transaction that is rolled back, so the database is the same for
the next run (and the notices, digests and emails of a run are never sent). ``--now`` is the
instant swept (default: Wednesday 02/12/2026 10:00 in Hà Nội, a working morning after the
seed, when most of the seeded deadlines have passed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from redress.notifications.models import Notification, OutboundEmail  # noqa: E402
from redress.sla.models import DeadlineNotice, StageClock  # noqa: E402
from redress.sla.services import sla_clock_check, sla_sweep  # noqa: E402
from redress.sla.services.sweep import deadline_notices_tell  # noqa: E402


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class Timer:
    def __enter__(self) -> Timer:
        self.load = load()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def one_by_one(now: dt.datetime, count: int) -> None:
    ids = list(
        StageClock.objects.filter(next_check_at__lte=now, outcome="running")
        .order_by("next_check_at", "pk")
        .values_list("pk", flat=True)[:count]
    )
    with transaction.atomic():
        with Timer() as timer:
            for clock_id in ids:
                sla_clock_check(clock_id=clock_id, now=now)
        notices = DeadlineNotice.objects.count()
        transaction.set_rollback(True)
    rate = len(ids) / timer.wall * 60
    print(
        f"one by one | {len(ids):,} clocks | {timer.wall:.1f} s | {timer.wall / len(ids) * 1000:.1f} ms"
        f" a clock | {rate:,.0f} clocks/min | CPU {timer.cpu:.1f} s | {notices:,} notices"
        f" | load {timer.load}"
    )


def set_based(now: dt.datetime, limit: int) -> None:
    with transaction.atomic():
        told = {"at": 0.0}
        original = deadline_notices_tell

        def timed_tell(**kwargs: object) -> int:
            started = time.perf_counter()
            result = original(**kwargs)  # type: ignore[arg-type]
            told["at"] = time.perf_counter() - started
            return result

        import redress.sla.services.sweep as sweep_module

        sweep_module.deadline_notices_tell = timed_tell  # type: ignore[assignment]
        try:
            with Timer() as timer:
                checked = sla_sweep(now=now, limit=limit)
        finally:
            sweep_module.deadline_notices_tell = original
        notices = DeadlineNotice.objects.count()
        digests = Notification.objects.filter(kind="deadline_digest").count()
        single = Notification.objects.filter(kind__in=["near_due", "breached"]).count()
        emails = OutboundEmail.objects.filter(template_code="deadline_digest").count()
        transaction.set_rollback(True)
    rate = checked / timer.wall * 60
    print(
        f"set-based | {checked:,} clocks | {timer.wall:.1f} s (telling people {told['at']:.1f} s)"
        f" | {timer.wall / max(checked, 1) * 1000:.2f} ms a clock | {rate:,.0f} clocks/min"
        f" | CPU {timer.cpu:.1f} s | {notices:,} notices | {digests} digests, {single} single"
        f" notices, {emails} digest emails | load {timer.load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one-by-one", type=int, default=300)
    parser.add_argument("--limit", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--now", default="2026-12-02 10:00")
    args = parser.parse_args()
    now = dt.datetime.strptime(args.now, "%Y-%m-%d %H:%M").replace(
        tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    due = StageClock.objects.filter(next_check_at__lte=now, outcome="running").count()
    print(f"{connection.settings_dict['NAME']}: {due:,} clocks due at {now:%Y-%m-%d %H:%M %Z}")
    for _round in range(args.rounds):
        one_by_one(now, args.one_by_one)
        set_based(now, args.limit)


if __name__ == "__main__":
    main()
