from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.audit.anchors import anchor_path, audit_anchor
from redress.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' walks the hash chain, checks every seal and compares the "
        "chain with its anchors, naming the first entry that does not fit and the check it "
        "fails; 'anchor' appends a signed anchor of the chain's head to the anchor file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check the whole chain")
        verify.add_argument(
            "--anchors",
            type=Path,
            help="an anchor file to compare with (a copy shipped elsewhere); "
            "default: REDRESS_AUDIT_ANCHOR_FILE",
        )
        sub.add_parser("anchor", help="anchor the chain's head now")

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "anchor":
            anchor = audit_anchor()
            self.stdout.write(
                f"anchored entry #{anchor.seq} (head {anchor.hash}) in {anchor_path()}"
            )
            return
        path = options.get("anchors")
        report = audit_verify(anchors=path if isinstance(path, Path) else None)
        if report.problem is not None:
            problem = report.problem
            raise CommandError(
                f"audit chain broken at entry #{problem.seq}: {problem.check_label} "
                f"({problem.kind}: {problem.detail}); "
                f"{report.checked} entries before it are intact"
            )
        legacy = (
            f", of which #1 to #{report.legacy_until} unsealed (legacy)"
            if report.legacy_until
            else ""
        )
        redacted = (
            f", {report.redacted} redacted (personal data erased, each vouched for by a sealed "
            "audit.redact entry)"
            if report.redacted
            else ""
        )
        self.stdout.write(
            f"audit chain intact: {report.checked} entries{legacy}{redacted}, "
            f"head {report.head_hash}"
        )
        last = report.last_anchor
        if last is None:
            self.stdout.write("no anchor yet: run `redress audit anchor` (the worker anchors it)")
        else:
            self.stdout.write(
                f"the chain agrees with its {report.anchors} anchor(s); the last, of {last.at}, "
                f"anchors entry #{last.seq}"
            )
