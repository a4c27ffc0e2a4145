"""The "Consent" panel of the complaint workspace (docs/privacy.md "Consent"): the complainant's
consents on all their complaints the reader may see, the evidence only for those who may see
personal data, and the forms to record a consent given by phone or a withdrawal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.errors import NotPermitted
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import receive
from redress.privacy.consents import (
    consent_record_for_complainant,
    consent_withdraw_for_complainant,
)
from redress.transparency.models import NoticeConsent
from redress.transparency.selectors import notice_current
from redress.transparency.services import consent_record

pytestmark = pytest.mark.django_db


def _given(complaint, note="Đồng ý khi gọi tổng đài."):
    return consent_record(
        complaint=complaint,
        notice=notice_current(),
        language="vi",
        channel="phone",
        method="phone",
        evidence={"clerk": "Hà", "note": note},
        actor=Actor.channel("test"),
    )


def test_the_panel_lists_the_consents_of_all_the_complainant_s_complaints(team, signed_in):
    person = ComplainantFactory()
    first = receive(team, complainant=person).complaint
    second = receive(team, complainant=person, subject="Giao hàng trễ").complaint
    _given(first)
    page = signed_in(team.handler).get(reverse("backoffice:complaint", args=[second.reference]))
    assert page.status_code == 200
    panel = page.content.decode().split('id="consent"', 1)[1]
    assert first.reference in panel and "Đồng ý khi gọi tổng đài." in panel
    assert reverse("backoffice:consent_withdraw", args=[second.reference]) in panel


def test_a_role_that_sees_the_complainant_masked_sees_no_evidence_and_no_form(team, signed_in):
    complaint = receive(team).complaint
    _given(complaint)
    page = signed_in(team.top).get(reverse("backoffice:complaint", args=[complaint.reference]))
    panel = page.content.decode().split('id="consent"', 1)[1]
    assert "Đồng ý khi gọi tổng đài." not in panel
    assert reverse("backoffice:consent_record", args=[complaint.reference]) not in panel


def test_frontline_records_a_consent_given_by_phone_with_their_name_and_note(team, signed_in):
    complaint = receive(team).complaint
    client = signed_in(team.frontline)
    response = client.post(
        reverse("backoffice:consent_record", args=[complaint.reference]),
        {"consent-method": "phone", "consent-note": "Khách nói: đồng ý."},
    )
    assert response.status_code == 302
    consent = NoticeConsent.objects.get(complaint=complaint)
    assert consent.method == "phone" and consent.evidence["note"] == "Khách nói: đồng ý."
    assert AuditEntry.objects.filter(
        action="consent.record", actor_label=team.frontline.username
    ).exists()


def test_a_complaints_manager_records_a_withdrawal_on_the_complainant_s_behalf(team, signed_in):
    complaint = receive(team).complaint
    _given(complaint)
    response = signed_in(team.manager).post(
        reverse("backoffice:consent_withdraw", args=[complaint.reference]),
        {"withdraw-method": "letter", "withdraw-note": "Thư ngày 20/11."},
    )
    assert response.status_code == 302
    consent = NoticeConsent.objects.get(complaint=complaint)
    assert consent.withdrawal_method == "letter" and consent.withdrawn_by == team.manager.username
    assert consent.withdrawal_note == "Thư ngày 20/11."


def test_the_dpo_may_record_for_the_complainant_and_an_auditor_may_not(team):
    dpo = staff(Role.DPO, team.unit)
    complaint = receive(team).complaint
    consent_record_for_complainant(
        complaint=complaint, actor=Actor.for_user(dpo), method="letter", note="Thư đồng ý."
    )
    consent_withdraw_for_complainant(
        complaint=complaint, actor=Actor.for_user(dpo), method="email", note=""
    )
    with pytest.raises(NotPermitted):
        consent_record_for_complainant(
            complaint=complaint, actor=Actor.for_user(team.auditor), method="phone", note="x"
        )
    assert NoticeConsent.objects.get(complaint=complaint).withdrawn_by == dpo.username


def test_bad_input_and_refusals_change_nothing(team, signed_in):
    complaint = receive(team).complaint
    client = signed_in(team.handler)
    record = reverse("backoffice:consent_record", args=[complaint.reference])
    withdraw = reverse("backoffice:consent_withdraw", args=[complaint.reference])
    # No note: the note is the evidence.
    assert client.post(record, {"consent-method": "phone"}).status_code == 422
    # Not a way staff hear consent.
    assert client.post(record, {"consent-method": "web", "consent-note": "x"}).status_code == 422
    # Nothing to withdraw: the refusal's own status.
    assert client.post(withdraw, {"withdraw-method": "phone"}).status_code == 409
    assert not NoticeConsent.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="consent.").exists()


def test_roles_that_may_not_record_are_refused(team, signed_in):
    complaint = receive(team).complaint
    url = reverse("backoffice:consent_record", args=[complaint.reference])
    data = {"consent-method": "phone", "consent-note": "Đồng ý."}
    assert signed_in(team.auditor).post(url, data).status_code == 403
    assert signed_in(team.top).post(url, data).status_code == 403
    assert not NoticeConsent.objects.exists()
