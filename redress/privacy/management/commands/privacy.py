from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.audit.commandline.accounts import command_line_actor
from redress.core.errors import ApplicationError
from redress.privacy.erasure import person_erase


class Command(BaseCommand):
    help = (
        "Personal-data protection tools. 'erase' anonymises everything Redress holds about a "
        "person (every complainant record with the email or phone, and all their complaints), "
        "refused while one of their complaints is open or under a legal hold."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        erase = sub.add_parser("erase", help="erase a person's personal data by anonymisation")
        erase.add_argument("--email", default="", help="the person's email address")
        erase.add_argument("--phone", default="", help="the person's phone number")
        erase.add_argument("--reason", default="", help="why (a request, a decision); required")
        erase.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "erase":
            self._erase(options)

    def _erase(self, options: dict[str, object]) -> None:
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
