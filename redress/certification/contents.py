"""What an auditor's pack holds, by ISO 10002 clause, as plain tables (title, headings, rows of
text): the PDF shows each table under its clause and the ZIP holds each as CSV. Every read is
bounded (``LIMIT`` rows) and none loops over complaints; the sample's records are
``certification.records``'.

The records are those of the period: the policy and public-information versions in force at
some time in it, the responsibility matrix and the training status on its last day, the
objectives whose period meets it with the results measured in it, the internal audits and
management reviews held in it, and the systemic issues and corrective actions open at some
time in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from redress.analytics.cohort import organisation_zone
from redress.core.formats import day_format
from redress.core.models import User
from redress.framework.models import (
    Audit,
    ManagementReview,
    Objective,
    ObjectiveResult,
    PolicyStatus,
    PolicyVersion,
)
from redress.framework.models.audit import AuditStatus
from redress.framework.selectors_responsibility import responsibility_matrix
from redress.framework.selectors_training import competence_matrix
from redress.improvement.models import Capa, SystemicIssue
from redress.transparency.models import Notice

LIMIT = 500  # rows of any one table: a pack is read by a person


@dataclass
class PackTable:
    """One table of the pack, also written to the ZIP as ``<key>.csv``."""

    key: str
    title: str
    headings: list[str]
    rows: list[list[str]]
    empty: str = ""


@dataclass
class ClauseSection:
    """The evidence of one clause (or group of clauses): its tables, and long texts to show
    whole (a policy's text, a review's minutes) as (heading, text)."""

    clause: str
    title: str
    tables: list[PackTable] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    anchor: str = ""


def _day(value: dt.date | dt.datetime | None, language: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(organisation_zone()).date()
    return day_format(value, language=language)


def _name(person: User | None) -> str:
    if person is None:
        return "—"
    return person.get_full_name() or person.get_username()


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = organisation_zone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def in_force_versions(rows: list[Any], first: Any, last: Any, key: str) -> list[Any]:
    """Of versions ordered by when they took effect (``key``), those in force at some time
    between ``first`` and ``last``: the last one to take effect by ``first``, and every one
    taking effect after it up to ``last``."""
    before = [r for r in rows if getattr(r, key) <= first]
    during = [r for r in rows if first < getattr(r, key) <= last]
    return before[-1:] + during


def policy_section(first: dt.date, last: dt.date, language: str) -> ClauseSection:
    versions = list(
        PolicyVersion.objects.filter(
            status=PolicyStatus.APPROVED, effective_from__isnull=False, effective_from__lte=last
        )
        .select_related("approved_by")
        .order_by("effective_from", "number")
    )
    shown = in_force_versions(versions, first, last, "effective_from")
    start, end = _bounds(first, last)
    notices = list(
        Notice.objects.filter(published_at__isnull=False, published_at__lt=end)
        .select_related("published_by")
        .order_by("published_at", "version")
    )
    published = in_force_versions(notices, start, end, "published_at")
    section = ClauseSection("5.3 · 4.4 · 7.1", _("Policy and published process"))
    section.tables.append(
        PackTable(
            "policy_versions",
            _("Policy versions in force in the period"),
            [_("Version"), _("Title"), _("In effect from"), _("Approved by"), _("Approved at")],
            [
                [
                    str(v.number),
                    v.title_en if language == "en" and v.title_en else v.title,
                    _day(v.effective_from, language),
                    _name(v.approved_by),
                    _day(v.approved_at, language),
                ]
                for v in shown
            ],
            empty=_("No approved policy was in force in the period."),
        )
    )
    section.tables.append(
        PackTable(
            "process_versions",
            _("Versions of the published complaints process in force in the period"),
            [_("Version"), _("Published"), _("Published by"), _("What changed")],
            [
                [
                    str(n.version),
                    _day(n.published_at, language),
                    _name(n.published_by),
                    n.change_note,
                ]
                for n in published
            ],
            empty=_("No public information about complaining was published."),
        )
    )
    for v in shown:
        text = v.text_en if language == "en" and v.text_en else v.text
        section.texts.append((_("Policy, version %(number)s") % {"number": v.number}, text))
    for n in published:
        how = n.how_en if language == "en" and n.how_en else n.how_vi
        section.texts.append(
            (_("How to complain, version %(number)s") % {"number": n.version}, how)
        )
    return section


def responsibility_section(last: dt.date) -> ClauseSection:
    matrix = responsibility_matrix(last)
    parts = ["R", "A", "C", "I"]

    def cell(rows: list[Any]) -> str:
        return "; ".join(
            f"{r.get_role_display()}" + (f" ({r.unit.display_name()})" if r.unit_id else "")
            for r in rows
        )

    section = ClauseSection("5.4", _("Responsibilities and authority"))
    section.tables.append(
        PackTable(
            "responsibility_matrix",
            _("Responsibility matrix on the last day of the period"),
            [_("Step"), _("Responsible"), _("Accountable"), _("Consulted"), _("Informed")],
            [[row.label, *(cell(row.parts[p]) for p in parts)] for row in matrix],
        )
    )
    return section


def objectives_section(first: dt.date, last: dt.date, language: str) -> ClauseSection:
    objectives = list(
        Objective.objects.filter(period_start__lte=last, period_end__gte=first)
        .select_related("owner")
        .order_by("period_start", "pk")[:LIMIT]
    )
    by_id = {o.pk: o for o in objectives}
    results = [
        (by_id[result.objective_id], result)
        for result in ObjectiveResult.objects.filter(
            objective_id__in=list(by_id), measured_on__gte=first, measured_on__lte=last
        ).order_by("objective_id", "measured_on", "pk")[:LIMIT]
    ]
    section = ClauseSection("6.2", _("Objectives and their results"))
    section.tables.append(
        PackTable(
            "objectives",
            _("Objectives of the period"),
            [_("Objective"), _("Measure"), _("Target"), _("Period"), _("Owner"), _("Status")],
            [
                [
                    o.title_en if language == "en" and o.title_en else o.title,
                    o.kpi or o.manual_measure,
                    f"{o.get_direction_display()} {o.target.normalize():f} {o.unit_of_measure}",
                    f"{_day(o.period_start, language)} – {_day(o.period_end, language)}",
                    _name(o.owner),
                    o.get_status_display(),
                ]
                for o in objectives
            ],
            empty=_("No objective covers the period."),
        )
    )
    section.tables.append(
        PackTable(
            "objective_results",
            _("Results measured in the period"),
            [_("Objective"), _("Measured on"), _("Window"), _("Value"), _("Status"), _("Note")],
            [
                [
                    o.title_en if language == "en" and o.title_en else o.title,
                    _day(r.measured_on, language),
                    f"{_day(r.window_start, language)} – {_day(r.window_end, language)}",
                    "—" if r.value is None else f"{r.value.normalize():f}",
                    r.get_status_display(),
                    r.note,
                ]
                for o, r in results
            ],
            empty=_("No result was measured in the period."),
        )
    )
    return section


def training_section(viewer: User, last: dt.date, language: str) -> ClauseSection:
    courses, people = competence_matrix(viewer, on=last, limit=LIMIT)
    section = ClauseSection("6.4 · 4.14", _("Competence and training"))
    section.tables.append(
        PackTable(
            "training_status",
            _("Training status on the last day of the period"),
            [_("Person"), _("Roles"), *(c.display_name(language) for c in courses)],
            [
                [
                    _name(row.person),
                    ", ".join(row.roles),
                    *(
                        next((cell.label for cell in row.cells if cell.course.pk == c.pk), "")
                        for c in courses
                    ),
                ]
                for row in people
            ],
            empty=_("No role requires training."),
        )
    )
    return section


def audits_section(
    first: dt.date, last: dt.date, language: str
) -> tuple[ClauseSection, list[Audit]]:
    start, end = _bounds(first, last)
    audits = list(
        Audit.objects.filter(
            Q(reported_at__gte=start, reported_at__lt=end)
            | Q(planned_on__gte=first, planned_on__lte=last)
        )
        .select_related("unit", "planned_by")
        .order_by("planned_on", "pk")[:LIMIT]
    )
    section = ClauseSection("8.5", _("Internal audits"))
    section.tables.append(
        PackTable(
            "internal_audits",
            _("Internal audits planned or reported in the period"),
            [
                _("Reference"),
                _("Title"),
                _("Planned date"),
                _("Reported"),
                _("Status"),
                _("Conclusion"),
            ],
            [
                [
                    a.reference,
                    a.title,
                    _day(a.planned_on, language),
                    _day(a.reported_at, language),
                    a.get_status_display(),
                    a.conclusion,
                ]
                for a in audits
            ],
            empty=_("No internal audit was planned or reported in the period."),
        )
    )
    reported = [a for a in audits if a.status in (AuditStatus.REPORTED, AuditStatus.CLOSED)]
    return section, reported


def reviews_section(
    first: dt.date, last: dt.date, language: str
) -> tuple[ClauseSection, list[ManagementReview]]:
    reviews = list(
        ManagementReview.objects.filter(review_date__gte=first, review_date__lte=last)
        .select_related("approved_by")
        .order_by("review_date", "pk")[:LIMIT]
    )
    section = ClauseSection("8.6", _("Management reviews"))
    section.tables.append(
        PackTable(
            "management_reviews",
            _("Management reviews held in the period"),
            [_("Reference"), _("Title"), _("Review date"), _("Status"), _("Minutes approved")],
            [
                [
                    r.reference,
                    r.title,
                    _day(r.review_date, language),
                    r.get_status_display(),
                    _day(r.approved_at, language),
                ]
                for r in reviews
            ],
            empty=_("No management review was held in the period."),
        )
    )
    for r in reviews:
        if r.minutes:
            section.texts.append(
                (_("Minutes of %(reference)s") % {"reference": r.reference}, r.minutes)
            )
    return section, reviews


def improvement_section(first: dt.date, last: dt.date, language: str) -> ClauseSection:
    start, end = _bounds(first, last)
    issues = list(
        SystemicIssue.objects.filter(opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .order_by("opened_at", "pk")[:LIMIT]
    )
    capas = list(
        Capa.objects.filter(created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .select_related("owner")
        .order_by("created_at", "pk")[:LIMIT]
    )
    section = ClauseSection("8.7 · 8.2", _("Systemic issues and corrective actions"))
    section.tables.append(
        PackTable(
            "systemic_issues",
            _("Systemic issues open in the period"),
            [_("Reference"), _("Title"), _("Opened"), _("Status"), _("Closed")],
            [
                [
                    i.reference,
                    i.title,
                    _day(i.opened_at, language),
                    i.get_status_display(),
                    _day(i.closed_at, language),
                ]
                for i in issues
            ],
            empty=_("No systemic issue was open in the period."),
        )
    )
    section.tables.append(
        PackTable(
            "capa",
            _("Corrective and preventive actions open in the period"),
            [
                _("Reference"),
                _("Title"),
                _("Type"),
                _("Owner"),
                _("Opened"),
                _("Due"),
                _("Status"),
                _("Effective"),
            ],
            [
                [
                    c.reference,
                    c.title,
                    c.get_type_display(),
                    _name(c.owner),
                    _day(c.created_at, language),
                    _day(c.due_at, language),
                    c.get_status_display(),
                    {True: _("yes"), False: _("no")}.get(c.effective, "—"),  # type: ignore[arg-type]
                ]
                for c in capas
            ],
            empty=_("No corrective action was open in the period."),
        )
    )
    return section
