"""``redress sla sweep``: check every deadline whose time has come (what the per-deadline tasks
would have done while no worker ran). ``redress sla rebuild [--jobs J]``: build the clocks of
complaints that have none. ``redress sla calendar``: print a calendar's days off."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from redress.complaints.queue_tally import queue_tally_compact
from redress.core.batch_processes import BatchFailed, jobs_default
from redress.sla.models import BusinessCalendar
from redress.sla.selectors import calendar_default, holiday_names, work_calendar
from redress.sla.services import sla_clocks_build, sla_clocks_rebuild_missing, sla_sweep


class Command(BaseCommand):
    help = "Deadline engine: sweep for due checks, or show a calendar's days off."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sweep = sub.add_parser(
            "sweep", help="Send every near-due and breach notice that is owed now."
        )
        sweep.add_argument("--limit", type=int, default=100_000)
        rebuild = sub.add_parser(
            "rebuild", help="Build the clocks of complaints that have none (imported or seeded)."
        )
        rebuild.add_argument(
            "--batch", type=int, default=5000, help="complaints per transaction (default 5000)"
        )
        rebuild.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes building batches (default: every core on PostgreSQL, 1 on SQLite)",
        )
        calendar = sub.add_parser(
            "calendar", help="List the days off and swapped working days of a year."
        )
        calendar.add_argument("--year", type=int, default=None)
        calendar.add_argument(
            "--name", default="", help="Calendar name (default: the organisation's)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sweep":
            checked = sla_sweep(now=timezone.now(), limit=options["limit"])
            if options["verbosity"] > 1:
                self.stdout.write(f"checked {checked} clocks")
            return
        if options["subcommand"] == "rebuild":
            # Set-based for the complaints without clocks; then, one by one, the review clocks of
            # complaints that had clocks before reviews were timed (a few at most).
            try:
                built = sla_clocks_build(
                    batch=options["batch"], jobs=options["jobs"] or jobs_default()
                )
            except BatchFailed as failed:
                raise CommandError(
                    f"Building the clocks stopped: {failed}. The batches finished before it "
                    "are kept; run `sla rebuild` again to build the rest."
                ) from failed
            built += sla_clocks_rebuild_missing()
            # Each batch's triggers added rows to the deadline tally: merged now, as the
            # periodic job would, so that the first queue and dashboard read one row a cell.
            queue_tally_compact()
            self.stdout.write(f"rebuilt the clocks of {built} complaints")
            return
        row = (
            BusinessCalendar.objects.filter(name=options["name"]).first()
            if options["name"]
            else calendar_default()
        )
        if options["name"] and row is None:
            raise CommandError(f"No calendar named {options['name']!r}.")
        year = options["year"] or timezone.localdate().year
        calendar = work_calendar(row)
        names = dict((o.date, o.name) for o in row.overrides.all()) if row else {}
        country = (row.country if row else "VN") or ""
        holidays = holiday_names(country.upper(), translation.get_language() or "vi")
        for day, working in calendar.special_days(year):
            label = names.get(day) or holidays.holiday_name(day)
            state = "working" if working else "off"
            self.stdout.write(f"{day.isoformat()} {day:%a} {state:7} {label}")
        self.stdout.write(f"{calendar.working_days_in_year(year)} working days in {year}")
