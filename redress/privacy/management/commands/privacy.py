"""``redress privacy``: personal-data tools for operators (docs/privacy.md). ``retention``
applies the retention rules now (``--dry-run``: only counts what would be done) and prints, per
kind of record, how many had expired and how many were dealt with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redress.core.actors import Actor
from redress.privacy.models import RetentionRun
from redress.privacy.retention import retention_run


class Command(BaseCommand):
    help = "Personal-data tools: 'retention' applies the retention rules (docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        retention = sub.add_parser(
            "retention", help="apply the retention rules: anonymise, delete or clear what expired"
        )
        retention.add_argument(
            "--dry-run", action="store_true", help="count what would be done; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "retention":
            self._retention(dry_run=bool(options["dry_run"]))

    def _retention(self, *, dry_run: bool) -> None:
        report = retention_run(
            dry_run=dry_run, actor=Actor.system("cli"), trigger=RetentionRun.Trigger.COMMAND
        )
        self.stdout.write(
            f"retention {'dry run (nothing changed)' if dry_run else 'run'} "
            f"at {report.at:%Y-%m-%d %H:%M} UTC"
        )
        width = max(len(r.record_type) for r in report.results) if report.results else 0
        for result in report.results:
            self.stdout.write(
                f"  {result.record_type:<{width}}  {result.months:>4} months, "
                f"{result.expiry:<9}  expired {result.expired:>7}  done {result.done:>7}"
            )
