"""Duplicates (ISO 10002 7.2): a possible duplicate found at intake is linked as related,
dismissed, or merged — the duplicate closed into the complaint that goes on, the complainant
told, nothing they sent lost. Each decision is an action: roles checked, event and audit entry
written; a refused one changes nothing."""

import pytest

from redress.audit.models import AuditEntry
from redress.complaints.links import complaint_links, merged_into
from redress.complaints.models import (
    ComplaintEvent,
    ComplaintLink,
    LinkKind,
    Message,
    Status,
)
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive
from redress.notifications.models import OutboundEmail
from redress.sla.models import StageClock

pytestmark = pytest.mark.django_db

SUBJECT = "Hóa đơn tính sai tiền"


@pytest.fixture
def pair():
    """An earlier complaint and a new one intake took for a possible duplicate of it."""
    team = make_team()
    person = ComplainantFactory(email="lan@example.vn")
    earlier = receive(team, complainant=person, subject=SUBJECT).complaint
    new = receive(team, complainant=person, subject=SUBJECT, duplicate_of=[earlier]).complaint
    return team, earlier, new


def _counts():
    return ComplaintLink.objects.count(), ComplaintEvent.objects.count(), AuditEntry.objects.count()


def test_linking_a_suggested_duplicate_marks_both_as_related_and_is_audited(pair):
    team, earlier, new = pair
    services.complaint_link(
        complaint=earlier, actor=Actor.for_user(team.handler), other=new.reference
    )

    link = ComplaintLink.objects.get()
    assert (link.kind, link.resolved_by_id) == (LinkKind.RELATED, team.handler.pk)
    assert [v.relation for v in complaint_links(team.handler, new)] == ["related"]
    assert [v.other for v in complaint_links(team.handler, earlier)] == [new]
    event = earlier.events.get(action="link")
    assert event.data == {"other": new.reference}
    audit = AuditEntry.objects.get(action="complaint.link")
    assert audit.target_id == str(earlier.pk)


def test_dismissing_a_suggestion_takes_it_off_the_list(pair):
    team, earlier, new = pair
    services.complaint_dismiss_duplicate(
        complaint=new, actor=Actor.for_user(team.manager), other=earlier.reference, note="Khác đơn"
    )

    assert ComplaintLink.objects.get().kind == LinkKind.NOT_DUPLICATE
    assert complaint_links(team.handler, new) == []
    assert AuditEntry.objects.filter(action="complaint.dismiss_duplicate").count() == 1


def test_merging_closes_the_duplicate_into_the_complaint_that_goes_on(pair):
    team, earlier, new = pair
    services.complaint_add_message(
        complaint=new, actor=Actor.channel("web"), direction="inbound", body="Ảnh hóa đơn"
    )
    merged = services.complaint_merge(
        complaint=new, actor=Actor.for_user(team.handler), other=earlier.reference
    )

    assert merged.status == Status.CLOSED and merged.closed_at is not None
    assert merged_into(merged) == earlier
    assert [v.relation for v in complaint_links(team.handler, earlier)] == ["merged_from"]
    # Nothing the complainant sent is lost: it stays on the merged complaint, linked.
    assert Message.objects.filter(complaint=new, body="Ảnh hóa đơn").exists()
    told = OutboundEmail.objects.get(complaint=new, template_code="merged")
    assert earlier.reference in told.subject
    assert not StageClock.objects.filter(complaint=new, outcome="running").exists()
    assert AuditEntry.objects.filter(action="complaint.merge").count() == 1
    assert new.events.get(action="merge").visible_to_complainant


def test_a_person_without_a_handling_role_may_not_link_or_merge(pair):
    team, earlier, new = pair
    before = _counts()
    for service in (services.complaint_link, services.complaint_merge):
        with pytest.raises(NotPermitted):
            service(complaint=new, actor=Actor.for_user(team.frontline), other=earlier.reference)
    assert _counts() == before


def test_a_complaint_the_person_may_not_see_cannot_be_named(pair):
    team, earlier, new = pair
    elsewhere = receive(make_team(), subject=SUBJECT).complaint
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        services.complaint_merge(
            complaint=new, actor=Actor.for_user(team.handler), other=elsewhere.reference
        )
    assert "other" in refused.value.fields
    assert _counts() == before and new.status == Status.RECEIVED


def test_merging_into_a_closed_complaint_or_twice_is_refused(pair):
    team, earlier, new = pair
    closed = complaint_in_state(Status.CLOSED, team)
    actor = Actor.for_user(team.manager)
    with pytest.raises(Conflict):
        services.complaint_merge(complaint=new, actor=actor, other=closed.reference)
    services.complaint_merge(complaint=new, actor=actor, other=earlier.reference)
    before = _counts()
    with pytest.raises(Conflict):
        services.complaint_link(complaint=earlier, actor=actor, other=new.reference)
    assert _counts() == before
