import pytest

from redress.sla.testing import frozen_clock, rq_flush, uses_rq


@pytest.fixture
def clock():
    with frozen_clock() as value:
        yield value


@pytest.fixture(autouse=True)
def _empty_rq_queue():
    if uses_rq():
        rq_flush()
    yield
