"""Every channel reaches one intake entry point (``intake.receive.intake_receive``) and gets
the same rules: a submission sent twice makes one complaint, a similar recent complaint of the
same person is kept as a possible duplicate, consent is recorded when given and only then, and
a vulnerable complainant's complaint is significant and told to management.

Each channel is driven through its own interface: the portal form, the back office's frontline
form, the API and an email."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redress.api.tests.conftest import ApiClient
from redress.audit.models import AuditEntry
from redress.complaints.models import Complaint, ComplaintLink, LinkKind, Priority
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.models import User
from redress.handling.testing import Team, make_team, receive
from redress.intake.mail import mail_ingest
from redress.intake.tests.mails import mail
from redress.integrations.services import token_create
from redress.notifications.models import Notification
from redress.portal.testing import complaint_data, portal_settings  # noqa: F401
from redress.transparency.models import NoticeConsent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]

EMAIL = "lan@example.vn"
SUBJECT = "Hóa đơn tính sai tiền"

Send = Callable[..., None]


def _portal(team: Team) -> Send:
    def send(*, key: str, vulnerable: str = "", consent: bool = True) -> None:
        data = complaint_data(
            form_token=key,
            email=EMAIL,
            subject=SUBJECT,
            vulnerable_group=vulnerable,
            consent="on" if consent else None,
        )
        response = Client().post("/vi/complain/", data)
        assert response.status_code == 302, response.content.decode()[:2000]

    return send


def _backoffice(team: Team) -> Send:
    client = Client()
    client.force_login(User.objects.get(pk=team.frontline.pk))

    def send(*, key: str, vulnerable: str = "", consent: bool = True) -> None:
        data = {
            "once": key,
            "channel": "phone",
            "received_by": team.frontline.pk,
            "unit": team.unit.pk,
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "email": EMAIL,
            "preferred_language": "vi",
            "vulnerable_group": vulnerable,
            "subject": SUBJECT,
            "description": "Khách gọi tổng đài báo bị tính tiền hai lần.",
            "not_duplicate": "on",
            **({"consent": "on"} if consent else {}),
        }
        response = client.post(reverse("backoffice:intake"), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    return send


def _api(team: Team) -> Send:
    token = token_create(
        actor=Actor.system("test"), user=team.frontline, name="t", scopes=["read", "write"]
    ).raw
    api = ApiClient(token)

    def send(*, key: str, vulnerable: str = "", consent: bool = True) -> None:
        body = {
            "complainant": {
                "full_name": "Nguyễn Thị Lan",
                "email": EMAIL,
                "vulnerable_group": vulnerable,
            },
            "channel": "phone",
            "unit": team.unit.code,
            "subject": SUBJECT,
            "description": "Tôi bị tính tiền hai lần cho cùng một đơn hàng.",
            "consent_to_notice": consent,
        }
        response = api.post("/complaints", body, headers={"Idempotency-Key": key})
        assert response.status_code in (200, 201), response.content

    return send


def _email(team: Team) -> Send:
    def send(*, key: str, vulnerable: str = "", consent: bool = False) -> None:
        raw = mail(subject=SUBJECT, sender=EMAIL, name="Nguyễn Thị Lan", message_id=f"<{key}@x.vn>")
        mail_ingest(raw=raw, source="test")

    return send


CHANNELS: dict[str, Callable[[Team], Send]] = {
    "web": _portal,
    "phone (back office)": _backoffice,
    "api": _api,
    "email": _email,
}
# An email cannot say that its sender is vulnerable or agrees to the notice.
EXPRESSIVE = ["web", "phone (back office)", "api"]


@pytest.fixture
def team() -> Team:
    return make_team()


def _newest() -> Complaint:
    return Complaint.objects.order_by("-pk").first()  # type: ignore[return-value]


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_the_same_submission_sent_twice_makes_one_complaint(team: Team, channel: str) -> None:
    send = CHANNELS[channel](team)
    key = uuid.uuid4().hex
    send(key=key)
    send(key=key)
    assert Complaint.objects.count() == 1
    send(key=uuid.uuid4().hex)
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_similar_recent_complaint_of_the_same_person_is_kept_as_a_possible_duplicate(
    team: Team, channel: str
) -> None:
    earlier = receive(team, complainant=ComplainantFactory(email=EMAIL), subject=SUBJECT).complaint
    CHANNELS[channel](team)(key=uuid.uuid4().hex)
    new = _newest()
    assert new.pk != earlier.pk
    receipt = new.events.get(action="receive")
    assert receipt.data["possible_duplicates"] == [earlier.reference]


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_every_channel_keeps_a_possible_duplicate_as_a_link_staff_can_list(
    team: Team, channel: str
) -> None:
    earlier = receive(team, complainant=ComplainantFactory(email=EMAIL), subject=SUBJECT).complaint
    CHANNELS[channel](team)(key=uuid.uuid4().hex)
    new = _newest()
    link = ComplaintLink.objects.get(complaint=new)
    assert (link.other_id, link.kind) == (earlier.pk, LinkKind.POSSIBLE_DUPLICATE)
    assert link.found_by == new.channel and link.resolved_at is None


# How each channel asked, and the evidence it keeps (REQ-PD-1): never guessed.
METHOD = {"web": "web", "phone (back office)": "phone", "api": "api"}
EVIDENCE_KEYS = {
    "web": {"form", "address_hash", "browser"},
    "phone (back office)": {"clerk", "note"},
    "api": {"token"},
}


@pytest.mark.parametrize("channel", EXPRESSIVE)
def test_consent_is_recorded_with_the_complaint_when_given_and_only_then(
    team: Team, channel: str
) -> None:
    send = CHANNELS[channel](team)
    send(key=uuid.uuid4().hex, consent=True)
    given = _newest()
    consent: Any = NoticeConsent.objects.get(complaint=given)
    assert consent.channel == given.channel and consent.notice.version >= 1
    assert consent.method == METHOD[channel]
    assert set(consent.evidence) == EVIDENCE_KEYS[channel]
    assert (consent.purpose, consent.scope) == ("complaint_handling", "complaint_data")
    assert consent.withdrawn_at is None
    entry = AuditEntry.objects.get(action="consent.record", target_id=str(consent.pk))
    assert entry.after["method"] == METHOD[channel] and entry.after["complaint"] == given.reference
    if channel == "web":
        return  # the portal does not take a complaint without the tick (its own test)
    send(key=uuid.uuid4().hex, consent=False)
    assert not NoticeConsent.objects.filter(complaint=_newest()).exists()


def test_the_evidence_of_each_channel_says_who_or_what_showed_consent(team: Team) -> None:
    _portal(team)(key=uuid.uuid4().hex)
    web: Any = NoticeConsent.objects.get(complaint=_newest())
    # The address is kept only as a keyed hash; the browser in short.
    assert web.evidence["address_hash"] and "127.0.0.1" not in str(web.evidence)
    _backoffice(team)(key=uuid.uuid4().hex)
    phone: Any = NoticeConsent.objects.get(complaint=_newest())
    assert phone.evidence["clerk"] in (team.frontline.get_full_name(), team.frontline.username)
    _api(team)(key=uuid.uuid4().hex)
    api: Any = NoticeConsent.objects.get(complaint=_newest())
    assert api.evidence == {"token": "t"}


def test_the_clerk_s_note_of_what_was_said_is_kept_and_a_note_alone_is_not_consent(
    team: Team,
) -> None:
    client = Client()
    client.force_login(User.objects.get(pk=team.frontline.pk))
    data = {
        "once": uuid.uuid4().hex,
        "channel": "in_person",
        "received_by": team.frontline.pk,
        "unit": team.unit.pk,
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "preferred_language": "vi",
        "subject": SUBJECT,
        "description": "Khách đến quầy báo bị tính tiền hai lần.",
        "not_duplicate": "on",
        "consent_note": "Khách nói: tôi đồng ý.",
    }
    refused = client.post(reverse("backoffice:intake"), data)
    assert refused.status_code == 422 and not Complaint.objects.exists()
    response = client.post(reverse("backoffice:intake"), {**data, "consent": "on"})
    assert response.status_code == 302
    consent: Any = NoticeConsent.objects.get(complaint=_newest())
    assert consent.method == "in_person"
    assert consent.evidence["note"] == "Khách nói: tôi đồng ý."


def test_an_email_is_never_taken_as_consent(team: Team) -> None:
    _email(team)(key=uuid.uuid4().hex)
    assert not NoticeConsent.objects.filter(complaint=_newest()).exists()


@pytest.mark.parametrize("channel", EXPRESSIVE)
def test_a_vulnerable_complainant_makes_the_complaint_significant_and_management_is_told(
    team: Team, channel: str
) -> None:
    CHANNELS[channel](team)(key=uuid.uuid4().hex, vulnerable="elderly")
    complaint = _newest()
    assert complaint.is_significant and complaint.priority == Priority.HIGH
    told = Notification.objects.filter(complaint=complaint, kind=Notification.Kind.SIGNIFICANT)
    assert {n.recipient_id for n in told} >= {team.manager.pk, team.top.pk}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_an_ordinary_complaint_is_not_significant(team: Team, channel: str) -> None:
    CHANNELS[channel](team)(key=uuid.uuid4().hex)
    complaint = _newest()
    assert not complaint.is_significant and complaint.priority == Priority.NORMAL
    assert not Notification.objects.filter(kind=Notification.Kind.SIGNIFICANT).exists()


def test_staff_see_the_possible_duplicates_on_the_complaints_timeline(team: Team) -> None:
    earlier = receive(team, complainant=ComplainantFactory(email=EMAIL), subject=SUBJECT).complaint
    _email(team)(key=uuid.uuid4().hex)
    client = Client()
    client.force_login(User.objects.get(pk=team.handler.pk))
    page = client.get(reverse("backoffice:complaint", args=[_newest().reference]))
    assert page.status_code == 200
    # Staff pages speak Vietnamese by default.
    assert f"<dt>Có thể trùng lặp</dt><dd>{earlier.reference}</dd>" in page.content.decode()


@pytest.mark.parametrize("channel", EXPRESSIVE)
def test_a_new_complaint_in_someones_name_never_rewrites_their_record(
    team: Team, channel: str
) -> None:
    """Anyone can send a complaint with a person's name and email. It must not change what
    that person's record says, nor the first complaint's statutory priority (issue 16, #2)."""
    from redress.sla.selectors import clocks_of
    from redress.sla.services import sla_clocks_recompute

    CHANNELS[channel](team)(key=uuid.uuid4().hex, vulnerable="elderly")
    first = _newest()
    person = first.complainant
    assert (first.vulnerable_group, first.priority) == ("elderly", Priority.HIGH)
    stored = (person.vulnerable_group, person.preferred_language, person.preferred_channel)

    CHANNELS[channel](team)(key=uuid.uuid4().hex, vulnerable="")
    second = _newest()

    assert second.complainant_id == person.pk
    person.refresh_from_db()
    assert (person.vulnerable_group, person.preferred_language, person.preferred_channel) == stored
    assert (second.vulnerable_group, second.priority) == ("", Priority.NORMAL)
    # The first complaint keeps its vulnerable deadlines when they are computed again.
    sla_clocks_recompute(complaint=first)
    first.refresh_from_db()
    assert (first.vulnerable_group, first.is_significant) == ("elderly", True)
    assert {clock.policy.code for clock in clocks_of(first) if clock.policy} == {"vulnerable"}
