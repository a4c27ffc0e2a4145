"""The internal audit's report as PDF (WeasyPrint, like the complaints report): the scope, the
auditors and dates, the checklist's answers, the sample (references and what was checked), the
findings and the CAPA they opened. Rendered for a person: the sample lists only the complaints
they may see (auditors and top management see all)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.analytics.cohort import organisation_zone
from redress.analytics.report import _css_string
from redress.core.models import User
from redress.core.selectors import organisation_get
from redress.framework.audit_summary import scope_text
from redress.framework.models import Audit, CheckAspect
from redress.framework.selectors_audit import audit_findings, audit_sample_for_user


def audit_report_context(audit: Audit, *, user: User, language: str) -> dict[str, Any]:
    organisation = organisation_get()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    zone = organisation_zone()
    sample = audit_sample_for_user(user, audit)
    aspects = dict(CheckAspect.choices)
    questions = list(audit.questions.order_by("position", "pk"))
    title = _("Internal audit report")
    return {
        "language": language,
        "organisation": name,
        "title": title,
        "audit": audit,
        "scope": scope_text(audit, language),
        "auditors": [a.get_full_name() or a.get_username() for a in audit.auditors.all()],
        "planner": audit.planned_by.get_full_name() or audit.planned_by.get_username(),
        "started": audit.started_at.astimezone(zone) if audit.started_at else None,
        "reported": audit.reported_at.astimezone(zone) if audit.reported_at else None,
        "generated": timezone.now().astimezone(zone),
        "questions": [(q, q.display_text(language)) for q in questions],
        "answered": sum(1 for q in questions if q.answer),
        "sample": [(item, [str(aspects.get(a, a)) for a in item.checks]) for item in sample],
        "findings": audit_findings(audit),
        "page_label": _css_string(_("Page")),
        "footer_label": _css_string(f"{name} · {audit.reference}"),
    }


def audit_report_html(audit: Audit, *, user: User, language: str = "vi") -> str:
    with translation.override(language):
        return render_to_string(
            "framework/audit_report.html",
            audit_report_context(audit, user=user, language=language),
        )


def audit_report_pdf(audit: Audit, *, user: User, language: str = "vi") -> bytes:
    """The report of ``audit`` as PDF, in ``language``, as ``user`` may see it."""
    # WeasyPrint loads Pango when imported: only the processes that render a report pay for it.
    from weasyprint import HTML

    pdf = HTML(string=audit_report_html(audit, user=user, language=language)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
