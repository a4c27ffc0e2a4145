"""The management-review pack (ISO 10002 8.6): the meeting, its participants, the frozen inputs
as tables, the outputs with their owners and due dates, the minutes and their approval, as one
PDF (WeasyPrint, as the complaints report: ``analytics.report``).

Everything about the inputs is read from the snapshot alone, never recomputed, so that the pack
reads the same values however the data changed after the freeze. ``snapshot_tables`` is also
what the back office's review page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from redress.analytics.cohort import organisation_zone
from redress.analytics.kpis import KpiUnit
from redress.analytics.satisfaction import DIMENSIONS
from redress.core.formats import day_format, number_format
from redress.core.selectors import organisation_get
from redress.framework.models.audit import AuditStatus, FindingType
from redress.framework.models.objectives import Direction, ObjectiveStatus
from redress.framework.models.review import ManagementReview
from redress.framework.selectors_review import output_state, participants_of, review_outputs
from redress.improvement.models import CapaStatus, IssueDecision, IssueStatus


def _label(choices: type[models.TextChoices], value: str | None) -> str:
    if value in choices.values:
        return str(choices(value).label)
    return value or ""


def figure_text(value: Any, unit: str = "") -> str:
    """A figure as people read it (1.234,5 in Vietnamese), with its unit; "—" when undefined."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    exponent = number.normalize().as_tuple().exponent
    places = 0 if not isinstance(exponent, int) or exponent >= 0 else min(2, -exponent)
    text = number_format(number, places)
    if unit == KpiUnit.PERCENT:
        return f"{text} %"
    return text


def day_text(value: str | None) -> str:
    """A day or an instant of the snapshot (ISO text), as a day in the organisation's zone."""
    if not value:
        return "—"
    if "T" in value:
        instant = dt.datetime.fromisoformat(value)
        return day_format(instant.astimezone(organisation_zone()).date())
    return day_format(dt.date.fromisoformat(value))


def _person(value: dict[str, Any] | None) -> str:
    return value["name"] if value else "—"


@dataclass(frozen=True)
class PackTable:
    """One table of the inputs: its title, headings, rows (text), and what to say if empty."""

    key: str
    title: str
    headings: list[str]
    rows: list[list[str]]
    empty: str = ""
    note: str = ""


def _kpi_table(data: dict[str, Any], english: bool) -> PackTable:
    rows = [
        [
            (kpi["name_en"] if english and kpi.get("name_en") else kpi["name"]),
            figure_text(kpi["value"], kpi["unit"]),
            figure_text(kpi["numerator"]),
            figure_text(kpi["denominator"]),
            _label(KpiUnit, kpi["unit"]),
        ]
        for kpi in data.get("kpis", [])
    ]
    return PackTable(
        "kpis",
        _("Key performance indicators"),
        [_("Indicator"), _("Value"), _("Numerator"), _("Denominator"), _("Unit")],
        rows,
        _("No indicators."),
    )


def _objective_table(data: dict[str, Any], english: bool) -> PackTable:
    rows = [
        [
            (o["title_en"] if english and o.get("title_en") else o["title"]),
            o["kpi"] or o["measure"],
            figure_text(o["target"]),
            figure_text(o["actual"]),
            _label(Direction, o["direction"]),
            _label(ObjectiveStatus, o["status"]),
            _person(o["owner"]),
        ]
        for o in data.get("objectives", [])
    ]
    return PackTable(
        "objectives",
        _("Objectives"),
        [
            _("Objective"),
            _("Measure"),
            _("Target"),
            _("Actual"),
            _("Direction"),
            _("Status"),
            _("Owner"),
        ],
        rows,
        _("No objectives in force."),
    )


def _satisfaction_table(data: dict[str, Any]) -> PackTable:
    found = data.get("satisfaction", {})
    names = dict(DIMENSIONS)
    rows = [
        [_("Complaints closed"), figure_text(found.get("closed"))],
        [_("Answers"), figure_text(found.get("answers"))],
        [_("Response rate"), figure_text(found.get("response_rate_pct"), KpiUnit.PERCENT)],
        [_("Mean score (1–5)"), figure_text(found.get("mean"))],
        [_("Scores of 4 or 5"), figure_text(found.get("top2_pct"), KpiUnit.PERCENT)],
    ]
    rows += [
        [str(names.get(name, name)), figure_text(value)]
        for name, value in found.get("dimensions", {}).items()
    ]
    return PackTable(
        "satisfaction", _("Satisfaction with the handling"), [_("Measure"), _("Value")], rows
    )


def _issue_table(data: dict[str, Any]) -> PackTable:
    found = data.get("systemic_issues", {})
    rows = [
        [
            issue["reference"],
            issue["title"],
            _label(IssueStatus, issue["status"]),
            _label(IssueDecision, issue["decision"]) or "—",
            day_text(issue["opened_at"]),
            day_text(issue["decided_at"]),
        ]
        for issue in found.get("items", [])
    ]
    note = _(
        "Opened in the period: %(opened)s; decided in the period: %(decided)s; open when the "
        "inputs were frozen: %(open)s."
    ) % {
        "opened": found.get("opened", 0),
        "decided": found.get("decided", 0),
        "open": found.get("open_now", 0),
    }
    return PackTable(
        "issues",
        _("Systemic issues"),
        [_("Reference"), _("Title"), _("Status"), _("Decision"), _("Opened"), _("Decided")],
        rows,
        _("No systemic issue opened or decided in the period."),
        note,
    )


def _capa_table(data: dict[str, Any]) -> PackTable:
    found = data.get("capa", {})
    rows = [
        [_label(CapaStatus, status), figure_text(count)]
        for status, count in found.get("by_status", {}).items()
    ]
    rows.append([_("Overdue"), figure_text(found.get("overdue"))])
    return PackTable(
        "capa", _("Corrective and preventive actions"), [_("Status"), _("Number")], rows
    )


def _overdue_capa_table(data: dict[str, Any]) -> PackTable:
    rows = [
        [
            capa["reference"],
            capa["title"],
            _label(CapaStatus, capa["status"]),
            _person(capa["owner"]),
            day_text(capa["due_at"]),
        ]
        for capa in data.get("capa", {}).get("overdue_items", [])
    ]
    return PackTable(
        "capa_overdue",
        _("Overdue CAPA"),
        [_("Reference"), _("Title"), _("Status"), _("Owner"), _("Due")],
        rows,
        _("No CAPA is overdue."),
    )


def _findings_text(counts: dict[str, Any]) -> str:
    parts = [f"{_label(FindingType, kind)}: {count}" for kind, count in counts.items() if count]
    return "; ".join(parts) or _("No findings")


def _audit_table(data: dict[str, Any]) -> PackTable:
    rows = [
        [
            str(audit.get("reference", "")),
            str(audit.get("title", "")),
            str(audit.get("scope", "")),
            _label(AuditStatus, audit.get("status")),
            day_text(audit.get("reported_on") or audit.get("planned_on")),
            _findings_text(audit.get("findings") or {}),
            figure_text(audit.get("open_nonconformities")),
            ", ".join(audit.get("capa") or []) or "—",
        ]
        for audit in data.get("audits", [])
    ]
    return PackTable(
        "audits",
        _("Internal audit results"),
        [
            _("Audit"),
            _("Title"),
            _("Scope"),
            _("Status"),
            _("Reported (or planned)"),
            _("Findings"),
            _("Nonconformities without a closed CAPA"),
            _("CAPA"),
        ],
        rows,
        _("No internal audit was planned or reported in the period."),
    )


def _previous_table(data: dict[str, Any]) -> PackTable:
    previous = data.get("previous_review")
    rows = []
    for action in (previous or {}).get("actions", []):
        state = _("done") if action["done"] else _("overdue") if action["overdue"] else _("open")
        follow = action["capa"] or _("task")
        rows.append(
            [action["text"], _person(action["owner"]), day_text(action["due_on"]), follow, state]
        )
    note = (
        _("Actions of the review %(reference)s of %(date)s.")
        % {"reference": previous["reference"], "date": day_text(previous["review_date"])}
        if previous
        else ""
    )
    return PackTable(
        "previous",
        _("Actions from the previous review"),
        [_("Action"), _("Owner"), _("Due"), _("Followed by"), _("Status")],
        rows,
        _("There was no previous review.") if previous is None else _("It decided no action."),
        note,
    )


def snapshot_tables(data: dict[str, Any], language: str) -> list[PackTable]:
    """The frozen inputs as tables, in the order the meeting goes through them."""
    english = language == "en"
    return [
        _kpi_table(data, english),
        _objective_table(data, english),
        _satisfaction_table(data),
        _issue_table(data),
        _capa_table(data),
        _overdue_capa_table(data),
        _audit_table(data),
        _previous_table(data),
    ]


def free_text(data: dict[str, Any]) -> list[tuple[str, str]]:
    found = data.get("free_text", {})
    return [
        (_("Changes in law or context"), found.get("context_changes", "")),
        (_("Resources"), found.get("resources", "")),
        (_("Other inputs"), found.get("other", "")),
    ]


def _css_string(text: str) -> SafeString:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return mark_safe(f'"{escaped}"')  # noqa: S308 - quoted and escaped for CSS


def pack_context(review: ManagementReview, *, language: str) -> dict[str, Any]:
    """Everything the pack shows, in the active language."""
    organisation = organisation_get()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    snapshot = getattr(review, "snapshot", None)
    data = snapshot.data if snapshot is not None else {}
    today = timezone.now().astimezone(organisation_zone()).date()
    outputs = [(output, output_state(output, today)) for output in review_outputs(review)]
    return {
        "language": language,
        "organisation": name,
        "review": review,
        "review_date": day_format(review.review_date, language=language),
        "period": f"{day_format(review.period_start, language=language)} – "
        f"{day_format(review.period_end, language=language)}",
        "participants": participants_of(review),
        "snapshot": snapshot,
        "frozen": day_text(data.get("taken_at")) if snapshot else "",
        "tables": snapshot_tables(data, language) if snapshot else [],
        "free_text": free_text(data) if snapshot else [],
        "outputs": outputs,
        "approved": day_format(
            review.approved_at.astimezone(organisation_zone()).date(), language=language
        )
        if review.approved_at
        else "",
        "page_label": _css_string(_("Page")),
        "footer_label": _css_string(f"{name} · {review.reference}"),
    }


def review_pack_html(review: ManagementReview, *, language: str = "vi") -> str:
    with translation.override(language):
        return render_to_string(
            "framework/review_pack.html", pack_context(review, language=language)
        )


def review_pack_pdf(review: ManagementReview, *, language: str = "vi") -> bytes:
    """The review's pack as PDF, in ``language``."""
    # WeasyPrint loads Pango when imported: only the processes that render a pack pay for it.
    from weasyprint import HTML

    pdf = HTML(string=review_pack_html(review, language=language)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def pack_filename(review: ManagementReview) -> str:
    return f"{review.reference}.pdf"
