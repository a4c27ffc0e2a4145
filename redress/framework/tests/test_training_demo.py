"""The demo requires courses of handlers and trains its handlers, so the gate lets them own
complaints; loading it twice changes nothing."""

import pytest

from redress.core.roles import Role
from redress.framework.models import Course, TrainingRecord
from redress.framework.selectors_training import courses_required, untrained_for
from redress.intake.seed import demo_organisation

pytestmark = pytest.mark.django_db


def test_the_demo_handlers_are_trained_in_every_course_their_role_needs():
    users = demo_organisation()
    assert len(courses_required(Role.HANDLER)) == 2
    for username in ("xuly", "xuly2"):
        assert untrained_for(users[username], Role.HANDLER) == []
    records = TrainingRecord.objects.count()
    demo_organisation()
    assert (Course.objects.count(), TrainingRecord.objects.count()) == (2, records)
