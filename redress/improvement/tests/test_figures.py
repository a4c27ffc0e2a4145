"""The improvement KPIs and the Pareto by root cause, in the analytics catalogue, against
figures worked by hand."""

import datetime as dt

import pytest

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import CATALOGUE, kpis_compute
from redress.analytics.tables import BREAKDOWNS, breakdown_compute
from redress.core.actors import Actor
from redress.improvement.models import Capa
from redress.improvement.services import capa_check, capa_verify, systemic_issue_open
from redress.improvement.tests.helpers import capa_for, capa_implemented, cause, complaint_on
from redress.sla.testing import local

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
CODES = [
    "systemic_issues_opened",
    "systemic_with_capa_pct",
    "capa_on_time_pct",
    "capa_effective_pct",
]


def figures(user, period=MARCH, now=None):
    cohort = Cohort(user=user, period=period, now=now or local("2026-04-30 12:00"))
    return {r.kpi.code: r.figure for r in kpis_compute(cohort, CODES)}


def test_the_catalogue_and_the_breakdowns_hold_the_improvement_figures():
    assert set(CODES) <= set(CATALOGUE)
    assert {CATALOGUE[c].section for c in CODES} == {"improvement"}
    assert "pareto_cause" in BREAKDOWNS


def test_issues_opened_and_the_share_with_a_capa(team, clock):
    manager = Actor.for_user(team.manager)
    first = systemic_issue_open(actor=manager, title="a", unit=team.unit)
    systemic_issue_open(actor=manager, title="b", unit=team.unit)
    systemic_issue_open(actor=manager, title="c", unit=team.unit)
    capa_for(team, source="systemic_issue", source_issue=first, source_note="")
    clock.set("2026-04-02 09:00")
    systemic_issue_open(actor=manager, title="April", unit=team.unit)
    found = figures(team.manager)
    assert found["systemic_issues_opened"].value == 3
    assert (
        found["systemic_with_capa_pct"].numerator,
        found["systemic_with_capa_pct"].denominator,
    ) == (1, 3)
    assert found["systemic_with_capa_pct"].value == 33.3
    assert figures(team.frontline)["systemic_issues_opened"].value == 0  # sees none


def test_capa_on_time_and_effective(team, clock):
    # Implemented on Mon 9 March, due after 10 working days (Mon 23 March): on time.
    on_time = capa_implemented(team, check_window_days=1, cause=cause("system-data"))
    # Planned the same day for 2 working days (due end of Wed 11 March), implemented on the 13th.
    late = capa_for(team, check_window_days=1, cause=cause("system-data"))
    owner = Actor.for_user(team.handler)
    from redress.improvement.services import capa_implement, capa_plan, capa_start

    late = capa_start(
        capa=capa_plan(capa=late, actor=owner, plan="p", due_working_days=2), actor=owner
    )
    clock.set("2026-03-13 10:00")
    capa_implement(capa=late, actor=owner)
    clock.set("2026-03-20 10:00")
    manager = Actor.for_user(team.manager)
    capa_verify(capa=capa_check(capa=on_time, actor=manager), actor=manager, effective=True)
    late = capa_check(capa=Capa.objects.get(pk=late.pk), actor=manager)
    capa_verify(capa=late, actor=manager, effective=False, reason="Vẫn tái diễn")
    found = figures(team.manager)
    assert (found["capa_on_time_pct"].numerator, found["capa_on_time_pct"].denominator) == (1, 2)
    assert (found["capa_effective_pct"].numerator, found["capa_effective_pct"].denominator) == (
        1,
        2,
    )
    assert found["capa_effective_pct"].value == 50.0


def test_the_pareto_by_root_cause(team, clock):
    handover, data = cause("process-handover"), cause("system-data")
    for _n in range(3):
        complaint_on(team, local("2026-03-05 10:00"), root_cause=handover)
    complaint_on(team, local("2026-03-06 10:00"), root_cause=data)
    complaint_on(team, local("2026-03-06 11:00"))  # no cause recorded
    complaint_on(team, local("2026-04-06 11:00"), root_cause=data)  # another period
    table = breakdown_compute("pareto_cause", Cohort(user=team.manager, period=MARCH))
    assert [(r.label, r.values["count"], r.values["cumulative"]) for r in table.rows] == [
        ("Handover between units", 3, 75.0),
        ("Data error", 1, 100.0),
    ]
    assert table.notes == ["1 complaint of the period has no recorded root cause."]
