"""``redress queues``: merge the rows of the queue tally and the deadline tally (the worker does
it every minute), ``--rebuild`` them from the whole register (after a restore, or a load written
past the lifecycle), or ``--check`` them against a count of the register."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.complaints.deadline_tally import (
    deadline_tally_cells,
    deadline_tally_rebuild,
    register_deadline_cells,
)
from redress.complaints.queue_tally import (
    queue_tally_compact,
    queue_tally_rebuild,
    register_cells,
    tally_cells,
)


class Command(BaseCommand):
    help = "Merge the tallies, rebuild them from the register (--rebuild) or check them (--check)."

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rebuild", action="store_true", help="Count every complaint again.")
        action.add_argument(
            "--check", action="store_true", help="Compare it with a count of the register."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["rebuild"]:
            cells = queue_tally_rebuild() + deadline_tally_rebuild()
            self.stdout.write(f"Rebuilt {cells} cells in {time.monotonic() - started:.1f} s.")
        elif options["check"]:
            wrong = self._differences("queue", tally_cells(), register_cells())
            wrong += self._differences(
                "deadline", deadline_tally_cells(), register_deadline_cells()
            )
            if wrong:
                raise CommandError(f"{wrong} cells differ: run `redress queues --rebuild`.")
            self.stdout.write("The tallies agree with the register.")
        else:
            merged = queue_tally_compact()
            self.stdout.write(f"Merged {merged} rows.")

    def _differences(self, name: str, held: dict[Any, int], counted: dict[Any, int]) -> int:
        """Print the cells of a tally that differ from the register; returns how many."""
        wrong = sorted(
            (
                cell
                for cell in held.keys() | counted.keys()
                if held.get(cell, 0) != counted.get(cell, 0)
            ),
            key=str,
        )
        for cell in wrong:
            self.stdout.write(
                f"{name} {' '.join(str(part) or '-' for part in cell)}: tally "
                f"{held.get(cell, 0)}, register {counted.get(cell, 0)}"
            )
        return len(wrong)
