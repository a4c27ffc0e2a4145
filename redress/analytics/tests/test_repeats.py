"""Repeat complainants counted over the links (``analytics.repeats``) give exactly what the
definition (``measures.repeat_counts``) gives, on random registers full of returning
complainants, gaps of exactly 90 days and complaints some people may not see; and the links
are the same whether written receipt by receipt or rebuilt at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest

from redress.analytics import figures, measures, repeats, rollup
from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.models import ComplaintRepeat
from redress.analytics.testing import VN, register_row
from redress.complaints.testing import ComplainantFactory
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import make_team, receive
from redress.intake.importing import mapping_guess, plan_write, table_check, table_read

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=VN)
FIRST = dt.datetime(2026, 1, 1, 9, 0, tzinfo=VN)
PERIODS = [
    Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    Period(dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
    Period(dt.date(2026, 4, 1), dt.date(2026, 4, 1)),  # 90 days after the first complaints
    Period(dt.date(2026, 6, 30), dt.date(2026, 9, 27)),
    Period(dt.date(2026, 9, 28), dt.date(2026, 12, 31)),
]


def _links():
    return sorted(
        ComplaintRepeat.objects.values_list(
            "complaint_id",
            "complainant_id",
            "received_at",
            "previous_at",
            "near_another",
            "previous_near_at",
        )
    )


@pytest.fixture
def register():
    """Complaints of twenty people on whole days (plus a few minutes), so that many pairs are
    exactly 90 days apart, in a unit and another top-level one; some about the top manager,
    some restricted at the complainant's request, which only some people see."""
    team = make_team()
    elsewhere = UnitFactory.create()
    people = [ComplainantFactory.create() for _ in range(20)]
    rng = random.Random(12)
    for _ in range(220):
        received = FIRST + dt.timedelta(
            days=rng.randrange(0, 360), minutes=rng.choice([0, 0, 0, 1, 30])
        )
        fields = {
            "complainant": rng.choice(people),
            "subject_staff": team.top if rng.random() < 0.05 else None,
            "processing_restricted": rng.random() < 0.05,
        }
        register_row(rng.choice([team.unit, elsewhere]), received, **fields)
    # Exactly 90 days apart (counted), and 90 days and a second (not), across period edges.
    exact, beyond = ComplainantFactory.create(), ComplainantFactory.create()
    register_row(team.unit, FIRST, complainant=exact)
    register_row(team.unit, FIRST + dt.timedelta(days=90), complainant=exact)
    register_row(elsewhere, FIRST, complainant=beyond)
    register_row(elsewhere, FIRST + dt.timedelta(days=90, seconds=1), complainant=beyond)
    # Two complaints at the same instant.
    twice = ComplainantFactory.create()
    register_row(team.unit, FIRST + dt.timedelta(days=200), complainant=twice)
    register_row(elsewhere, FIRST + dt.timedelta(days=200), complainant=twice)
    rollup.rollup_rebuild()
    # The whole organisation's complaints manager (both top-level units), who sees everything.
    chief = staff(Role.COMPLAINTS_MANAGER, team.unit)
    chief.memberships.create(unit=elsewhere, role=Role.COMPLAINTS_MANAGER)
    return team, elsewhere, chief


def test_repeat_complainants_from_the_links_equal_the_definition(register):
    team, _elsewhere, chief = register
    people = [None, team.top, team.auditor, chief]
    compared = 0
    for person in people:
        for period in PERIODS:
            cohort = Cohort(user=person, period=period, now=NOW)
            linked = figures.repeat_complainants(cohort)
            assert repeats.repeat_linked(cohort, volume=cohort.complaints.count()) is not None
            direct = measures.repeat_complainants(Cohort(user=person, period=period, now=NOW))
            assert linked == direct, (getattr(person, "username", None), period)
            compared += direct["repeat"]
    assert compared > 0


def test_people_who_see_part_of_the_register_and_filters_are_searched_from_the_near_links(
    register,
):
    """The links do not answer these cohorts: the definition's search runs over the cohort's
    near complaints only (``repeats.repeat_narrowed``), and gives the definition's counts."""
    team, elsewhere, _chief = register
    compared = 0
    for person, filters in [
        (team.manager, Filters()),
        (team.handler, Filters()),
        (team.top, Filters(unit=elsewhere.pk)),
        (team.manager, Filters(unit=team.unit.pk)),
        (None, Filters(unit=team.unit.pk)),
    ]:
        for period in PERIODS:
            cohort = Cohort(user=person, period=period, filters=filters, now=NOW)
            assert repeats.repeat_linked(cohort, volume=0) is None
            direct = measures.repeat_complainants(
                Cohort(user=person, period=period, filters=filters, now=NOW)
            )
            assert figures.repeat_complainants(cohort) == direct, (person, period, filters)
            assert repeats.repeat_narrowed(cohort) == direct
            compared += direct["repeat"]
    assert compared > 0


def test_the_edges_of_the_window(register):
    """Exactly 90 days apart counts; 90 days and a second does not; the same instant does."""
    one_day = Cohort(user=None, period=PERIODS[2], now=NOW)  # 1 April: the second complaints
    found = figures.repeat_complainants(one_day)
    direct = measures.repeat_complainants(Cohort(user=None, period=PERIODS[2], now=NOW))
    assert found == direct
    links = {
        link.complaint_id: link
        for link in ComplaintRepeat.objects.filter(received_at=FIRST + dt.timedelta(days=90))
    }
    assert [link.near_another for link in links.values()] == [True]


def test_a_rebuild_writes_what_the_receipts_wrote(register):
    written = _links()
    repeats.repeat_links_rebuild()
    assert _links() == written
    assert len(written) > 200


def test_a_receipt_rewrites_its_complainants_links_even_when_received_earlier():
    team = make_team()
    person = ComplainantFactory.create()
    later = receive(team, complainant=person, received_at=FIRST + dt.timedelta(days=100)).complaint
    lone = ComplaintRepeat.objects.get(complaint_id=later.pk)
    assert (lone.previous_at, lone.near_another) == (None, False)
    # Taken by phone earlier and entered now: it becomes the first, and both are near.
    earlier = receive(team, complainant=person, received_at=FIRST + dt.timedelta(days=20)).complaint
    links = {link.complaint_id: link for link in ComplaintRepeat.objects.all()}
    assert links[earlier.pk].previous_at is None
    assert links[later.pk].previous_at == earlier.received_at
    assert links[later.pk].previous_near_at == earlier.received_at
    assert links[earlier.pk].near_another and links[later.pk].near_another
    written = _links()
    repeats.repeat_links_rebuild()
    assert _links() == written


def test_an_import_writes_the_links_of_its_complainants():
    make_team()
    earlier = ComplainantFactory.create(full_name="Nguyễn Văn An", email="an@example.vn")
    receive(make_team(), complainant=earlier, received_at=FIRST)
    day = dt.date.today() - dt.timedelta(days=3)
    rows = [
        ["Nguyễn Văn An", "an@example.vn", "Hóa đơn sai", "Tính tiền hai lần.", day.isoformat()],
        ["Nguyễn Văn An", "an@example.vn", "Lần hai", "Lại sai.", day.isoformat()],
        ["Trần Thị Bình", "binh@example.vn", "Giao trễ", "Trễ 10 ngày.", day.isoformat()],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([["Họ tên", "Email", "Tiêu đề", "Nội dung", "Ngày nhận"], *rows])
    table = table_read(out.getvalue().encode("utf-8"), "file.csv")
    plan_write(table_check(table, mapping_guess(table.headers)))

    written = _links()
    assert len(written) == 4
    assert sum(near for *_rest, near, _previous_near in written) == 2
    repeats.repeat_links_rebuild()
    assert _links() == written
