"""The auditor's pack as one ZIP: a PDF with a table of contents by ISO 10002 clause (WeasyPrint,
as the complaints report, ``analytics.report``, whose KPI tables and charts it reuses), and the
underlying files: each table as CSV, the KPIs and the sample as CSV and XLSX, each chart's data
as CSV, the policy's texts, and the internal audits' reports and management reviews' packs as
PDF. ``MANIFEST.csv`` lists every file with its SHA-256.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.analytics.cohort import Cohort, Filters, Period, organisation_zone
from redress.analytics.exports import table_csv
from redress.analytics.kpis import kpis_compute
from redress.analytics.report import _css_string, chart_blocks, kpi_sections, period_text
from redress.certification import contents
from redress.certification.models import AuditorPack
from redress.certification.records import ComplaintRecord, complaint_records, pack_scope
from redress.core.formats import day_format
from redress.core.selectors import organisation_get
from redress.framework.audit_report import audit_report_pdf
from redress.framework.review_pack import review_pack_pdf
from redress.privacy.access_log import personal_data_accessed

Progress = Callable[[int, str], None]
MAX_DOCUMENTS = 12  # audit reports and review packs rendered into the ZIP, each a PDF


def _safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows_csv(headings: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that spreadsheet programs read Vietnamese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headings)
    for line in rows:
        writer.writerow([_safe(str(cell)) for cell in line])
    return buffer.getvalue().encode("utf-8")


def rows_xlsx(sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, headings, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(headings)
        for line in rows:
            sheet.append([_safe(str(cell)) for cell in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(value: Any) -> str:
    return value.astimezone(organisation_zone()).strftime("%Y-%m-%d %H:%M") if value else ""


def sample_tables(
    records: list[ComplaintRecord], language: str
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The sample as four tables: complaints, events, decisions with remedies, messages."""
    complaints = (
        [
            _("#"),
            _("Reference"),
            _("Received"),
            _("Channel"),
            _("Status"),
            _("Category"),
            _("Unit"),
            _("Priority"),
            _("Subject"),
            _("Complainant"),
            _("Email"),
            _("Phone"),
            _("Closed"),
        ],
        [
            [
                str(r.position),
                r.complaint.reference,
                _local(r.complaint.received_at),
                str(r.complaint.get_channel_display()),
                str(r.complaint.get_status_display()),
                r.complaint.category.display_name(language) if r.complaint.category else "",
                r.complaint.unit.display_name(language),
                str(r.complaint.get_priority_display()),
                r.complaint.subject,
                r.complainant.full_name,
                r.complainant.email,
                r.complainant.phone,
                _local(r.complaint.closed_at),
            ]
            for r in records
        ],
    )
    events = (
        [_("Reference"), _("Time"), _("Action"), _("From"), _("To"), _("By"), _("Method")],
        [
            [
                r.complaint.reference,
                _local(e.at),
                e.action,
                e.from_status,
                e.to_status,
                e.actor_label,
                e.method,
            ]
            for r in records
            for e in r.event_lines
        ],
    )
    decisions = (
        [
            _("Reference"),
            _("Outcome"),
            _("Decision"),
            _("Reasons"),
            _("Proposed"),
            _("Approved"),
            _("Communicated"),
            _("Reaction"),
            _("Remedies"),
        ],
        [
            [
                r.complaint.reference,
                str(d.get_outcome_display()),
                d.summary,
                d.reasons,
                _local(d.proposed_at),
                _local(d.approved_at),
                _local(d.communicated_at),
                str(d.get_reaction_display()) if d.reaction else "",
                "; ".join(
                    f"{m.get_type_display()} {m.amount} {m.currency}"
                    + (f" ({_('fulfilled')} {_local(m.fulfilled_at)})" if m.fulfilled_at else "")
                    for m in d.remedies.all()
                ),
            ]
            for r in records
            for d in r.decisions
        ],
    )
    messages = (
        [_("Reference"), _("Time"), _("Direction"), _("Channel"), _("Subject"), _("Message")],
        [
            [
                r.complaint.reference,
                _local(m.message.created_at),
                str(m.message.get_direction_display()),
                m.message.channel,
                m.subject,
                m.body,
            ]
            for r in records
            for m in r.messages
        ],
    )
    return {
        "complaints": complaints,
        "events": events,
        "decisions": decisions,
        "messages": messages,
    }


def pack_context(
    pack: AuditorPack, records: list[ComplaintRecord], *, progress: Progress
) -> dict[str, Any]:
    """Everything the PDF shows, in the active language, and the files beside it."""
    language = pack.language
    organisation = organisation_get()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    first, last = pack.period_start, pack.period_end
    period = Period(first, last)
    cohort = Cohort(user=None, period=period, filters=Filters(), now=timezone.now())
    kpis = kpi_sections(kpis_compute(cohort), currency=organisation.currency)
    blocks = chart_blocks(cohort)
    progress(40, "management system")
    policy = contents.policy_section(first, last, language)
    audits, reported_audits = contents.audits_section(first, last, language)
    reviews, held_reviews = contents.reviews_section(first, last, language)
    sections = [
        policy,
        contents.responsibility_section(last),
        contents.objectives_section(first, last, language),
        contents.training_section(pack.requested_by, last, language),
        audits,
        reviews,
        contents.improvement_section(first, last, language),
    ]
    for number, section in enumerate(sections, start=1):
        section.anchor = f"s{number}"
    local_now = timezone.now().astimezone(organisation_zone())
    masked = not pack.unmasked or any(r.complainant.masked for r in records)
    return {
        "language": language,
        "organisation": name,
        "title": _("Auditor's pack"),
        "pack": pack,
        "period": period_text(period, language),
        "generated": f"{day_format(local_now.date(), language=language)} {local_now:%H:%M}",
        "asked_by": pack.requested_by.get_full_name() or pack.requested_by.get_username(),
        "sections": sections,
        "kpi_sections": kpis,
        "blocks": blocks,
        "records": records,
        "masked": masked,
        "audits": reported_audits[:MAX_DOCUMENTS],
        "reviews": held_reviews[:MAX_DOCUMENTS],
        "page_label": _css_string(_("Page")),
        "footer_label": _css_string(f"{name} · {pack.reference} · {period_text(period, language)}"),
    }


def pack_pdf(context: dict[str, Any]) -> bytes:
    # WeasyPrint loads Pango when imported: only the processes that render a pack pay for it.
    from weasyprint import HTML

    html = render_to_string("certification/pack.html", context)
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def pack_zip(pack: AuditorPack, *, progress: Progress) -> tuple[bytes, list[str]]:
    """The pack's ZIP and the names of its files. Records, when the pack shows personal data
    unmasked, that its asker was shown each sampled complainant's (privacy access log)."""
    ids = list(pack.sample_items.order_by("position").values_list("complaint_id", flat=True))
    records = complaint_records(ids, pack_scope(pack.unmasked, pack.requested_by))
    for record in records:
        if not record.complainant.masked:
            personal_data_accessed(
                user=pack.requested_by,
                via="auditor_pack",
                complaint=record.complaint,
                detail=pack.reference,
            )
    files: dict[str, bytes] = {}
    with translation.override(pack.language):
        progress(20, "figures")
        context = pack_context(pack, records, progress=progress)
        progress(60, "pdf")
        files[f"{pack.reference}.pdf"] = pack_pdf(context)
        progress(80, "files")
        for section in context["sections"]:
            for table in section.tables:
                files[f"tables/{table.key}.csv"] = rows_csv(table.headings, table.rows)
            for number, (heading, text) in enumerate(section.texts, start=1):
                files[f"documents/{section.anchor}-{number}.txt"] = (
                    f"{heading}\n\n{text}\n".encode()
                )
        kpi_rows = [
            [line.code, line.name, line.value, line.numerator, line.denominator, line.formula]
            for kpi_section in context["kpi_sections"]
            for line in kpi_section.lines
        ]
        kpi_headings = [
            _("Code"),
            _("Indicator"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Formula"),
        ]
        files["kpis/kpis.csv"] = rows_csv(kpi_headings, kpi_rows)
        files["kpis/kpis.xlsx"] = rows_xlsx([(_("Indicators"), kpi_headings, kpi_rows)])
        for block in context["blocks"]:
            files[f"kpis/{block.table.code}.csv"] = table_csv(
                block.table, heading=block.first_header
            )
        samples = sample_tables(records, pack.language)
        for key, (headings, rows) in samples.items():
            files[f"sample/{key}.csv"] = rows_csv(headings, rows)
        files["sample/sample.xlsx"] = rows_xlsx(
            [(key, headings, rows) for key, (headings, rows) in samples.items()]
        )
        progress(90, "documents")
        for audit in context["audits"]:
            files[f"documents/{audit.reference}.pdf"] = audit_report_pdf(
                audit, user=pack.requested_by, language=pack.language
            )
        for review in context["reviews"]:
            files[f"documents/{review.reference}.pdf"] = review_pack_pdf(
                review, language=pack.language
            )
    manifest = rows_csv(
        ["file", "bytes", "sha256"],
        [[n, str(len(b)), hashlib.sha256(b).hexdigest()] for n, b in sorted(files.items())],
    )
    files["MANIFEST.csv"] = manifest
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue(), list(files)
