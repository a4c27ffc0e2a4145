"""A large bulk load builds the secondary indexes of its tables once at the end, and never
leaves a table without them, even when the load fails (PostgreSQL only)."""

import pytest
from django.db import connection

from redress.complaints.models import ComplaintEvent
from redress.core import bulk

pytestmark = pytest.mark.django_db


def index_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [ComplaintEvent._meta.db_table],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bulk-load practice")
def test_secondary_indexes_are_dropped_during_the_load_and_built_again_after():
    before = index_names()
    primary = f"{ComplaintEvent._meta.db_table}_pkey"
    with bulk.indexes_deferred([ComplaintEvent], rows=bulk.DEFER_INDEXES_FROM):
        assert index_names() == {primary}
    assert index_names() == before
    with (
        pytest.raises(RuntimeError),
        bulk.indexes_deferred([ComplaintEvent], rows=bulk.DEFER_INDEXES_FROM),
    ):
        raise RuntimeError("the load failed")
    assert index_names() == before


def test_a_small_load_keeps_the_indexes():
    if connection.vendor == "postgresql":
        before = index_names()
        with bulk.indexes_deferred([ComplaintEvent], rows=bulk.DEFER_INDEXES_FROM - 1):
            assert index_names() == before
    else:
        with bulk.indexes_deferred([ComplaintEvent], rows=10**9):
            pass  # nothing to do elsewhere
