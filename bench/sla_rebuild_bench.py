"""How fast `redress sla rebuild` builds the deadlines of complaints that have none, set-based
(``sla_clocks_build``) and, for comparison, one complaint at a time (``sla_clocks_rebuild``).

Run by hand (never in the test suite) against a seeded PostgreSQL database you own (never the
shared template): `DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME uv run python
bench/sla_rebuild_bench.py [--one-by-one N] [--jobs 1,2,3] [--repeat R]`. It deletes every
stage clock and pause and the complaints' deadlines first (as a bulk load without deadlines
leaves them), then times the rebuild; with ``--jobs`` a list, each number of processes in turn,
``--repeat`` times round (alternating, so that the machine's load falls on each alike), and the
load average before and after each run. CPU: the Python processes' own (this one and its
workers), and the whole machine's busy time (all processes, PostgreSQL's included) over the
run's wall time, in cores. Results go in bench/scale.md ("Deadlines and seed").
"""

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from redress.complaints.models import Complaint  # noqa: E402
from redress.sla.rules import DUE_FIELDS  # noqa: E402
from redress.sla.services import sla_clocks_build, sla_clocks_rebuild  # noqa: E402


def forget() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sla_deadlinenotice, sla_stageclock, sla_clockpause")
        sets = ", ".join(f"{name} = NULL" for name in DUE_FIELDS.values())
        cursor.execute(f"UPDATE complaints_complaint SET {sets}")  # noqa: S608
        cursor.execute("VACUUM ANALYZE complaints_complaint")


def option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent busy since it started (every core)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed_build(jobs: int) -> None:
    load = os.getloadavg()[0]
    times, busy = os.times(), machine_busy()
    started = time.monotonic()
    built = sla_clocks_build(jobs=jobs)
    seconds = time.monotonic() - started
    after = os.times()
    python = (after.user + after.system + after.children_user + after.children_system) - (
        times.user + times.system + times.children_user + times.children_system
    )
    print(
        f"jobs={jobs}: {built:,} complaints in {seconds:.1f} s = {built / seconds:,.0f}/s; "
        f"Python CPU {python:.1f} s ({1000 * python / max(built, 1):.2f} ms each); "
        f"machine busy {(machine_busy() - busy) / seconds:.2f} cores; "
        f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}",
        flush=True,
    )


def main() -> None:
    one_by_one = int(option("--one-by-one", "0"))
    jobs = [int(j) for j in option("--jobs", "1").split(",")]
    repeat = int(option("--repeat", "1"))
    total = Complaint.objects.count()
    print(f"{total:,} complaints; load average {os.getloadavg()}")
    if one_by_one:
        forget()
        ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True)[:one_by_one])
        started = time.monotonic()
        for pk in ids:
            with transaction.atomic():
                sla_clocks_rebuild(complaint=Complaint.objects.select_for_update().get(pk=pk))
        seconds = time.monotonic() - started
        print(
            f"one by one: {len(ids)} in {seconds:.1f} s = {1000 * seconds / len(ids):.1f} ms each"
        )
    for _round in range(repeat):
        for count in jobs:
            forget()
            timed_build(count)


if __name__ == "__main__":
    main()
