"""Progress updates (ISO 10002 7.3) reach a complainant who gave a phone only, by SMS, once a
text channel is switched on; without one nothing is recorded for them, and they do not hold
back the updates of others."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.models import Complaint, Message, Status
from redress.complaints.testing import ComplainantFactory
from redress.core.selectors import organisation_get
from redress.handling.jobs import progress_update_sweep
from redress.handling.testing import complaint_in_state, make_team
from redress.notifications.models import OutboundText
from redress.notifications.tests import channel_setup

pytestmark = pytest.mark.django_db


def test_a_phone_only_complainant_gets_progress_updates_by_sms_when_a_channel_is_on(gateway):
    team = make_team()
    phone_only = ComplainantFactory(email="", phone="0901234567", preferred_channel="sms")
    quiet = complaint_in_state(Status.INVESTIGATING, team, complainant=phone_only)
    week_ago = timezone.now() - dt.timedelta(days=7)
    Complaint.objects.filter(pk=quiet.pk).update(received_at=week_ago)
    Message.objects.filter(complaint=quiet).update(created_at=week_ago)
    organisation = organisation_get()
    organisation.progress_update_days = 5
    organisation.save()

    assert progress_update_sweep() == 0  # no way to reach them yet
    assert not Message.objects.filter(complaint=quiet, created_at__gt=week_ago).exists()

    channel_setup.speedsms(gateway)
    assert progress_update_sweep() == 1
    update = Message.objects.filter(complaint=quiet, direction="outbound").latest("created_at")
    assert OutboundText.objects.filter(message=update).exists()
