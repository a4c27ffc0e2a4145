"""``redress kpi``: the KPI catalogue over a period, as a table, JSON or CSV.

Without ``--user`` the figures cover the whole organisation; with it, what that person may see.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.analytics.kpis import kpis_compute
from redress.analytics.request import cohort_for
from redress.core.errors import ApplicationError
from redress.core.models import User

COLUMNS = ("code", "name", "value", "numerator", "denominator", "unit")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from error


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Command(BaseCommand):
    help = "Print the KPIs of a period (dates inclusive, in the organisation's time zone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--unit", default="", help="A unit's code (with the units below).")
        parser.add_argument("--category", default="", help="A category's code.")
        parser.add_argument("--channel", default="")
        parser.add_argument("--priority", default="")
        parser.add_argument("--product", default="")
        parser.add_argument("--kpi", default="", help="KPI codes, comma-separated.")
        parser.add_argument("--user", default="", help="Count only what this person may see.")
        parser.add_argument("--format", choices=("table", "json", "csv"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            cohort = cohort_for(
                user,
                first=_day(options["first"]) if options["first"] else None,
                last=_day(options["last"]) if options["last"] else None,
                unit=options["unit"],
                category=options["category"],
                channel=options["channel"],
                priority=options["priority"],
                product=options["product"],
            )
            codes = [c.strip() for c in options["kpi"].split(",") if c.strip()] or None
            results = kpis_compute(cohort, codes)
        except ApplicationError as error:
            fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            raise CommandError(fields or error.message) from error
        rows = [
            {
                "code": r.kpi.code,
                "name": str(r.kpi.name),
                "value": _plain(r.figure.value),
                "numerator": _plain(r.figure.numerator),
                "denominator": _plain(r.figure.denominator),
                "unit": r.kpi.unit.value,
            }
            for r in results
        ]
        period = {"from": cohort.period.first.isoformat(), "to": cohort.period.last.isoformat()}
        if options["format"] == "json":
            self.stdout.write(json.dumps({**period, "kpis": rows}, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self.stdout.write(f"{period['from']} – {period['to']}")
            width = max(len(row["name"]) for row in rows) if rows else 0
            for row in rows:
                value = "—" if row["value"] is None else row["value"]
                self.stdout.write(f"{row['name']:<{width}}  {value} {row['unit']}")
