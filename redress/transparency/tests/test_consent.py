"""Consent to the personal-data notice (REQ-PD-1): recorded once in force per complaint,
withdrawn with who, how and why, audited; a withdrawal stops optional contact (the survey)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.complaints.models import Status
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.handling.testing import PATHS, advance, make_team, receive
from redress.notifications.models import OutboundEmail
from redress.transparency.models import NoticeConsent
from redress.transparency.selectors import consent_is_withdrawn, notice_current
from redress.transparency.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db

DPO = Actor.channel("test-dpo")


def _consent(complaint, *, method="phone"):
    return consent_record(
        complaint=complaint,
        notice=notice_current(),
        language="vi",
        channel="phone",
        method=method,
        evidence={"clerk": "Hà", "note": "Đồng ý qua điện thoại."},
        actor=Actor.channel("test"),
    )


def test_withdrawal_records_when_who_how_and_why_and_is_audited():
    complaint = receive(make_team()).complaint
    consent = _consent(complaint)

    withdrawn = consent_withdraw(
        complaint=complaint, actor=DPO, method="phone", note="Khách gọi rút lại đồng ý."
    )

    assert withdrawn.pk == consent.pk and withdrawn.withdrawn_at is not None
    stored = NoticeConsent.objects.get(pk=consent.pk)
    assert (stored.withdrawn_by, stored.withdrawal_method, stored.withdrawal_note) == (
        "test-dpo",
        "phone",
        "Khách gọi rút lại đồng ý.",
    )
    entry = AuditEntry.objects.get(action="consent.withdraw")
    assert entry.target_id == str(consent.pk) and entry.after["method"] == "phone"
    # The note may name people: it stays on the consent, not in the audit chain.
    assert "Khách gọi" not in str(entry.after)
    assert consent_is_withdrawn(complaint.pk)


def test_withdrawing_without_consent_in_force_is_refused_and_changes_nothing():
    complaint = receive(make_team()).complaint
    with pytest.raises(Conflict) as refused:
        consent_withdraw(complaint=complaint, actor=DPO, method="phone")
    assert refused.value.code == "no_active_consent"
    _consent(complaint)
    consent_withdraw(complaint=complaint, actor=DPO, method="email")
    with pytest.raises(Conflict):
        consent_withdraw(complaint=complaint, actor=DPO, method="email")
    assert AuditEntry.objects.filter(action="consent.withdraw").count() == 1


def test_an_unknown_withdrawal_method_is_refused_naming_the_field():
    complaint = receive(make_team()).complaint
    _consent(complaint)
    with pytest.raises(ValidationFailed) as refused:
        consent_withdraw(complaint=complaint, actor=DPO, method="pigeon")
    assert "method" in refused.value.fields
    assert NoticeConsent.objects.get(complaint=complaint).withdrawn_at is None


def test_one_consent_in_force_per_complaint_and_consent_again_after_withdrawal():
    complaint = receive(make_team()).complaint
    _consent(complaint)
    with pytest.raises(Conflict):
        _consent(complaint)
    consent_withdraw(complaint=complaint, actor=DPO, method="web")
    again = _consent(complaint, method="email_reply")
    assert NoticeConsent.objects.filter(complaint=complaint).count() == 2
    assert again.is_active and not consent_is_withdrawn(complaint.pk)


def test_recording_refuses_an_unknown_method_and_a_time_in_the_future():
    complaint = receive(make_team()).complaint
    with pytest.raises(ValidationFailed) as refused:
        _consent(complaint, method="guess")
    assert "method" in refused.value.fields
    with pytest.raises(ValidationFailed) as future:
        consent_record(
            complaint=complaint,
            notice=notice_current(),
            language="vi",
            channel="api",
            method="api",
            evidence={},
            actor=DPO,
            given_at=timezone.now() + dt.timedelta(days=1),
        )
    assert "given_at" in future.value.fields
    assert not NoticeConsent.objects.exists()


def test_the_closure_email_invites_to_the_survey_unless_consent_was_withdrawn():
    team = make_team()
    kept, withdrawn = receive(team).complaint, receive(team).complaint
    _consent(kept)
    _consent(withdrawn)
    consent_withdraw(complaint=withdrawn, actor=DPO, method="phone")

    for complaint in (kept, withdrawn):
        for step in PATHS[Status.CLOSED]:
            complaint = advance(complaint, team, step)
        assert complaint.status == Status.CLOSED

    def closure(complaint):
        return OutboundEmail.objects.get(complaint=complaint, template_code="closure").body

    assert "/vi/track/" in closure(kept)
    assert "/vi/track/" not in closure(withdrawn)
