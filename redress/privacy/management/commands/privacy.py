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
from redress.privacy.models import RetentionRun
from redress.privacy.retention import retention_run


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
        retention = sub.add_parser(
            "retention", help="apply the retention rules: anonymise, delete or clear what expired"
        )
        retention.add_argument(
            "--dry-run", action="store_true", help="count what would be done; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(str(options["email"] or ""), str(options["phone"] or ""))
        elif options["subcommand"] == "erase":
            self._erase(options)
        elif options["subcommand"] == "retention":
            self._retention(dry_run=bool(options["dry_run"]))

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
            f"{report.import_files_rewritten} import file(s) rewritten, "
            f"{report.audit_redacted} audit entries redacted"
        )
        for table, n in sorted(report.rows.items()):
            self.stdout.write(f"  {table}: {n}")

    def _retention(self, *, dry_run: bool) -> None:
        report = retention_run(
            dry_run=dry_run,
            actor=command_line_actor("privacy retention"),
            trigger=RetentionRun.Trigger.COMMAND,
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
