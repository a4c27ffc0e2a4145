"""How fast `redress sla rebuild` builds the deadlines of complaints that have none, set-based
(``sla_clocks_build``) and, for comparison, one complaint at a time (``sla_clocks_rebuild``).

Run by hand (never in the test suite) against a seeded PostgreSQL database you own (never the
shared template): `DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME uv run python
bench/sla_rebuild_bench.py [--one-by-one N]`. It deletes every stage clock and pause and the
complaints' deadlines first (as a bulk load without deadlines leaves them), then times the
rebuild. Results go in bench/scale.md ("Deadlines and seed").
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


def main() -> None:
    one_by_one = (
        int(sys.argv[sys.argv.index("--one-by-one") + 1]) if "--one-by-one" in sys.argv else 0
    )
    total = Complaint.objects.count()
    print(f"{total:,} complaints; load average {os.getloadavg()}")
    forget()
    if one_by_one:
        ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True)[:one_by_one])
        started = time.monotonic()
        for pk in ids:
            with transaction.atomic():
                sla_clocks_rebuild(complaint=Complaint.objects.select_for_update().get(pk=pk))
        seconds = time.monotonic() - started
        print(
            f"one by one: {len(ids)} in {seconds:.1f} s = {1000 * seconds / len(ids):.1f} ms each"
        )
        forget()
    started = time.monotonic()
    built = sla_clocks_build()
    seconds = time.monotonic() - started
    print(
        f"set-based: {built:,} complaints in {seconds:.1f} s = {built / seconds:,.0f}/s; "
        f"load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
