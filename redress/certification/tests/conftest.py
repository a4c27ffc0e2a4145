import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.models import Status
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UserFactory, staff
from redress.handling.testing import complaint_in_state, make_team, receive


@pytest.fixture
def team(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_team()


@pytest.fixture
def complaints(team):
    """Ten complaints received today, one of them closed with a decision and a refund, the
    complainants with Vietnamese names and contact details."""
    found = [
        receive(
            team,
            complainant=ComplainantFactory.create(
                full_name=f"Nguyễn Thị Hương {n}",
                email=f"huong{n}@example.vn",
                phone=f"091234567{n}",
            ),
        ).complaint
        for n in range(9)
    ]
    found.append(
        complaint_in_state(
            Status.CLOSED,
            team,
            complainant=ComplainantFactory.create(
                full_name="Trần Văn Đức", email="duc@example.vn", phone="0987654321"
            ),
        )
    )
    return found


@pytest.fixture
def administrator(team):
    return staff(Role.ADMIN, team.unit)


@pytest.fixture
def outsider():
    """A person without a staff role: the external auditor to be."""
    return UserFactory(username="kiemtoanvien", first_name="Lê", last_name="Minh")


def today():
    return timezone.localdate()


def period():
    return today() - dt.timedelta(days=30), today()


def manager_actor(team):
    return Actor.for_user(team.manager)
