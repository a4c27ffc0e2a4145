"""The management-review pack: a PDF in Vietnamese (diacritics and all) with the meeting, its
participants, the frozen inputs, the outputs, the minutes and their approval, whose figures are
the snapshot's whatever happened to the data afterwards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from redress.core.actors import Actor
from redress.framework.models.review import OutputType
from redress.framework.review_pack import figure_text, review_pack_html, review_pack_pdf
from redress.framework.services.reviews import (
    review_freeze,
    review_hold,
    review_inputs_save,
    review_minutes_approve,
    review_minutes_save,
    review_output_record,
    review_plan,
)
from redress.framework.tests.audit_helpers import auditor, planned
from redress.handling.testing import make_team, receive
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def approved():
    with frozen_clock("2026-03-09 09:00"):
        team = make_team()
        team.top.first_name, team.top.last_name = "Hùng", "Nguyễn Văn"
        team.top.save()
        receive(team, received_at=timezone.now() - dt.timedelta(days=3))
        manager = Actor.for_user(team.manager)
        review = review_plan(
            actor=manager,
            title="Xem xét của lãnh đạo quý I",
            review_date=dt.date(2026, 3, 9),
            participants=[team.manager, team.top],
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 8),
        )
        review_inputs_save(
            review=review,
            actor=manager,
            context_changes="Nghị định 55/2024/NĐ-CP hướng dẫn luật mới",
            resources="Cần thêm một người xử lý ở chi nhánh Hà Nội",
            other="",
        )
        review_freeze(review=review, actor=manager)
        review_hold(review=review, actor=manager)
        review_output_record(
            review=review,
            actor=manager,
            type=OutputType.ACTION,
            text="Rút ngắn thời gian xác nhận khiếu nại",
            owner=team.handler,
            due_on=dt.date(2026, 4, 30),
        )
        review_minutes_save(
            review=review, actor=manager, minutes="Ban lãnh đạo thống nhất các quyết định trên."
        )
        review_minutes_approve(review=review, actor=Actor.for_user(team.top))
        review.refresh_from_db()
        yield team, review


def test_the_pack_renders_in_vietnamese_with_its_diacritics(approved):
    team, review = approved
    text = pdf_text(review_pack_pdf(review, language="vi"))
    for expected in (
        review.reference,
        "Xem xét của lãnh đạo quý I",
        "Nghị định 55/2024/NĐ-CP hướng dẫn luật mới",
        "Rút ngắn thời gian xác nhận khiếu nại",
        "Ban lãnh đạo thống nhất các quyết định trên.",
        "30/04/2026",
        "Nguyễn Văn Hùng",
    ):
        assert expected in text


def test_the_pack_reads_the_snapshot_not_todays_data(approved):
    team, review = approved
    before = review_pack_html(review, language="en")
    volume = next(k for k in review.snapshot.data["kpis"] if k["code"] == "volume")
    assert volume["value"] == 1
    with frozen_clock("2026-03-20 09:00"):
        for days in (70, 60, 50):
            receive(team, received_at=timezone.now() - dt.timedelta(days=days))
        after = review_pack_html(review, language="en")
    assert after == before


def test_figures_are_written_the_way_people_read_them():
    assert figure_text(None) == "—"
    assert figure_text("95.5", "percent").endswith("%")
    assert figure_text(3) == "3"


def test_the_internal_audits_of_the_period_are_frozen_into_the_pack():
    with frozen_clock("2026-03-09 09:00"):
        team = make_team()
        audit = planned(team, [auditor(team)], planned_on=dt.date(2026, 3, 20))
        manager = Actor.for_user(team.manager)
        review = review_plan(
            actor=manager,
            title="Xem xét của lãnh đạo quý I",
            review_date=dt.date(2026, 3, 9),
            participants=[team.top],
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
        )
        snapshot = review_freeze(review=review, actor=manager)
        review.refresh_from_db()
        html = review_pack_html(review, language="vi")
    (frozen,) = snapshot.data["audits"]
    assert frozen["reference"] == audit.reference
    assert audit.reference in html and "Đánh giá nội bộ quy trình xử lý khiếu nại" in html
