"""The audit report PDF (Vietnamese with its diacritics, the sampled references), the summary
the management review reads, and the reminders of the programme."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from redress.core.actors import Actor
from redress.framework.audit_report import audit_report_pdf
from redress.framework.audit_summary import audit_results_between
from redress.framework.models import AuditReminder
from redress.framework.services.audit_reminders import audit_reminders_sweep
from redress.framework.services.audit_sample import audit_sample_check, audit_sample_draw
from redress.framework.services.audits import (
    audit_finding_record,
    audit_question_answer,
    audit_report,
)
from redress.framework.tests.audit_helpers import auditor, closed_complaints, planned, started
from redress.handling.testing import make_team
from redress.notifications.models import Notification
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team()


def reported(team):
    closed_complaints(team, 6)
    person = auditor(team)
    actor = Actor.for_user(person)
    audit = started(team, person)
    question = audit.questions.get(clause="7.4")
    audit_question_answer(
        question=question, actor=actor, answer="nonconforming", evidence="Xác nhận trễ hạn"
    )
    audit = audit_sample_draw(audit=audit, actor=actor, size=3, seed=42)
    item = audit.sample_items.first()
    audit_sample_check(
        item=item,
        actor=actor,
        checks=["acknowledged_in_time"],
        result="nonconforming",
        note="Trễ hai ngày",
    )
    finding = audit_finding_record(
        audit=audit,
        actor=actor,
        type="minor_nc",
        statement="Xác nhận khiếu nại chậm",
        question=question,
        sample_item=item,
    )
    audit = audit_report(audit=audit, actor=actor, conclusion="Cần cải thiện việc xác nhận")
    return audit, person, finding


def test_the_report_pdf_renders_vietnamese_and_the_sampled_references(team):
    audit, person, finding = reported(team)
    pdf = audit_report_pdf(audit, user=person, language="vi")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Đánh giá nội bộ quy trình xử lý khiếu nại" in text  # the audit's title
    assert "Cần cải thiện việc xác nhận" in text  # the conclusion, tone marks and all
    packed = "".join(text.split())  # a narrow column may wrap a reference
    for reference in audit.sample_items.values_list("complaint__reference", flat=True):
        assert reference in packed
    assert finding.reference in packed
    assert finding.capa.reference in packed


def test_the_summary_for_the_management_review(team):
    audit, _person, finding = reported(team)
    (row,) = audit_results_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert row["reference"] == audit.reference
    assert row["status"] == "reported"
    assert row["findings"] == {"major_nc": 0, "minor_nc": 1, "observation": 0, "opportunity": 0}
    assert row["capa"] == [finding.capa.reference]
    assert row["open_nonconformities"] == 1
    assert row["planned_on"] == "2026-09-15"
    assert audit_results_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []
    import json

    json.dumps(row)  # plain values only


def test_the_reminder_job_sends_once_before_and_once_after_the_planned_date(team):
    person = auditor(team)
    with frozen_clock("2026-09-01 09:00"):
        audit = planned(team, [person], planned_on=dt.date(2026, 9, 15))
        assert audit_reminders_sweep() == 0  # more than 5 working days ahead
    with frozen_clock("2026-09-09 09:00"):
        assert audit_reminders_sweep() == 1
        assert audit_reminders_sweep() == 0
    notices = Notification.objects.filter(kind=Notification.Kind.AUDIT_UPCOMING)
    assert set(notices.values_list("recipient_id", flat=True)) == {person.pk, team.manager.pk}
    with frozen_clock("2026-09-16 09:00"):
        assert audit_reminders_sweep() == 1
        assert audit_reminders_sweep() == 0
    assert Notification.objects.filter(kind=Notification.Kind.AUDIT_OVERDUE).count() == 2
    assert AuditReminder.objects.filter(audit=audit).count() == 2
