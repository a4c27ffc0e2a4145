"""The KPI catalogue against fixtures whose figures were worked out by hand (docs/kpis.md).

Complaints are written straight into the register with the timestamps each case needs: the
KPIs read the register, so this checks the formulas and their edge cases. A complaint taken
through the real lifecycle is checked at the end.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from redress.analytics.ageing import age_cutoff
from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import CATALOGUE, kpis_compute
from redress.analytics.models import ActivityMeasure, ActivityVolume
from redress.analytics.testing import VN, at, register_row
from redress.complaints.models import (
    Channel,
    Classification,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Outcome,
    Reaction,
    SatisfactionResponse,
    Status,
)
from redress.complaints.models.records import Remedy
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.errors import ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import complaint_in_state, make_team
from redress.sla.models import StageClock
from redress.sla.selectors import calendar_for_unit

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=VN)
row = register_row


def figures(user, period=MARCH, **filters) -> dict:
    cohort = Cohort(user=user, period=period, filters=Filters(**filters), now=NOW)
    return {result.kpi.code: result.figure for result in kpis_compute(cohort)}


@pytest.fixture
def team():
    return make_team()


def test_volume_counts_whole_days_in_the_organisations_time_zone(team):
    row(team.unit, "2026-03-01 00:00")  # first instant of the period
    row(team.unit, "2026-03-31 23:59")  # last minute of it
    row(team.unit, "2026-02-28 23:59")  # the day before
    row(team.unit, "2026-04-01 00:00")  # the day after
    # 2026-03-31 17:30 UTC is already 1 April in Hanoi.
    Complaint.objects.filter(pk=row(team.unit, "2026-03-15 10:00").pk).update(
        received_at=dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC)
    )
    result = figures(team.manager)
    assert result["volume"].value == 2


def test_acknowledged_on_time_counts_late_and_overdue_and_leaves_out_what_is_not_yet_due(team):
    row(
        team.unit,
        "2026-03-02 09:00",
        acknowledge_due_at=at("2026-03-03 23:59"),
        acknowledged_at=at("2026-03-02 15:00"),
    )  # on time (6 h)
    row(
        team.unit,
        "2026-03-05 09:00",
        acknowledge_due_at=at("2026-03-06 23:59"),
        acknowledged_at=at("2026-03-07 09:00"),
    )  # late (48 h)
    row(team.unit, "2026-03-10 09:00", acknowledge_due_at=at("2026-03-11 23:59"))  # overdue
    row(team.unit, "2026-03-31 20:00", acknowledge_due_at=at("2026-04-20 23:59"))  # not yet due
    row(team.unit, "2026-03-20 09:00", acknowledged_at=at("2026-03-20 12:00"))  # no deadline (3 h)
    row(
        team.unit,
        "2026-03-25 09:00",
        acknowledge_due_at=at("2026-03-26 23:59"),
        acknowledged_at=at("2026-03-26 23:59"),
    )  # exactly at the deadline: on time (38:59 h)
    row(
        team.unit,
        "2026-02-27 09:00",
        acknowledge_due_at=at("2026-03-02 23:59"),
        acknowledged_at=at("2026-02-27 10:00"),
    )  # received before the period

    result = figures(team.manager)

    assert (result["ack_on_time_pct"].numerator, result["ack_on_time_pct"].denominator) == (2, 4)
    assert result["ack_on_time_pct"].value == 50.0
    # Hours to acknowledge: 3, 6, 38.98, 48 → median (6 + 38.98) / 2.
    assert result["median_hours_to_ack"].denominator == 4
    assert result["median_hours_to_ack"].value == round((6 + 38 + 59 / 60) / 2, 2)


def test_each_stage_is_measured_against_its_own_deadline(team):
    row(
        team.unit,
        "2026-03-02 09:00",
        assess_due_at=at("2026-03-05 23:59"),
        assessed_at=at("2026-03-04 10:00"),
        decision_due_at=at("2026-03-20 23:59"),
        decision_communicated_at=at("2026-03-23 10:00"),
        close_due_at=at("2026-04-10 23:59"),
        closed_at=at("2026-04-01 10:00"),
        status=Status.CLOSED,
    )
    row(
        team.unit,
        "2026-03-03 09:00",
        assess_due_at=at("2026-03-06 23:59"),
        assessed_at=at("2026-03-09 10:00"),
        decision_due_at=at("2026-04-20 23:59"),  # not yet due
        close_due_at=at("2026-04-14 23:59"),
    )  # overdue, still open

    result = figures(team.manager)

    assert (result["assess_on_time_pct"].numerator, result["assess_on_time_pct"].denominator) == (
        1,
        2,
    )
    assert (
        result["decision_on_time_pct"].numerator,
        result["decision_on_time_pct"].denominator,
    ) == (0, 1)
    assert (result["close_on_time_pct"].numerator, result["close_on_time_pct"].denominator) == (
        1,
        2,
    )
    assert result["decision_on_time_pct"].value == 0.0


def test_nothing_to_count_gives_no_value_rather_than_zero(team):
    result = figures(team.manager)
    assert result["volume"].value == 0
    for code in ("ack_on_time_pct", "median_hours_to_ack", "satisfaction_mean", "upheld_pct"):
        assert result[code].value is None, code


def _clock(complaint, stage, *, days, outcome=StageClock.Outcome.MET, round=1, **fields):
    return StageClock.objects.create(
        complaint=complaint,
        stage=stage,
        round=round,
        started_at=complaint.received_at,
        completed_at=complaint.received_at + dt.timedelta(days=days),
        working_days=days,
        outcome=outcome,
        **fields,
    )


def test_time_to_close_is_measured_in_working_days_to_the_first_closure(team):
    for days in (2, 5, 9, 20):
        complaint = row(
            team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-04-01 09:00")
        )
        _clock(complaint, "close", days=days)
    reopened = row(team.unit, "2026-03-02 09:00", reopen_count=1)
    _clock(reopened, "close", days=4)
    _clock(reopened, "close", days=30, round=2)  # the second round is not counted
    withdrawn = row(team.unit, "2026-03-02 09:00")
    _clock(withdrawn, "close", days=1, outcome=StageClock.Outcome.CANCELLED)

    result = figures(team.manager)

    # 2, 4, 5, 9, 20 working days
    assert result["median_working_days_to_close"].value == 5
    assert result["mean_working_days_to_close"].value == 8.0
    assert result["mean_working_days_to_close"].numerator == 40
    assert result["mean_working_days_to_close"].denominator == 5


def test_backlog_is_open_complaints_now_by_working_day_age(team):
    # Now is Wednesday 15 April 2026. The 8th working day back is Monday 6 April, the 31st is
    # Wednesday 4 March (no public holiday in between).
    row(team.unit, "2026-04-15 08:00")  # 0
    row(team.unit, "2026-04-06 09:00")  # 7
    row(team.unit, "2026-04-05 12:00")  # Sunday: 8
    row(team.unit, "2026-03-04 08:00")  # 30
    row(team.unit, "2026-03-03 23:00")  # 31
    row(team.unit, "2026-01-05 09:00")  # long ago
    row(team.unit, "2026-04-10 09:00", status=Status.CLOSED, closed_at=at("2026-04-11 09:00"))

    result = figures(team.manager)

    assert (
        result["backlog_0_7"].value,
        result["backlog_8_30"].value,
        result["backlog_over_30"].value,
    ) == (2, 2, 2)
    # The cut-offs agree with the deadline engine's own count of working days.
    calendar = calendar_for_unit(team.unit.pk)
    for complaint in Complaint.objects.exclude(status=Status.CLOSED):
        age = calendar.working_days_between(complaint.received_at, NOW)
        assert (complaint.received_at >= age_cutoff(calendar, NOW, 7)) == (age <= 7)
        assert (complaint.received_at >= age_cutoff(calendar, NOW, 30)) == (age <= 30)


def test_vn7_compliance_uses_the_legal_limit_of_seven_working_days(team):
    met = row(team.unit, "2026-03-02 09:00", is_negotiation_request=True)
    _clock(met, "decision", days=6, statutory=True, due_at=at("2026-03-11 23:59"))
    missed = row(team.unit, "2026-03-02 09:00", is_negotiation_request=True)
    _clock(
        missed,
        "decision",
        days=8,
        statutory=True,
        due_at=at("2026-03-11 23:59"),
        outcome=StageClock.Outcome.BREACHED,
    )
    # The policy's own target (3 days) was missed, but the decision came on day 5: the law is met.
    policy_missed = row(team.unit, "2026-03-02 09:00", is_negotiation_request=True)
    _clock(
        policy_missed,
        "decision",
        days=5,
        due_at=at("2026-03-05 23:59"),
        outcome=StageClock.Outcome.BREACHED,
    )
    # Received the same day, same target missed, decided on 12 March: the law is missed too
    # (the legal limit, worked out once for the day, serves both).
    late_too = row(team.unit, "2026-03-02 10:00", is_negotiation_request=True)
    _clock(
        late_too,
        "decision",
        days=10,
        due_at=at("2026-03-05 23:59"),
        outcome=StageClock.Outcome.BREACHED,
    )
    # Still waiting, and the 7 working days (to 11 March) are long gone.
    StageClock.objects.create(
        complaint=row(team.unit, "2026-03-02 09:00", is_negotiation_request=True),
        stage="decision",
        started_at=at("2026-03-02 09:00"),
        due_at=at("2026-03-05 23:59"),
    )
    # Not a negotiation request: not counted.
    _clock(
        row(team.unit, "2026-03-02 09:00"), "decision", days=30, outcome=StageClock.Outcome.BREACHED
    )

    result = figures(team.manager)["vn7_compliance_pct"]

    assert (result.numerator, result.denominator) == (2, 5)


def test_internal_reviews_on_time_count_each_round_and_the_running_ones_past_their_deadline(team):
    def review(complaint, outcome, *, due, done=None, round=1):
        return StageClock.objects.create(
            complaint=complaint,
            stage="review",
            round=round,
            started_at=at("2026-03-20 09:00"),
            due_at=at(due) if due else None,
            completed_at=at(done) if done else None,
            outcome=outcome,
        )

    twice = row(team.unit, "2026-03-02 09:00", status=Status.UNDER_REVIEW)
    review(twice, "met", due="2026-03-27 17:00", done="2026-03-27 17:00")  # at the deadline
    review(twice, "breached", due="2026-04-03 17:00", done="2026-04-06 10:00", round=2)
    # Still running, its deadline passed before now (15 April): late.
    review(row(team.unit, "2026-03-05 09:00"), "running", due="2026-04-10 17:00")
    # Left out: running and not yet due; not needed (withdrawn during the review); no target.
    review(row(team.unit, "2026-03-06 09:00"), "running", due="2026-04-20 17:00")
    review(
        row(team.unit, "2026-03-07 09:00"),
        "cancelled",
        due="2026-04-01 17:00",
        done="2026-03-25 09:00",
    )
    review(row(team.unit, "2026-03-08 09:00"), "met", due=None, done="2026-03-25 09:00")
    # Received in April: outside the cohort.
    review(
        row(team.unit, "2026-04-01 09:00"), "met", due="2026-04-08 17:00", done="2026-04-07 09:00"
    )
    # Another unit's review: not the handler's to see.
    review(
        row(UnitFactory.create(), "2026-03-09 09:00"),
        "breached",
        due="2026-03-27 17:00",
        done="2026-03-30 09:00",
    )

    result = figures(team.manager)["review_on_time_pct"]
    assert (result.numerator, result.denominator, result.value) == (1, 3, 33.3)
    assert figures(team.handler)["review_on_time_pct"].denominator == 3
    assert figures(team.top)["review_on_time_pct"].denominator == 4
    assert CATALOGUE["review_on_time_pct"].section == "timeliness"


def _decision(complaint, outcome, reaction="", state=Decision.State.COMMUNICATED, amount=0):
    decision = Decision.objects.create(
        complaint=complaint,
        outcome=outcome,
        summary="…",
        reasons="…",
        state=state,
        proposed_by=complaint.unit.memberships.first().user,
        proposed_at=complaint.received_at,
        reaction=reaction,
    )
    if amount:
        Remedy.objects.create(decision=decision, type="refund", amount=amount)
    return decision


def test_outcomes_of_communicated_decisions(team):
    c1, c2, c3 = (row(team.unit, "2026-03-02 09:00") for _ in range(3))
    _decision(c1, Outcome.UPHELD, Reaction.ACCEPTED, amount=8_990_000)
    _decision(c2, Outcome.PARTLY_UPHELD, Reaction.REJECTED, amount=1_000_000)
    _decision(c3, Outcome.NOT_UPHELD, Reaction.NO_REPLY)
    _decision(c3, Outcome.UPHELD, state=Decision.State.PROPOSED, amount=50_000_000)  # not yet

    result = figures(team.manager)

    assert (result["upheld_pct"].numerator, result["upheld_pct"].denominator) == (2, 3)
    assert result["upheld_pct"].value == 66.7
    assert (result["acceptance_pct"].numerator, result["acceptance_pct"].denominator) == (1, 3)
    assert result["remedy_cost_total"].value == Decimal("9990000")
    assert result["remedy_cost_per_complaint"].value == Decimal("3330000")


def test_shares_of_the_complaints_received(team):
    closed = [
        row(team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-20 09:00"))
        for _ in range(4)
    ]
    row(team.unit, "2026-03-03 09:00", reopen_count=1)  # reopened, open again
    row(team.unit, "2026-03-03 09:00", classification=Classification.OUT_OF_SCOPE)
    withdrawn = row(team.unit, "2026-03-04 09:00", status=Status.WITHDRAWN)
    ComplaintEvent.objects.create(
        complaint=withdrawn,
        at=at("2026-03-05 09:00"),
        action="withdraw",
        to_status=Status.WITHDRAWN,
        actor_kind="complainant",
        actor_label="…",
    )
    ComplaintEvent.objects.create(
        complaint=closed[0],
        at=at("2026-03-10 09:00"),
        action="escalate",
        to_status=Status.UNDER_REVIEW,
        actor_kind="complainant",
        actor_label="…",
    )
    ExternalReferral.objects.create(
        complaint=closed[0],
        provider="Sở Công Thương",
        consent_at=at("2026-03-12 09:00"),
        referred_at=at("2026-03-12 09:00"),
    )
    Complaint.objects.filter(pk=closed[1].pk).update(is_significant=True)

    result = figures(team.manager)

    assert result["volume"].value == 7
    assert (result["reopen_pct"].numerator, result["reopen_pct"].denominator) == (1, 5)
    assert (result["escalation_pct"].numerator, result["escalation_pct"].denominator) == (1, 7)
    assert (result["referral_pct"].numerator, result["referral_pct"].denominator) == (1, 4)
    assert (result["not_accepted_pct"].numerator, result["not_accepted_pct"].value) == (1, 14.3)
    assert result["withdrawn_pct"].numerator == 1
    assert result["significant_count"].value == 1


def test_first_contact_resolution_is_a_same_day_decision_never_reviewed_or_reopened(team):
    same_day = row(
        team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-02 16:00")
    )
    _clock(same_day, "decision", days=0)
    next_day = row(
        team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-04 16:00")
    )
    _clock(next_day, "decision", days=1)
    reviewed = row(
        team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-02 17:00")
    )
    _clock(reviewed, "decision", days=0)
    ComplaintEvent.objects.create(
        complaint=reviewed,
        at=at("2026-03-02 16:00"),
        action="escalate",
        to_status=Status.UNDER_REVIEW,
        actor_kind="complainant",
        actor_label="…",
    )
    _clock(row(team.unit, "2026-03-02 09:00"), "decision", days=0)  # decided, not closed

    result = figures(team.manager)["first_contact_resolution_pct"]

    assert (result.numerator, result.denominator) == (1, 3)


def test_repeat_complainants_have_another_complaint_within_90_days(team):
    again = ComplainantFactory.create()
    row(team.unit, "2026-03-10 09:00", complainant=again)
    row(team.unit, "2026-01-01 09:00", complainant=again)  # 68 days before: repeat
    earlier = ComplainantFactory.create()
    row(team.unit, "2026-03-10 09:00", complainant=earlier)
    row(team.unit, "2025-11-01 09:00", complainant=earlier)  # 129 days before: not
    twice = ComplainantFactory.create()
    row(team.unit, "2026-03-02 09:00", complainant=twice)
    row(team.unit, "2026-03-30 09:00", complainant=twice)  # both in the period: one person
    row(team.unit, "2026-03-15 09:00")

    result = figures(team.manager)["repeat_complainant_pct"]

    assert (result.numerator, result.denominator) == (2, 4)
    assert result.value == 50.0


def test_satisfaction_scores_and_response_rate(team):
    answers = [(5, 4, None), (4, None, 3), (2, 2, None)]
    for overall, fairness, speed in answers:
        complaint = row(
            team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-20 09:00")
        )
        SatisfactionResponse.objects.create(
            complaint=complaint,
            overall=overall,
            fairness=fairness,
            speed=speed,
            submitted_at=at("2026-03-21 09:00"),
        )
    row(team.unit, "2026-03-02 09:00", status=Status.CLOSED, closed_at=at("2026-03-20 09:00"))

    result = figures(team.manager)

    assert result["satisfaction_mean"].value == round(11 / 3, 2)
    assert (
        result["satisfaction_top2_pct"].numerator,
        result["satisfaction_top2_pct"].denominator,
    ) == (2, 3)
    assert (result["survey_response_pct"].numerator, result["survey_response_pct"].denominator) == (
        3,
        4,
    )
    assert result["satisfaction_fairness"].value == 3.0
    assert result["satisfaction_speed"].value == 3.0
    assert result["satisfaction_clarity"].value is None


def test_vulnerable_consumers_acknowledged_on_time(team):
    """Vulnerability as said with each complaint, not as the person's record says now."""
    elderly = ComplainantFactory.create(vulnerable_group="elderly")
    row(
        team.unit,
        "2026-03-02 09:00",
        complainant=elderly,
        vulnerable_group="elderly",
        acknowledge_due_at=at("2026-03-02 23:59"),
        acknowledged_at=at("2026-03-02 10:00"),
    )
    row(
        team.unit,
        "2026-03-03 09:00",
        vulnerable_group="child",
        acknowledge_due_at=at("2026-03-03 23:59"),
        acknowledged_at=at("2026-03-04 10:00"),
    )
    row(  # the same person, not vulnerable this time: not counted
        team.unit,
        "2026-03-03 09:00",
        complainant=elderly,
        acknowledge_due_at=at("2026-03-03 23:59"),
        acknowledged_at=at("2026-03-03 10:00"),
    )

    result = figures(team.manager)["vulnerable_priority_pct"]

    assert (result.numerator, result.denominator) == (1, 2)


def test_complaint_rate_per_thousand_orders_with_partly_covered_months(team):
    for _ in range(6):
        row(team.unit, "2026-03-20 09:00")
    ActivityVolume.objects.create(
        month=dt.date(2026, 3, 1), measure=ActivityMeasure.ORDERS, count=3100
    )
    ActivityVolume.objects.create(
        month=dt.date(2026, 4, 1), measure=ActivityMeasure.ORDERS, count=3000
    )
    top = team.top

    march = figures(top)["complaint_rate"]
    assert (march.numerator, march.denominator, march.value) == (6, 3100, round(6000 / 3100, 3))
    # 16 March – 15 April: 16/31 of March and 15/30 of April.
    spanning = figures(top, period=Period(dt.date(2026, 3, 16), dt.date(2026, 4, 15)))
    assert spanning["complaint_rate"].denominator == Decimal(1600 + 1500)
    # A month without a figure, a filter, or a person who sees one unit: no rate.
    assert (
        figures(top, period=Period(dt.date(2026, 2, 1), dt.date(2026, 3, 31)))[
            "complaint_rate"
        ].value
        is None
    )
    assert figures(top, channel=Channel.WEB)["complaint_rate"].value is None
    assert figures(team.handler)["complaint_rate"].value is None


def test_filters_narrow_the_cohort_with_sub_units_and_sub_categories(team):
    branch = UnitFactory.create(parent=team.unit)
    elsewhere = UnitFactory.create()
    parent = CategoryFactory.create()
    child = CategoryFactory.create(parent=parent)
    row(team.unit, "2026-03-02 09:00", category=parent, channel=Channel.EMAIL)
    row(branch, "2026-03-02 09:00", category=child, priority="high")
    row(elsewhere, "2026-03-02 09:00", category=child)
    top = team.top

    assert figures(top)["volume"].value == 3
    assert figures(top, unit=team.unit.pk)["volume"].value == 2
    assert figures(top, category=parent.pk)["volume"].value == 3
    assert figures(top, category=child.pk)["volume"].value == 2
    assert figures(top, channel=Channel.EMAIL)["volume"].value == 1
    assert figures(top, priority="high")["volume"].value == 1


def test_every_figure_counts_only_what_the_person_may_see(team):
    other = make_team()
    row(team.unit, "2026-03-02 09:00")
    row(other.unit, "2026-03-02 09:00")
    row(other.unit, "2026-03-03 09:00")
    nobody = staff(Role.ADMIN, team.unit)

    assert figures(team.handler)["volume"].value == 1
    assert figures(other.manager)["volume"].value == 2
    assert figures(team.top)["volume"].value == 3
    assert figures(team.auditor)["volume"].value == 3
    assert figures(nobody)["volume"].value == 0
    assert (
        figures(team.handler)["backlog_0_7"].value
        + figures(team.handler)["backlog_over_30"].value
        + figures(team.handler)["backlog_8_30"].value
        == 1
    )


def test_an_unknown_kpi_code_is_refused_naming_it(team):
    cohort = Cohort(user=team.manager, period=MARCH, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        kpis_compute(cohort, ["volume", "happiness"])
    assert "happiness" in refused.value.fields["kpi"][0]


def test_every_kpi_has_a_name_in_vietnamese_and_english_and_a_formula():
    for kpi in CATALOGUE.values():
        assert kpi.name_in("en") and kpi.name_in("vi") and str(kpi.formula), kpi.code
        assert kpi.name_in("vi") != kpi.name_in("en"), kpi.code


def test_the_catalogue_reads_what_the_lifecycle_records(team):
    """A complaint received, acknowledged and taken to a communicated decision through the
    real services shows in the figures of the day it was received."""
    complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    today = complaint.received_at.astimezone(VN).date()
    cohort = Cohort(user=team.manager, period=Period(today, today))
    result = {r.kpi.code: r.figure for r in kpis_compute(cohort)}
    assert result["volume"].value == 1
    assert (result["ack_on_time_pct"].numerator, result["ack_on_time_pct"].denominator) == (1, 1)
    assert result["upheld_pct"].denominator == 1
