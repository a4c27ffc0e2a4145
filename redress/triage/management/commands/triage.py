"""``redress triage``: ``train`` learns a new version of the triage model from the closed
complaints now (what the daily job does) and prints its evaluation (docs/triage.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redress.audit.commandline.accounts import command_line_actor
from redress.triage.services import triage_train


class Command(BaseCommand):
    help = (
        "Triage suggestions. 'train' learns a new version of the model from the closed "
        "complaints, evaluates it against the keyword rules on a held-out split, puts it in use "
        "where it beats them, and prints the evaluation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="learn a new version of the model now")
        train.add_argument(
            "--limit", type=int, default=None, help="learn from at most this many complaints"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = triage_train(
            actor=command_line_actor("redress triage train"), limit=options["limit"]
        )
        out = self.stdout
        out.write(
            f"version {model.version}: {model.examples} closed complaints, "
            f"{model.seconds:.1f} s, {'in use' if model.is_active else 'not in use (keyword rules)'}"
        )
        for name, m in model.metrics.get("fields", {}).items():
            if "accuracy" not in m:
                out.write(f"  {name}: not enough examples ({m.get('examples', 0)})")
                continue
            verdict = "model" if m["uses_model"] else "keyword rules"
            out.write(
                f"  {name}: accuracy {m['accuracy']:.1%} (keyword rules "
                f"{m['rules_accuracy']:.1%}) on {m['held_out']} held out; uses {verdict}"
            )
