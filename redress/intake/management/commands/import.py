"""``redress import complaints FILE.csv|xlsx``: check every row, then import all or nothing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from redress.complaints.models import Channel
from redress.intake.importing import (
    FIELD_NAMES,
    FileUnreadable,
    batch_plan_write,
    errors_csv,
    mapping_guess,
    table_check,
    table_read,
)
from redress.intake.models import ImportBatch


class Command(BaseCommand):
    help = "Import complaints from a CSV or Excel file: every row is checked first, then all are imported or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["complaints"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field (repeatable); other columns are recognised by name. Fields: "
            + ", ".join(FIELD_NAMES),
        )
        parser.add_argument(
            "--channel",
            default=Channel.API,
            choices=Channel.values,
            help="Channel of rows without one.",
        )
        parser.add_argument("--errors", type=Path, help="Write the error report (CSV) here.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the file; import nothing."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            content = path.read_bytes()
            table = table_read(content, path.name)
        except (OSError, FileUnreadable) as exc:
            raise CommandError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
        mapping = mapping_guess(table.headers)
        for item in options["map"]:  # type: ignore[attr-defined]
            column, _sep, name = str(item).partition("=")
            if name not in FIELD_NAMES or column not in table.headers:
                raise CommandError(
                    _("Cannot map “%(item)s”: unknown column or field.") % {"item": item}
                )
            mapping = {h: f for h, f in mapping.items() if f != name}
            mapping[column] = name
        self.stdout.write(
            _("Columns: %(mapping)s")
            % {"mapping": ", ".join(f"{h} → {f}" for h, f in mapping.items())}
        )
        quiet = bool(options["no_progress"])
        started = time.monotonic()
        with tqdm(
            total=len(table.rows),
            desc=_("Checking"),
            unit=_("rows"),
            disable=quiet,
            file=sys.stderr,
        ) as bar:
            plan = table_check(
                table, mapping, default_channel=str(options["channel"]), progress=bar.update
            )
        if plan.errors:
            report = errors_csv(plan.errors)
            target: Path | None = options["errors"]  # type: ignore[assignment]
            if target:
                target.write_text(report, encoding="utf-8")
            for error in plan.errors[:20]:
                self.stderr.write(
                    _("Row %(row)s, %(column)s: %(reason)s")
                    % {"row": error.row, "column": error.column, "reason": error.message}
                )
            raise CommandError(
                _("%(count)s problems found; nothing was imported.") % {"count": len(plan.errors)}
                + (" " + _("Report: %(path)s") % {"path": target} if target else "")
            )
        self.stdout.write(
            _(
                "%(rows)s rows checked: %(new)s to import, %(already)s imported before, %(repeated)s repeated in the file."
            )
            % {
                "rows": plan.total,
                "new": len(plan.rows),
                "already": plan.already,
                "repeated": plan.repeated,
            }
        )
        if options["check"]:
            return
        with (
            tqdm(
                total=len(plan.rows),
                desc=_("Importing"),
                unit=_("rows"),
                disable=quiet,
                file=sys.stderr,
            ) as bar,
            transaction.atomic(),
        ):
            batch = ImportBatch.objects.create(
                original_name=path.name[:255],
                sha256=ImportBatch.hash(content),
                mapping=mapping,
                default_channel=str(options["channel"]),
                rows_total=plan.total,
            )
            result = batch_plan_write(batch=batch, plan=plan, progress=bar.update)
        seconds = time.monotonic() - started
        self.stdout.write(
            _("%(count)s complaints imported in %(seconds).1f s%(range)s.")
            % {
                "count": result.created,
                "seconds": seconds,
                "range": f" ({result.references[0]} … {result.references[1]})"
                if result.references
                else "",
            }
        )
