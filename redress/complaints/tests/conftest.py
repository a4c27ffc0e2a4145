import pytest

from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling.testing import make_team


@pytest.fixture
def org():
    """Two teams, the second in a unit below the first's; a data-protection officer."""
    first = make_team()
    second = make_team(UnitFactory(parent=first.unit))
    dpo = staff(Role.DPO, first.unit)
    return first, second, dpo
