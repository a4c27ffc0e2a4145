"""Satisfaction results (ISO 10002 8.3) against a fixture whose figures are worked out by hand
below: totals, each breakdown, the comments, scoping by the visibility gate, masking, and the
same figures as the KPI catalogue's."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import kpis_compute
from redress.analytics.satisfaction import (
    Breakdown,
    answer_get,
    last_whole_months,
    satisfaction_breakdown,
    satisfaction_comments,
    satisfaction_totals,
)
from redress.complaints.masking import HIDDEN, PersonalDataScope
from redress.complaints.models import Complaint, SatisfactionResponse
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.testing import UnitFactory
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
REPORT_QUERIES = 10
PERIOD = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))


def local(*args):
    return dt.datetime(*args, tzinfo=HCM)


def make(
    team,
    *,
    category,
    owner,
    received_at,
    closed,
    answer=None,
    comment="",
    answered_at=None,
    reopened=False,
):
    """A complaint as the register would hold it (the handling itself is not the point here)."""
    complaint = receive(
        team, category=category, received_at=received_at, complainant=ComplainantFactory()
    ).complaint
    Complaint.objects.filter(pk=complaint.pk).update(
        owner=owner,
        closed_at=received_at + dt.timedelta(days=5) if closed else None,
        status="closed" if closed else "investigating",
        reopen_count=1 if reopened else 0,
    )
    if answer is not None:
        overall, fairness, clarity, speed, courtesy = answer
        SatisfactionResponse.objects.create(
            complaint=complaint,
            overall=overall,
            fairness=fairness,
            clarity=clarity,
            speed=speed,
            courtesy=courtesy,
            comment=comment,
            submitted_at=answered_at or received_at + dt.timedelta(days=6),
        )
    return complaint


@pytest.fixture
def world():
    """Two units, two categories; the complaints (# as in the worked figures):

    #   unit cat       owner  received (local)     closed  answer o,f,c,s,co   comment
    1   A    billing   hA     2025-01-10           yes     5,5,4,-,5           "Rất tốt"
    2   A    billing   hA     2025-01-20           yes     4,3,-,2,-
    3   A    delivery  hA     2025-02-05           yes     2,2,3,1,4           "Chậm quá"
    4   A    delivery  -      2025-04-01 01:00     yes     -                   (31 March in UTC)
    5   B    billing   hB     2025-04-15           yes     3,-,-,-,-           "Tạm được"
    6   B    -         hB     2025-05-02           no      -
    9   A    billing   -      2025-04-10           reopened 4,4,5,3,4          (answered, then reopened)
    10  B    billing   hB     2025-04-20           yes     -
    7   A    billing   hA     2024-12-31 23:00     yes     1                   outside the period
    8   B    delivery  hB     2025-07-01 00:30     yes     5                   outside (30 June UTC)
    """
    a = make_team(UnitFactory(name="Phòng A", name_en="A"))
    b = make_team(UnitFactory(name="Phòng B", name_en="B"))
    billing = CategoryFactory(name_vi="Hóa đơn", name_en="Billing")
    delivery = CategoryFactory(name_vi="Giao hàng", name_en="Delivery")
    c = {}
    c[1] = make(
        a,
        category=billing,
        owner=a.handler,
        received_at=local(2025, 1, 10, 9),
        closed=True,
        answer=(5, 5, 4, None, 5),
        comment="Rất tốt",
        answered_at=local(2025, 1, 25, 10),
    )
    c[2] = make(
        a,
        category=billing,
        owner=a.handler,
        received_at=local(2025, 1, 20, 9),
        closed=True,
        answer=(4, 3, None, 2, None),
    )
    c[3] = make(
        a,
        category=delivery,
        owner=a.handler,
        received_at=local(2025, 2, 5, 9),
        closed=True,
        answer=(2, 2, 3, 1, 4),
        comment="Chậm quá",
        answered_at=local(2025, 2, 20, 10),
    )
    c[4] = make(
        a,
        category=delivery,
        owner=None,
        received_at=dt.datetime(2025, 3, 31, 18, tzinfo=UTC),
        closed=True,
    )
    c[5] = make(
        b,
        category=billing,
        owner=b.handler,
        received_at=local(2025, 4, 15, 9),
        closed=True,
        answer=(3, None, None, None, None),
        comment="Tạm được",
        answered_at=local(2025, 5, 1, 10),
    )
    c[6] = make(b, category=None, owner=b.handler, received_at=local(2025, 5, 2, 9), closed=False)
    c[9] = make(
        a,
        category=billing,
        owner=None,
        received_at=local(2025, 4, 10, 9),
        closed=False,
        answer=(4, 4, 5, 3, 4),
        reopened=True,
    )
    c[10] = make(
        b, category=billing, owner=b.handler, received_at=local(2025, 4, 20, 9), closed=True
    )
    c[7] = make(
        a,
        category=billing,
        owner=a.handler,
        received_at=local(2024, 12, 31, 23),
        closed=True,
        answer=(1, None, None, None, None),
        comment="Ngoài kỳ",
    )
    c[8] = make(
        b,
        category=delivery,
        owner=b.handler,
        received_at=dt.datetime(2025, 6, 30, 17, 30, tzinfo=UTC),
        closed=True,
        answer=(5, None, None, None, None),
        comment="Cũng ngoài kỳ",
    )
    return {"a": a, "b": b, "billing": billing, "delivery": delivery, "c": c}


def figures(results):
    """(closed, answers, response %, mean overall, % 4–5, fairness, clarity, speed, courtesy)"""
    dims = tuple(figure.value for _name, _label, figure in results.dimension_means)
    return (
        results.closed,
        results.answers,
        results.response_rate.value,
        results.overall_mean.value,
        results.top2_share.value,
        *dims,
    )


def cohort(user, filters=None, period=PERIOD):
    return Cohort(user=user, period=period, filters=filters or Filters())


def test_totals_over_everything_top_management_sees(world):
    # closed 1,2,3,4,5,10; answers 1,2,3,5,9: overall 5+4+2+3+4 = 18; 4 or 5: 1,2,9.
    # fairness 5+3+2+4 = 14/4; clarity 4+3+5 = 12/3; speed 2+1+3 = 6/3; courtesy 5+4+4 = 13/3.
    # Closed at least once: 1,2,3,4,5,10 and the reopened 9 (7); 5 answers / 7 = 71.4 %.
    totals = satisfaction_totals(cohort(world["a"].top))
    assert figures(totals) == (7, 5, 71.4, 3.6, 60.0, 3.5, 4.0, 2.0, 4.33)


def test_totals_are_the_catalogues_satisfaction_kpis(world):
    mine = cohort(world["a"].auditor)
    totals = satisfaction_totals(mine)
    codes = [
        "survey_response_pct",
        "satisfaction_mean",
        "satisfaction_top2_pct",
        "satisfaction_fairness",
        "satisfaction_clarity",
        "satisfaction_speed",
        "satisfaction_courtesy",
    ]
    kpis = {r.kpi.code: r.figure.value for r in kpis_compute(cohort(world["a"].auditor), codes)}
    assert kpis == dict(zip(codes, figures(totals)[2:], strict=True))


def test_breakdown_by_category(world):
    rows = satisfaction_breakdown(cohort(world["a"].top), Breakdown.CATEGORY)
    # Billing 1,2,5,9,10: closed at least once all five; answers 1,2,5,9 (5+4+3+4 = 16); fairness 5,3,4;
    # clarity 4,5; speed 2,3; courtesy 5,4. Delivery 3,4: closed both, one answer (#3).
    # Complaint 6 (no category) is neither closed nor answered: no row.
    assert [(r.key, r.label) for r in rows] == [
        (world["billing"].pk, "Billing"),
        (world["delivery"].pk, "Delivery"),
    ]
    assert [figures(r) for r in rows] == [
        (5, 4, 80.0, 4.0, 75.0, 4.0, 4.5, 2.5, 4.5),
        (2, 1, 50.0, 2.0, 0.0, 2.0, 3.0, 1.0, 4.0),
    ]


def test_breakdown_by_unit(world):
    rows = satisfaction_breakdown(cohort(world["a"].top), Breakdown.UNIT)
    # A 1,2,3,4,9: closed 1–4 and 9 (reopened); answers 1,2,3,9 (5+4+2+4 = 15).
    # B 5,6,10: closed 5,10; #5 answered.
    assert [r.label for r in rows] == ["A", "B"]
    assert [figures(r) for r in rows] == [
        (5, 4, 80.0, 3.75, 75.0, 3.5, 4.0, 2.0, 4.33),
        (2, 1, 50.0, 3.0, 0.0, None, None, None, None),
    ]


def test_breakdown_by_handler_with_the_unowned_last(world):
    rows = satisfaction_breakdown(cohort(world["a"].top), Breakdown.HANDLER)
    # hA 1,2,3 (5+4+2 = 11, two of 4–5); nobody 4,9 (closed #4, #9 closed once, answered);
    # hB 5,6,10.
    assert [r.key for r in rows] == [world["a"].handler.pk, world["b"].handler.pk, None]
    assert rows[2].label == "Nobody (unassigned)"
    assert [figures(r)[:5] for r in rows] == [
        (3, 3, 100.0, 3.67, 66.7),
        (2, 1, 50.0, 3.0, 0.0),
        (2, 1, 50.0, 4.0, 100.0),
    ]


def test_breakdown_by_month_of_receipt_in_the_organisations_time_zone(world):
    rows = satisfaction_breakdown(cohort(world["a"].top), Breakdown.MONTH)
    # #4 was received on 31 March in UTC, 1 April in Hồ Chí Minh City: there is no March.
    # April 4,5,9,10: closed 4,5,10 and 9 (reopened); answers 5,9 (3+4). May (#6): nothing.
    assert [r.label for r in rows] == ["01/2025", "02/2025", "04/2025"]
    assert [r.key for r in rows] == [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 4, 1)]
    assert [figures(r)[:5] for r in rows] == [
        (2, 2, 100.0, 4.5, 100.0),
        (1, 1, 100.0, 2.0, 0.0),
        (4, 2, 50.0, 3.5, 50.0),
    ]


def test_filters_narrow_every_figure(world):
    delivery = cohort(world["a"].top, Filters(category=world["delivery"].pk))
    assert figures(satisfaction_totals(delivery))[:5] == (2, 1, 50.0, 2.0, 0.0)
    unit_b = cohort(world["a"].top, Filters(unit=world["b"].unit.pk))
    assert figures(satisfaction_totals(unit_b))[:5] == (2, 1, 50.0, 3.0, 0.0)
    assert [c.reference for c in satisfaction_comments(unit_b).rows] == [world["c"][5].reference]


def test_a_handler_counts_only_what_the_gate_lets_them_see(world):
    a_handler, b_handler = world["a"].handler, world["b"].handler
    seen_by_b = cohort(b_handler)
    assert figures(satisfaction_totals(seen_by_b))[:5] == (2, 1, 50.0, 3.0, 0.0)
    assert [r.label for r in satisfaction_breakdown(seen_by_b, Breakdown.UNIT)] == ["B"]
    seen_by_a = cohort(a_handler)
    assert figures(satisfaction_totals(seen_by_a))[:5] == (5, 4, 80.0, 3.75, 75.0)
    comments = [c.text for c in satisfaction_comments(seen_by_a).rows]
    assert comments == ["Chậm quá", "Rất tốt"]  # not unit B's "Tạm được"
    # A unit filter cannot reach past the gate either.
    assert satisfaction_totals(cohort(a_handler, Filters(unit=world["b"].unit.pk))).answers == 0


def test_comments_newest_first_masked_for_those_who_see_the_complainant_masked(world):
    c = world["c"]
    newest_first = [c[5].reference, c[3].reference, c[1].reference]
    for person in (world["a"].top, world["a"].auditor):
        page = satisfaction_comments(cohort(person))
        assert [row.reference for row in page.rows] == newest_first
        assert {row.text for row in page.rows} == {HIDDEN}
        assert all(row.masked for row in page.rows)
    manager_a = satisfaction_comments(cohort(world["a"].manager))
    assert [(row.text, row.masked) for row in manager_a.rows] == [
        ("Chậm quá", False),
        ("Rất tốt", False),
    ]


def test_comments_come_a_bounded_page_at_a_time(world):
    first = satisfaction_comments(cohort(world["a"].top), size=2)
    assert (len(first.rows), first.has_next, first.has_previous) == (2, True, False)
    second = satisfaction_comments(cohort(world["a"].top), page=2, size=2)
    assert [row.reference for row in second.rows] == [world["c"][1].reference]
    assert (second.has_next, second.has_previous, second.start_index) == (False, True, 3)


def test_the_report_takes_the_same_queries_for_few_or_many_complaints(world):
    def count(person):
        mine = cohort(User.objects.get(pk=person.pk))  # roles read afresh, as in a request
        with CaptureQueriesContext(connection) as queries:
            satisfaction_totals(mine)
            for by in Breakdown.values:
                satisfaction_breakdown(mine, by)
            satisfaction_comments(mine)
        return len(queries)

    # roles, the organisation's time zone, the units below the manager's (gate, masking),
    # totals, four breakdowns, comments
    few = count(world["a"].manager)
    assert few == REPORT_QUERIES
    for index in range(12):
        make(
            world["a"],
            category=world["billing"] if index % 2 else world["delivery"],
            owner=world["a"].handler,
            received_at=local(2025, 1 + index % 6, 3, 9),
            closed=True,
            answer=(1 + index % 5, None, 2, None, 3),
            comment=f"Ý kiến {index}",
        )
    assert count(world["a"].manager) == few


def test_last_whole_months():
    assert last_whole_months(dt.date(2026, 3, 15)) == Period(
        dt.date(2025, 3, 1), dt.date(2026, 2, 28)
    )
    assert last_whole_months(dt.date(2026, 1, 1)) == Period(
        dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )
    assert last_whole_months(dt.date(2024, 12, 31), 1) == Period(
        dt.date(2024, 11, 1), dt.date(2024, 11, 30)
    )


def test_one_complaints_answer_says_how_and_by_whom_it_came():
    team = make_team()
    complaint = complaint_in_state("closed", team)
    scope = PersonalDataScope.for_user(team.handler)
    assert answer_get(complaint, scope=scope) is None
    services.complaint_rate(
        complaint=complaint,
        actor=Actor.for_user(team.frontline),
        overall=4,
        speed=2,
        comment="Gọi lại hơi lâu",
        via="phone",
    )
    team.frontline.first_name, team.frontline.last_name = "Lan", "Trần"
    team.frontline.save()
    answer = answer_get(complaint, scope=scope)
    assert (answer.overall, answer.via, answer.recorded_by) == (4, "phone", "Lan Trần")
    assert [(s.name, s.value) for s in answer.scores] == [
        ("fairness", None),
        ("clarity", None),
        ("speed", 2),
        ("courtesy", None),
    ]
    assert (answer.comment, answer.comment_masked) == ("Gọi lại hơi lâu", False)
    assert answer.submitted_at <= timezone.now()
    masked = answer_get(complaint, scope=PersonalDataScope.for_user(team.auditor))
    assert (masked.comment, masked.comment_masked, masked.overall) == (HIDDEN, True, 4)


def test_an_answer_given_on_the_portal_names_no_person():
    team = make_team()
    complaint = complaint_in_state("closed", team)
    services.complaint_rate(complaint=complaint, actor=Actor.channel("web"), overall=5)
    answer = answer_get(complaint, scope=PersonalDataScope.for_user(team.handler))
    assert (answer.via, answer.recorded_by, answer.comment, answer.comment_masked) == (
        "web",
        "",
        "",
        False,
    )
