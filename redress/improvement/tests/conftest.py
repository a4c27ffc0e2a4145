import pytest

from redress.handling.testing import make_team
from redress.sla.testing import frozen_clock


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def clock():
    with frozen_clock() as value:
        yield value
