"""``redress privacy``: personal-data tools for operators (docs/privacy.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.audit.commandline.accounts import command_line_actor
from redress.core.errors import ApplicationError
from redress.privacy.export import person_export_take
from redress.privacy.export_render import person_export_json


class Command(BaseCommand):
    help = (
        "Personal-data tools. 'export' prints everything Redress holds about a person, found "
        "by email address (any case) or phone number, as JSON (the export is audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="print a person's data as JSON")
        export.add_argument("--email", default="", help="the person's email address")
        export.add_argument("--phone", default="", help="the person's phone number")

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "export":
            self._export(str(options["email"] or ""), str(options["phone"] or ""))

    def _export(self, email: str, phone: str) -> None:
        try:
            taken = person_export_take(
                actor=command_line_actor("privacy export"), email=email, phone=phone
            )
        except ApplicationError as error:
            problems = "; ".join(
                f"--{name}: {' '.join(str(p) for p in found)}"
                for name, found in error.fields.items()
            )
            raise CommandError(problems or error.message) from None
        self.stdout.write(person_export_json(taken.data).decode("utf-8"))
