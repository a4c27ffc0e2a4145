"""``redress rollup``: bring the figures rollup up to date (the worker does it every few
seconds), or ``--rebuild`` it from the whole register (after a restore, or when the
organisation's time zone changed)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redress.analytics.rollup import rollup_rebuild, rollup_refresh


class Command(BaseCommand):
    help = "Refresh the figures rollup, or rebuild it from the whole register (--rebuild)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild it from every complaint."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["rebuild"]:
            read = rollup_rebuild()
            self.stdout.write(
                f"Rebuilt from {read} complaints in {time.monotonic() - started:.1f} s."
            )
        else:
            cells = rollup_refresh()
            self.stdout.write(f"Refreshed {cells} month-and-unit cells.")
