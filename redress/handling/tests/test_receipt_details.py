"""Details of receipt that staff and complainants rely on."""

import pytest

from redress.complaints.models import Message
from redress.complaints.search import complaint_search
from redress.complaints.testing import ComplainantFactory
from redress.core.testing import UserFactory
from redress.handling.testing import make_team, receive
from redress.notifications.models import Notification, OutboundEmail
from redress.notifications.services import notification_mark_read, notify_users

pytestmark = pytest.mark.django_db


def test_receipt_email_carries_the_code_but_the_timeline_copy_does_not():
    team = make_team()
    received = receive(team)
    email = OutboundEmail.objects.get(complaint=received.complaint, template_code="receipt")
    assert received.tracking_code in email.body
    copy = Message.objects.get(pk=email.message_id)
    assert received.tracking_code not in copy.body
    assert received.complaint.reference in copy.body


def test_phone_is_found_with_or_without_spaces():
    team = make_team()
    complaint = receive(team, complainant=ComplainantFactory(phone="0912 345 678")).complaint
    assert list(complaint_search(team.manager, "0912345678")) == [complaint]
    assert list(complaint_search(team.manager, "0912 345 678")) == [complaint]


def test_staff_names_read_family_name_first():
    user = UserFactory(first_name="Tuấn", last_name="Phạm Minh")
    assert str(user) == "Phạm Minh Tuấn"


def test_notices_are_marked_read_only_for_their_recipient():
    team = make_team()
    other = UserFactory()
    notify_users(users=[team.handler, other], kind=Notification.Kind.MESSAGE)
    assert notification_mark_read(user=team.handler) == 1
    assert Notification.objects.get(recipient=team.handler).read_at is not None
    assert Notification.objects.get(recipient=other).read_at is None
