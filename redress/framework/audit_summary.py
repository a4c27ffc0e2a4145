"""The internal audits' results for a management review (ISO 10002 8.5 → 8.6): what the review's
frozen snapshot keeps of the audits, as plain JSON values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from redress.analytics.cohort import organisation_zone
from redress.framework.models import FindingType
from redress.framework.models.audit import NONCONFORMITIES
from redress.framework.selectors_audit import audits_with_findings
from redress.improvement.models import CapaStatus


def scope_text(audit: Any, language: str = "vi") -> str:
    """The scope in one line: the unit (and below), the categories, the period."""
    unit = audit.unit.display_name(language)
    categories = [
        (c.name_en if language == "en" and c.name_en else c.name_vi) for c in audit.categories.all()
    ]
    period = f"{audit.period_start:%d/%m/%Y} – {audit.period_end:%d/%m/%Y}"
    parts = [unit, *([", ".join(categories)] if categories else []), period]
    return " · ".join(parts)


def _local_date(value: dt.datetime | None) -> str | None:
    return value.astimezone(organisation_zone()).date().isoformat() if value else None


def audit_results_between(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The internal audits planned or reported between ``start`` and ``end`` (both included),
    oldest planned date first, each as plain JSON: reference, title, scope text, planned and
    reported dates, status, counts of findings by type, the CAPA their nonconformities
    opened, and how many nonconformities still have an open CAPA."""
    zone = organisation_zone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    audits = (
        audits_with_findings()
        .prefetch_related("categories")
        .filter(
            Q(planned_on__gte=start, planned_on__lte=end)
            | Q(reported_at__gte=first, reported_at__lt=after)
        )
        .order_by("planned_on", "year", "sequence")
    )
    results = []
    for audit in audits:
        findings = list(audit.findings.all())
        counts = {kind.value: 0 for kind in FindingType}
        for finding in findings:
            counts[finding.type] += 1
        results.append(
            {
                "reference": audit.reference,
                "title": audit.title,
                "scope": scope_text(audit),
                "planned_on": audit.planned_on.isoformat(),
                "reported_on": _local_date(audit.reported_at),
                "status": str(audit.status),
                "findings": counts,
                "capa": [f.capa.reference for f in findings if f.capa is not None],
                # Nonconformities whose corrective action is not closed yet.
                "open_nonconformities": sum(
                    1
                    for f in findings
                    if f.type in NONCONFORMITIES
                    and (f.capa is None or f.capa.status != CapaStatus.CLOSED)
                ),
            }
        )
    return results
