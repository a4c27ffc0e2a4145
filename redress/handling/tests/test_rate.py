"""The satisfaction survey (ISO 10002 8.3): answered on the portal, or given by phone and typed
in by staff; the event says how it came and who typed it; bad input changes nothing."""

import pytest
from django.utils import translation

from redress.audit.models import AuditEntry
from redress.complaints.models import ComplaintEvent, SatisfactionResponse, Status
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team

pytestmark = pytest.mark.django_db


def _counts():
    return (
        SatisfactionResponse.objects.count(),
        ComplaintEvent.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def closed():
    team = make_team()
    return team, complaint_in_state(Status.CLOSED, team)


def test_an_answer_given_by_phone_is_recorded_with_who_typed_it(closed):
    team, complaint = closed
    response = services.complaint_rate(
        complaint=complaint,
        actor=Actor.for_user(team.frontline),
        overall=2,
        courtesy=5,
        comment="  Nhân viên lịch sự nhưng chậm  ",
        via="phone",
    )
    assert (response.overall, response.courtesy, response.fairness) == (2, 5, None)
    assert response.comment == "Nhân viên lịch sự nhưng chậm"
    event = ComplaintEvent.objects.get(complaint=complaint, action="rate")
    assert (event.method, event.actor_kind, event.actor_user_id) == (
        "phone",
        "user",
        team.frontline.pk,
    )
    assert event.data == {"overall": 2, "via": "phone"}
    assert (event.from_status, event.to_status) == (Status.CLOSED, Status.CLOSED)
    audit = AuditEntry.objects.filter(action="complaint.rate").get()
    assert audit.after["data"] == {"overall": 2, "via": "phone"}


def test_the_portals_answer_comes_by_the_web_channel(closed):
    _team, complaint = closed
    services.complaint_rate(complaint=complaint, actor=Actor.channel("web"), overall=5)
    event = ComplaintEvent.objects.get(complaint=complaint, action="rate")
    assert (event.method, event.actor_kind, event.data) == ("web", "channel", {"overall": 5})


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"overall": 6}, {"overall"}),
        ({"overall": 0, "speed": 9}, {"overall", "speed"}),
        ({"overall": None}, {"overall"}),
        ({"overall": 4, "courtesy": -1}, {"courtesy"}),
        ({"overall": 4, "via": "pigeon"}, {"via"}),
    ],
)
def test_bad_input_names_the_field_in_vietnamese_and_changes_nothing(closed, values, fields):
    team, complaint = closed
    before = _counts()
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        services.complaint_rate(complaint=complaint, actor=Actor.for_user(team.handler), **values)
    assert set(refused.value.fields) == fields
    problems = " ".join(p for found in refused.value.fields.values() for p in found)
    assert "1 đến 5" in problems or "Lựa chọn không hợp lệ" in problems
    assert _counts() == before


def test_a_second_answer_is_refused_and_changes_nothing(closed):
    team, complaint = closed
    services.complaint_rate(complaint=complaint, actor=Actor.channel("web"), overall=4)
    before = _counts()
    with translation.override("vi"), pytest.raises(Conflict) as refused:
        services.complaint_rate(
            complaint=complaint, actor=Actor.for_user(team.handler), overall=1, via="phone"
        )
    assert refused.value.code == "already_rated"
    assert "đã được trả lời" in refused.value.message
    assert _counts() == before
    assert SatisfactionResponse.objects.get(complaint=complaint).overall == 4


def test_top_management_and_auditors_do_not_type_in_answers(closed):
    team, complaint = closed
    for person in (team.top, team.auditor):
        with pytest.raises(NotPermitted):
            services.complaint_rate(
                complaint=complaint, actor=Actor.for_user(person), overall=3, via="phone"
            )
    assert not SatisfactionResponse.objects.exists()
