import pytest

from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import make_team
from redress.notifications.testing import smtp  # noqa: F401 - the shared fixture


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def dpo(team):
    """The unit's data-protection officer."""
    return staff(Role.DPO, team.unit, username="baove")
