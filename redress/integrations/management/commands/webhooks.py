"""``redress webhooks flush``: send the webhook events that are due now (a catch-up after the
worker was down; the worker sends them on its own otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redress.integrations.tasks import webhooks_flush


class Command(BaseCommand):
    help = "Deliver webhook events that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        flush = sub.add_parser("flush", help="Try every due delivery once.")
        flush.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        count = webhooks_flush(limit=options["limit"])
        self.stdout.write(f"{count} deliveries tried.")
