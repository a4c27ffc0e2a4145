"""``redress queues``: merge the queue tally's rows (the worker does it every minute),
``--rebuild`` it from the whole register (after a restore, or a load written past the
lifecycle), or ``--check`` it against a count of the register."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.complaints.queue_tally import (
    queue_tally_compact,
    queue_tally_rebuild,
    register_cells,
    tally_cells,
)


class Command(BaseCommand):
    help = "Merge the queue tally, rebuild it from the register (--rebuild) or check it (--check)."

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="Count every complaint again.")
        action.add_argument(
            "--check", action="store_true", help="Compare it with a count of the register."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["rebuild"]:
            cells = queue_tally_rebuild()
            self.stdout.write(f"Rebuilt {cells} cells in {time.monotonic() - started:.1f} s.")
        elif options["check"]:
            held, counted = tally_cells(), register_cells()
            wrong = sorted(
                cell
                for cell in held.keys() | counted.keys()
                if held.get(cell, 0) != counted.get(cell, 0)
            )
            for unit, owner, status, pause in wrong:
                self.stdout.write(
                    f"unit {unit} owner {owner} {status} {pause or '-'}: tally "
                    f"{held.get((unit, owner, status, pause), 0)}, register "
                    f"{counted.get((unit, owner, status, pause), 0)}"
                )
            if wrong:
                raise CommandError(f"{len(wrong)} cells differ: run `redress queues --rebuild`.")
            self.stdout.write(f"The tally agrees with the register ({len(counted)} cells).")
        else:
            merged = queue_tally_compact()
            self.stdout.write(f"Merged {merged} rows.")
