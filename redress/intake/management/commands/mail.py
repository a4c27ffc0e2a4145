"""``redress mail ingest FILE...`` and ``redress mail poll``: email intake by hand or from cron."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from redress.intake.imap import mailbox_poll
from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail, Mailbox


class Command(BaseCommand):
    help = "Take emails in: from .eml files (ingest) or from the configured IMAP mailboxes (poll)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser(
            "ingest", help="Take in raw RFC 822 emails from files ('-' reads standard input)."
        )
        ingest.add_argument("files", nargs="+")
        poll = sub.add_parser("poll", help="Read the active mailboxes now.")
        poll.add_argument("--mailbox", help="Only the mailbox with this name.")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "ingest":
            self._ingest([str(f) for f in options["files"]])  # type: ignore[attr-defined]
        else:
            self._poll(options.get("mailbox"))  # type: ignore[arg-type]

    def _ingest(self, files: list[str]) -> None:
        for name in files:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s") % {"file": name, "error": exc}
                ) from exc
            result = mail_ingest(raw=raw, source=InboundEmail.Source.FILE)
            email = result.email
            state = email.get_outcome_display() if result.created else _("already taken")
            reference = result.reference
            self.stdout.write(
                f"{name}: {state}"
                + (f" {reference}" if reference else "")
                + (f" ({email.reason})" if email.reason else "")
            )

    def _poll(self, name: str | None) -> None:
        boxes = Mailbox.objects.filter(is_active=True)
        if name:
            boxes = boxes.filter(name=name)
            if not boxes.exists():
                raise CommandError(_("No active mailbox is named “%(name)s”.") % {"name": name})
        failed = 0
        for mailbox in boxes:
            result = mailbox_poll(mailbox)
            if result.ok:
                self.stdout.write(
                    _("%(mailbox)s: %(fetched)s emails read, %(new)s new.")
                    % {"mailbox": mailbox.name, "fetched": result.fetched, "new": result.new}
                )
            else:
                failed += 1
                self.stderr.write(
                    _("%(mailbox)s: cannot be read: %(error)s")
                    % {"mailbox": mailbox.name, "error": result.error}
                )
        if failed:
            raise CommandError(_("%(count)s mailboxes could not be read.") % {"count": failed})
