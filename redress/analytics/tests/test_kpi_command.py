"""``redress kpi`` prints the same figures as the API, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from redress.complaints.models import Status
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("kpi", *args, stdout=out)
    return out.getvalue()


def test_json_csv_and_table_for_the_organisation_or_one_person():
    team, other = make_team(), make_team()
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    complaint_in_state(Status.RECEIVED, other)
    day = complaint.received_at.astimezone().date().isoformat()

    whole = json.loads(run("--from", day, "--to", day, "--format", "json"))
    assert (whole["from"], whole["to"]) == (day, day)
    assert {k["code"]: k["value"] for k in whole["kpis"]}["volume"] == 2

    rows = list(
        csv.DictReader(
            io.StringIO(
                run(
                    "--from",
                    day,
                    "--to",
                    day,
                    "--format",
                    "csv",
                    "--kpi",
                    "volume,ack_on_time_pct",
                    "--user",
                    team.handler.username,
                )
            )
        )
    )
    assert [(r["code"], r["value"]) for r in rows] == [
        ("volume", "1"),
        ("ack_on_time_pct", "100.0"),
    ]

    table = run("--from", day, "--to", day, "--kpi", "volume")
    assert "Complaints received" in table and "2 count" in table


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "2026-02-30"), "not a date"),
        (("--from", "2026-03-31", "--to", "2026-03-01"), "to:"),
        (("--unit", "nowhere"), "unit:"),
        (("--kpi", "happiness"), "kpi:"),
        (("--user", "nobody-at-all"), "No user"),
    ],
)
def test_bad_input_is_refused_naming_it(db, args, said):
    with pytest.raises(CommandError, match=said):
        run(*args)
