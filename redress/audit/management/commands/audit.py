from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' walks the hash chain and names the first entry that does not fit."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check the whole chain")

    def handle(self, *args: object, **options: object) -> None:
        report = audit_verify()
        if report.problem is not None:
            problem = report.problem
            raise CommandError(
                f"audit chain broken at entry #{problem.seq}: {problem.kind} ({problem.detail}); "
                f"{report.checked} entries before it are intact"
            )
        self.stdout.write(f"audit chain intact: {report.checked} entries, head {report.head_hash}")
