"""Baseline for the import benchmark: complaints received one at a time through the service
(``complaint_receive``, each in its own transaction, as a naive import would), on the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_bench_import \
        uv run python bench/import_baseline.py --rows 2000

Run bench/import_complaints.py first (it creates the tables, the demo organisation and the CSV).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--csv", type=Path, default=ROOT / "var" / "import-100000.csv")
    args = parser.parse_args()
    import django

    django.setup()
    from redress.core.actors import Actor
    from redress.handling.services import complainant_get_or_create, complaint_receive
    from redress.intake.importing import mapping_guess, table_check, table_read

    table = table_read(args.csv.read_bytes(), args.csv.name)
    table.rows = table.rows[: args.rows]
    # Other rows than the ones the bulk import took (their subjects differ), so none is skipped.
    subject = table.headers.index("Tiêu đề")
    for row in table.rows:
        row[subject] += f" ({time.time():.0f})"
    plan = table_check(table, mapping_guess(table.headers))
    # Only the write is timed, as for the bulk path; no receipt emails (no address given).
    started = time.monotonic()
    for row in plan.rows:
        v = row.values
        person = complainant_get_or_create(
            full_name=v["full_name"], phone=v["phone"] or "0900000000"
        )
        complaint_receive(
            actor=Actor.channel("import"),
            complainant=person,
            channel=v["channel"],
            subject=v["subject"],
            description=v["description"],
            received_at=v["received_at"],
        )
    seconds = time.monotonic() - started
    rate = len(plan.rows) / seconds
    print(
        f"{len(plan.rows)} complaints through complaint_receive in {seconds:.1f} s: {rate:.0f}/s "
        f"→ 100,000 would take {100_000 / rate / 60:.1f} min"
    )


if __name__ == "__main__":
    main()
