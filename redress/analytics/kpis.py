"""The KPI catalogue (ISO 10002 8.4; ISO10002.md §4; definitions in docs/kpis.md).

A KPI is registered once, with its code, name, formula, unit, direction and how to compute it
over a cohort; the dashboards, the API (``GET /api/v1/kpis``), the ``redress kpi`` command and
the reports all read ``kpis_compute``. Other apps add their KPIs with ``kpi_register``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from redress.analytics import ageing, figures, measures
from redress.analytics.cohort import Cohort
from redress.core.errors import ValidationFailed
from redress.core.selectors import organisation_get

Number = int | float | Decimal


class KpiUnit(models.TextChoices):
    COUNT = "count", _("complaints")
    PERCENT = "percent", _("%")
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    MONEY = "money", _("money")
    SCORE = "score", _("score (1–5)")
    PER_THOUSAND = "per_1000", _("per 1,000")


class Better(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NEITHER = "neither", _("Neither")


@dataclass(frozen=True)
class Figure:
    """A KPI's value with the numerator and denominator it came from (None: not defined, e.g.
    nothing to divide by)."""

    value: Number | None
    numerator: Number | None = None
    denominator: Number | None = None


@dataclass(frozen=True)
class Kpi:
    code: str
    name: Promise
    formula: Promise
    unit: KpiUnit
    better: Better
    compute: Callable[[Cohort], Figure]
    section: str = "handling"
    # False for figures about now (the backlog): the period does not narrow them.
    cohort_based: bool = True

    def name_in(self, language: str) -> str:
        with override(language):
            return str(self.name)


@dataclass(frozen=True)
class KpiResult:
    kpi: Kpi
    figure: Figure


CATALOGUE: dict[str, Kpi] = {}


def kpi_register(*kpis: Kpi) -> None:
    for kpi in kpis:
        if kpi.code in CATALOGUE:
            raise ValueError(f"KPI {kpi.code} is registered twice")
        CATALOGUE[kpi.code] = kpi


def kpi_codes_check(codes: Iterable[str]) -> list[str]:
    """The codes, in order, or a refusal naming the first unknown one."""
    checked = []
    for code in codes:
        if code not in CATALOGUE:
            message = _("There is no KPI with the code “%(code)s”.") % {"code": code}
            raise ValidationFailed(message, fields={"kpi": [message]})
        checked.append(code)
    return checked


def kpis_compute(cohort: Cohort, codes: Iterable[str] | None = None) -> list[KpiResult]:
    """The figures of the given KPIs (default: the whole catalogue) over one cohort."""
    chosen = kpi_codes_check(codes) if codes is not None else list(CATALOGUE)
    return [KpiResult(CATALOGUE[code], CATALOGUE[code].compute(cohort)) for code in chosen]


# ---------------------------------------------------------------------------------------------
# Building blocks


def percent(numerator: int, denominator: int) -> Figure:
    if not denominator:
        return Figure(None, numerator, denominator)
    return Figure(round(100 * numerator / denominator, 1), numerator, denominator)


def mean(total: Number | None, count: int, places: int = 2) -> Figure:
    if not count or total is None:
        return Figure(None, total, count)
    return Figure(round(float(total) / count, places), total, count)


def _from(key: str) -> Callable[[Cohort], Any]:
    return lambda cohort: figures.cohort_measures(cohort)[key]


def _count(key: str) -> Callable[[Cohort], Figure]:
    return lambda cohort: Figure(_from(key)(cohort))


def _share(numerator: str, denominator: str) -> Callable[[Cohort], Figure]:
    def compute(cohort: Cohort) -> Figure:
        totals = figures.cohort_measures(cohort)
        return percent(totals[numerator], totals[denominator])

    return compute


def _on_time(stage: str) -> Callable[[Cohort], Figure]:
    def compute(cohort: Cohort) -> Figure:
        totals = figures.cohort_measures(cohort)
        return percent(totals[f"{stage}_on_time"], measures.counted(totals, stage))

    return compute


def _review_on_time(cohort: Cohort) -> Figure:
    found = figures.reviews(cohort)
    return percent(found["met"], found["counted"])


def _median_hours_to_ack(cohort: Cohort) -> Figure:
    found = figures.hours_to_ack(cohort)
    value = None if found["median"] is None else round(found["median"], 2)
    return Figure(value, None, found["count"])


def _median_days_to_close(cohort: Cohort) -> Figure:
    found = figures.working_days_to_close(cohort)
    return Figure(found["median"], None, found["count"])


def _mean_days_to_close(cohort: Cohort) -> Figure:
    found = figures.working_days_to_close(cohort)
    return mean(found["total"], found["count"])


def _backlog(bucket: str) -> Callable[[Cohort], Figure]:
    return lambda cohort: Figure(ageing.backlog(cohort)[bucket])


def _vn7(cohort: Cohort) -> Figure:
    found = ageing.vn7_compliance(cohort)
    return percent(found["met"], found["counted"])


def _upheld(cohort: Cohort) -> Figure:
    found = figures.decisions(cohort)
    return percent(found["in_favour"], found["communicated"])


def _accepted(cohort: Cohort) -> Figure:
    found = figures.decisions(cohort)
    return percent(found["accepted"], found["communicated"])


def _repeat(cohort: Cohort) -> Figure:
    found = figures.repeat_complainants(cohort)
    return percent(found["repeat"], found["complainants"])


def _first_contact(cohort: Cohort) -> Figure:
    return percent(figures.first_contact(cohort), figures.cohort_measures(cohort)["closed"])


def _satisfaction_mean(cohort: Cohort) -> Figure:
    found = figures.satisfaction(cohort)
    return mean(found["overall_sum"], found["answers"])


def _satisfaction_top2(cohort: Cohort) -> Figure:
    found = figures.satisfaction(cohort)
    return percent(found["top2"], found["answers"])


def _survey_response(cohort: Cohort) -> Figure:
    found = figures.satisfaction(cohort)
    # Closed at least once: an answer stays an answer when its complaint is reopened.
    return percent(found["answers"], figures.cohort_measures(cohort)["ever_closed"])


def _dimension(name: str) -> Callable[[Cohort], Figure]:
    def compute(cohort: Cohort) -> Figure:
        found = figures.satisfaction(cohort)
        return mean(found[f"{name}_sum"], found[f"{name}_count"])

    return compute


def _remedy_total(cohort: Cohort) -> Figure:
    return Figure(figures.remedy_cost(cohort, organisation_get().currency))


def _remedy_per_complaint(cohort: Cohort) -> Figure:
    total = figures.remedy_cost(cohort, organisation_get().currency)
    volume = figures.cohort_measures(cohort)["volume"]
    if not volume:
        return Figure(None, total, volume)
    return Figure((total / volume).quantize(Decimal(1)), total, volume)


def _complaint_rate(cohort: Cohort) -> Figure:
    found = measures.activity_denominator(cohort)
    volume = figures.cohort_measures(cohort)["volume"]
    if found is None:
        return Figure(None, volume, None)
    return Figure(round(float(1000 * volume / found), 3), volume, found)


P, C = KpiUnit.PERCENT, KpiUnit.COUNT
HIGHER, LOWER, NEITHER = Better.HIGHER, Better.LOWER, Better.NEITHER

kpi_register(
    Kpi(
        "volume",
        _("Complaints received"),
        _("Complaints received in the period"),
        C,
        NEITHER,
        _count("volume"),
        section="volume",
    ),
    Kpi(
        "complaint_rate",
        _("Complaint rate"),
        _("Complaints received × 1,000 / orders (else customers, else contracts) in the period"),
        KpiUnit.PER_THOUSAND,
        LOWER,
        _complaint_rate,
        section="volume",
    ),
    Kpi(
        "significant_count",
        _("Significant complaints"),
        _("Complaints received in the period that were marked significant"),
        C,
        NEITHER,
        _count("significant"),
        section="volume",
    ),
    Kpi(
        "ack_on_time_pct",
        _("Acknowledged on time"),
        _("Acknowledged by the deadline / complaints acknowledged or past the deadline"),
        P,
        HIGHER,
        _on_time("ack"),
        section="timeliness",
    ),
    Kpi(
        "assess_on_time_pct",
        _("Assessed on time"),
        _("Assessed by the deadline / complaints assessed or past the deadline"),
        P,
        HIGHER,
        _on_time("assess"),
        section="timeliness",
    ),
    Kpi(
        "decision_on_time_pct",
        _("Decision communicated on time"),
        _("Decisions communicated by the deadline / complaints decided or past the deadline"),
        P,
        HIGHER,
        _on_time("decision"),
        section="timeliness",
    ),
    Kpi(
        "close_on_time_pct",
        _("Resolved on time"),
        _("Closed by the deadline / complaints closed or past the deadline"),
        P,
        HIGHER,
        _on_time("close"),
        section="timeliness",
    ),
    Kpi(
        "review_on_time_pct",
        _("Internal reviews decided on time"),
        _(
            "Internal reviews whose decision was communicated by their deadline / reviews "
            "decided or past their deadline"
        ),
        P,
        HIGHER,
        _review_on_time,
        section="timeliness",
    ),
    Kpi(
        "vn7_compliance_pct",
        _("Negotiation requests answered within 7 working days"),
        _(
            "Negotiation requests (Law 19/2023 Art. 57) whose decision was communicated within "
            "7 working days / negotiation requests answered or past the limit"
        ),
        P,
        HIGHER,
        _vn7,
        section="timeliness",
    ),
    Kpi(
        "median_hours_to_ack",
        _("Median time to acknowledge"),
        _("Median of the hours from receipt to acknowledgement"),
        KpiUnit.HOURS,
        LOWER,
        _median_hours_to_ack,
        section="timeliness",
    ),
    Kpi(
        "median_working_days_to_close",
        _("Median time to close"),
        _("Median of the working days from receipt to the first closure"),
        KpiUnit.WORKING_DAYS,
        LOWER,
        _median_days_to_close,
        section="timeliness",
    ),
    Kpi(
        "mean_working_days_to_close",
        _("Mean time to close"),
        _("Working days from receipt to the first closure / complaints closed"),
        KpiUnit.WORKING_DAYS,
        LOWER,
        _mean_days_to_close,
        section="timeliness",
    ),
    Kpi(
        "backlog_0_7",
        _("Open, up to 7 working days old"),
        _("Open complaints now received up to 7 working days ago"),
        C,
        NEITHER,
        _backlog("0_7"),
        section="backlog",
        cohort_based=False,
    ),
    Kpi(
        "backlog_8_30",
        _("Open, 8 to 30 working days old"),
        _("Open complaints now received 8 to 30 working days ago"),
        C,
        LOWER,
        _backlog("8_30"),
        section="backlog",
        cohort_based=False,
    ),
    Kpi(
        "backlog_over_30",
        _("Open, over 30 working days old"),
        _("Open complaints now received more than 30 working days ago"),
        C,
        LOWER,
        _backlog("over_30"),
        section="backlog",
        cohort_based=False,
    ),
    Kpi(
        "upheld_pct",
        _("Upheld"),
        _("Decisions fully or partly in the complainant's favour / decisions communicated"),
        P,
        NEITHER,
        _upheld,
        section="outcomes",
    ),
    Kpi(
        "acceptance_pct",
        _("Decisions accepted"),
        _("Decisions the complainant accepted / decisions communicated"),
        P,
        HIGHER,
        _accepted,
        section="outcomes",
    ),
    Kpi(
        "reopen_pct",
        _("Reopened"),
        _("Complaints reopened / complaints closed at least once"),
        P,
        LOWER,
        _share("reopened", "ever_closed"),
        section="outcomes",
    ),
    Kpi(
        "escalation_pct",
        _("Taken to internal review"),
        _("Complaints taken to internal review / complaints received"),
        P,
        LOWER,
        _share("reviewed", "volume"),
        section="outcomes",
    ),
    Kpi(
        "referral_pct",
        _("Referred to an external body"),
        _("Closed complaints referred to an external body / complaints closed"),
        P,
        LOWER,
        _share("referred_closed", "closed"),
        section="outcomes",
    ),
    Kpi(
        "first_contact_resolution_pct",
        _("Resolved at first contact"),
        _(
            "Complaints decided on the day they were received, never reviewed or reopened / "
            "complaints closed"
        ),
        P,
        HIGHER,
        _first_contact,
        section="outcomes",
    ),
    Kpi(
        "not_accepted_pct",
        _("Not accepted"),
        _("Complaints assessed as not a complaint or out of scope / complaints received"),
        P,
        NEITHER,
        _share("not_accepted", "volume"),
        section="outcomes",
    ),
    Kpi(
        "withdrawn_pct",
        _("Withdrawn"),
        _("Complaints withdrawn / complaints received"),
        P,
        NEITHER,
        _share("withdrawn", "volume"),
        section="outcomes",
    ),
    Kpi(
        "repeat_complainant_pct",
        _("Repeat complainants"),
        _(
            "Complainants with another complaint within 90 days of one received in the period "
            "/ complainants"
        ),
        P,
        LOWER,
        _repeat,
        section="outcomes",
    ),
    Kpi(
        "vulnerable_priority_pct",
        _("Vulnerable consumers acknowledged on time"),
        _(
            "Complaints of vulnerable consumers (Law 19/2023 Art. 8) acknowledged by the "
            "deadline / those acknowledged or past the deadline"
        ),
        P,
        HIGHER,
        _on_time("vulnerable_ack"),
        section="outcomes",
    ),
    Kpi(
        "satisfaction_mean",
        _("Satisfaction with the handling"),
        _("Sum of the overall scores (1–5) / answers"),
        KpiUnit.SCORE,
        HIGHER,
        _satisfaction_mean,
        section="satisfaction",
    ),
    Kpi(
        "satisfaction_top2_pct",
        _("Satisfied (4 or 5)"),
        _("Answers scoring 4 or 5 / answers"),
        P,
        HIGHER,
        _satisfaction_top2,
        section="satisfaction",
    ),
    Kpi(
        "survey_response_pct",
        _("Survey response rate"),
        _("Answers to the survey / complaints closed at least once"),
        P,
        HIGHER,
        _survey_response,
        section="satisfaction",
    ),
    *(
        Kpi(
            f"satisfaction_{name}",
            label,
            _("Sum of the scores (1–5) for this question / answers to it"),
            KpiUnit.SCORE,
            HIGHER,
            _dimension(name),
            section="satisfaction",
        )
        for name, label in (
            ("fairness", _("Satisfaction: fairness")),
            ("clarity", _("Satisfaction: clarity")),
            ("speed", _("Satisfaction: speed")),
            ("courtesy", _("Satisfaction: courtesy")),
        )
    ),
    Kpi(
        "remedy_cost_total",
        _("Cost of remedies"),
        _("Sum of the remedies of communicated decisions"),
        KpiUnit.MONEY,
        NEITHER,
        _remedy_total,
        section="cost",
    ),
    Kpi(
        "remedy_cost_per_complaint",
        _("Cost of remedies per complaint"),
        _("Cost of remedies / complaints received"),
        KpiUnit.MONEY,
        NEITHER,
        _remedy_per_complaint,
        section="cost",
    ),
)
