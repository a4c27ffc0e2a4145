"""``redress privacy``: personal-data tools for operators (docs/privacy.md).

- ``export`` prints everything Redress holds about a person as JSON (audited);
- ``erase`` anonymises a person's data, the same service as the DPO's page and requests;
- ``retention`` applies the retention rules now (``--dry-run``: only counts what would be done)
  and prints, per kind of record, how many had expired and how many were dealt with.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.audit.commandline.accounts import command_line_actor
from redress.core.errors import ApplicationError
from redress.privacy.erasure import person_erase
from redress.privacy.export import person_export_take
from redress.privacy.export_render import person_export_json


class Command(BaseCommand):
    help = (
        "Personal-data tools. 'export' prints everything Redress holds about a person, found by "
        "email address (any case) or phone number, as JSON (the export is audited). 'erase' "
        "anonymises everything Redress holds about a person, refused while one of their "
        "complaints is open or under a legal hold. 'retention' applies the retention rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="print a person's data as JSON")
        export.add_argument("--email", default="", help="the person's email address")
        export.add_argument("--phone", default="", help="the person's phone number")
        erase = sub.add_parser("erase", help="erase a person's personal data by anonymisation")
        erase.add_argument("--email", default="", help="the person's email address")
        erase.add_argument("--phone", default="", help="the person's phone number")
        erase.add_argument("--reason", default="", help="why (a request, a decision); required")
        erase.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(str(options["email"] or ""), str(options["phone"] or ""))
        elif options["subcommand"] == "erase":
            self._erase(options)

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

    def _erase(self, options: dict[str, Any]) -> None:
        email, phone = str(options["email"] or ""), str(options["phone"] or "")
        reason = str(options["reason"] or "")
        if not options["yes"]:
            answer = input(
                "This erases the person's identifiers for good (statistics are kept). "
                "Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("nothing erased: not confirmed")
        try:
            report = person_erase(
                email=email, phone=phone, reason=reason, actor=command_line_actor("privacy erase")
            )
        except ApplicationError as error:
            raise CommandError(f"refused: {error.message}") from None
        self.stdout.write(
            f"erasure #{report.erasure_id}: {len(report.complaint_ids)} complaint(s) of "
            f"{report.complainants} complainant record(s) anonymised; "
            f"{report.rows_changed} row(s) changed, {report.files_deleted} file(s) deleted, "
            f"{report.audit_redacted} audit entries redacted"
        )
        for table, n in sorted(report.rows.items()):
            self.stdout.write(f"  {table}: {n}")
