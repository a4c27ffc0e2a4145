"""The person hears of each step of their data-subject request by email (Decree 356/2025: the
first response, an extension with its reason, the outcome or the refusal), in their language;
after an erasure nothing is sent, since their address is gone."""

import pytest

from redress.complaints.models import Status
from redress.complaints.testing import ComplainantFactory
from redress.core.testing import actor
from redress.handling.testing import complaint_in_state, receive
from redress.notifications.models import OutboundEmail
from redress.privacy import requests as services

pytestmark = pytest.mark.django_db


def updates():
    return list(OutboundEmail.objects.filter(template_code="dsar_update").order_by("pk"))


def asked(team, dpo, kind, language="vi", state=None):
    complainant = ComplainantFactory.create(email="an@example.vn", preferred_language=language)
    if state is None:
        complaint = receive(team, complainant=complainant).complaint
    else:
        complaint = complaint_in_state(state, team, complainant=complainant)
    request = services.request_receive(
        actor=actor(dpo),
        kind=kind,
        channel="staff",
        complaints=[complaint],
        verification="staff_check",
    )
    return request, complaint


def test_each_step_is_told_to_the_person_with_the_note(team, dpo):
    request, _complaint = asked(team, dpo, "objection")
    dpo_actor = actor(dpo)
    request = services.request_respond(actor=dpo_actor, request=request, note="Đang xem xét")
    request = services.request_extend(
        actor=dpo_actor, request=request, days=10, reason="Cần hỏi bên xử lý"
    )
    services.request_complete(actor=dpo_actor, request=request, outcome_note="Đã ngừng xử lý")
    told = updates()
    assert [e.to for e in told] == ["an@example.vn"] * 3
    assert "Đang xem xét" in told[0].body and request.reference in told[0].subject
    assert "Cần hỏi bên xử lý" in told[1].body and "Hạn hoàn thành" in told[1].body
    assert "Đã ngừng xử lý" in told[2].body


def test_a_refusal_is_told_in_the_persons_language(team, dpo):
    request, _complaint = asked(team, dpo, "rectification", language="en")
    services.request_refuse(actor=actor(dpo), request=request, reason="Not enough proof")
    (told,) = updates()
    assert "we cannot carry it out" in told.subject and "Not enough proof" in told.body


def test_after_an_erasure_nothing_is_sent_to_the_erased_address(team, dpo):
    request, _complaint = asked(team, dpo, "erasure", state=Status.CLOSED)
    services.request_complete(actor=actor(dpo), request=request, outcome_note="Đã xoá")
    assert updates() == []
    assert not OutboundEmail.objects.filter(to="an@example.vn", template_code="dsar_update")
