"""Consent on the channels that do not tick a box (REQ-PD-1): an emailed complaint's receipt asks
for consent and a reply with an agreement word gives it; an import's consent column records it
in bulk. Silence is never consent."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from redress.audit.models import AuditEntry
from redress.complaints.models import Complaint
from redress.handling.testing import make_team
from redress.intake.consent import browser_summary, consent_reply_agrees
from redress.intake.importing import mapping_guess, plan_write, table_check, table_read
from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail
from redress.intake.tests.mails import mail
from redress.notifications.models import OutboundEmail
from redress.transparency.models import NoticeConsent

pytestmark = pytest.mark.django_db

SENDER = "lan@example.vn"


@pytest.fixture
def emailed() -> tuple[Complaint, OutboundEmail]:
    make_team()
    mail_ingest(
        raw=mail(sender=SENDER, name="Nguyễn Thị Lan", message_id="<first@mail.example.vn>"),
        source="test",
    )
    complaint = Complaint.objects.get()
    return complaint, OutboundEmail.objects.get(complaint=complaint, template_code="receipt")


def _reply(receipt: OutboundEmail, body: str, *, sender: str = SENDER, key: str = "r1") -> None:
    raw = mail(
        subject=f"Re: {receipt.subject}",
        body=body,
        sender=sender,
        message_id=f"<{key}@mail.example.vn>",
        headers={"In-Reply-To": receipt.email_message_id},
    )
    mail_ingest(raw=raw, source="test")


def test_an_emailed_complaint_has_no_consent_and_its_receipt_asks_for_it(emailed) -> None:
    complaint, receipt = emailed
    assert not NoticeConsent.objects.filter(complaint=complaint).exists()
    assert "ĐỒNG Ý" in receipt.body and "/vi/#privacy" in receipt.body


def test_a_reply_whose_first_line_agrees_records_consent_with_its_message_id(emailed) -> None:
    complaint, receipt = emailed
    _reply(receipt, "Đồng ý.\n\nVào ngày 24/11, Redress đã viết:\n> Chúng tôi đã nhận khiếu nại")

    consent: Any = NoticeConsent.objects.get(complaint=complaint)
    assert consent.method == "email_reply"
    assert consent.evidence == {"message_id": "<r1@mail.example.vn>"}
    assert InboundEmail.objects.get(email_message_id="<r1@mail.example.vn>").outcome == "reply"
    assert AuditEntry.objects.filter(action="consent.record", actor_label="email").exists()


def test_a_reply_that_says_something_else_or_comes_from_someone_else_is_not_consent(
    emailed,
) -> None:
    complaint, receipt = emailed
    _reply(receipt, "Tôi chưa đồng ý, cần hỏi thêm.", key="r2")
    _reply(receipt, "ĐỒNG Ý", sender="other@example.vn", key="r3")
    assert not NoticeConsent.objects.filter(complaint=complaint).exists()


def test_the_agreement_word_is_read_without_accents_case_or_punctuation() -> None:
    assert consent_reply_agrees("ĐỒNG Ý")
    assert consent_reply_agrees("\n  dong y!\n> quoted")
    assert consent_reply_agrees("I agree.")
    assert not consent_reply_agrees("Tôi không đồng ý")
    assert not consent_reply_agrees("")


def test_the_browser_is_kept_in_short() -> None:
    agent = (
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/128.0.0.0 Mobile Safari/537.36"
    )
    assert browser_summary(agent) == "Chrome 128 on Android"


# --------------------------------------------------------------------------------------------
# Import: the consent column

HEADERS = ["Họ tên", "Email", "Tiêu đề", "Nội dung", "Đồng ý", "Thời gian đồng ý"]


def _plan(rows: list[list[str]]) -> Any:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    table = table_read(out.getvalue().encode(), "file.csv")
    return table_check(table, mapping_guess(table.headers))


def test_the_consent_columns_are_recognised() -> None:
    mapping = mapping_guess(HEADERS)
    assert mapping["Đồng ý"] == "consent" and mapping["Thời gian đồng ý"] == "consent_at"


def test_an_import_records_consent_in_bulk_only_where_the_column_says_yes() -> None:
    make_team()
    plan = _plan(
        [
            ["Nguyễn Văn An", "an@example.vn", "Hóa đơn sai", "Tính tiền hai lần.", "có", ""],
            ["Trần Thị Bình", "binh@example.vn", "Giao trễ", "Trễ 10 ngày.", "", ""],
            ["Lê Văn Cường", "cuong@example.vn", "Ấm chập", "Bỏng tay.", "x", "01/01/2026 10:00"],
        ]
    )
    assert plan.ok
    plan_write(plan, file_name="khieu-nai.csv")

    consents = {c.complaint.complainant.full_name: c for c in NoticeConsent.objects.all()}
    assert set(consents) == {"Nguyễn Văn An", "Lê Văn Cường"}
    first = consents["Nguyễn Văn An"]
    assert first.method == "import" and first.evidence == {"file": "khieu-nai.csv", "row": 2}
    assert first.given_at == first.complaint.received_at
    timed = consents["Lê Văn Cường"]
    assert timed.evidence["row"] == 4
    assert timed.given_at.astimezone().date().isoformat() in ("2026-01-01", "2025-12-31")
    receipt = timed.complaint.events.get(action="receive")
    assert receipt.data["consent"]["method"] == "import"


def test_a_consent_time_without_yes_is_an_error_and_nothing_is_imported() -> None:
    make_team()
    plan = _plan([["Nguyễn Văn An", "an@example.vn", "Hóa đơn", "Sai.", "không", "01/01/2026"]])
    assert [(e.row, e.code) for e in plan.errors] == [(2, "consent_time")]
