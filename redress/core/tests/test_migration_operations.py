"""The migration operations that change a big table's indexes without blocking its writes."""

import pytest
from django.conf import settings
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from redress.core.migration_operations import FieldIndexDroppedWithoutLock

# Outside a transaction, as in a non-atomic migration: PostgreSQL's CONCURRENTLY refuses to run
# in one, and SQLite's schema editor refuses to run in one with foreign keys checked. The
# register as it was is put back after each test, as the other tests that commit expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _complainant(**changes):
    return models.ForeignKey(
        "complaints.complainant",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="complainant",
        **changes,
    )


def _indexes_of_column(column: str) -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "complaints_complaint")
    return {
        name
        for name, about in found.items()
        if about["index"] and not about["primary_key"] and about["columns"] == [column]
    }


def _triggers() -> set[str]:
    query = (
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'complaints_complaint'::regclass"
        " AND NOT tgisinternal"
        if settings.IS_POSTGRES
        else "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        " AND tbl_name = 'complaints_complaint'"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {name for (name,) in cursor.fetchall()}


def _states(field):
    before = MigrationLoader(connection).project_state()
    operation = FieldIndexDroppedWithoutLock("complaint", "complainant", field)
    after = before.clone()
    operation.state_forwards("complaints", after)
    return operation, before, after


def test_a_fields_own_index_is_dropped_and_built_again_going_back_and_nothing_else():
    operation, before, after = _states(_complainant(db_index=False))
    own = _indexes_of_column("complainant_id")
    triggers = _triggers()
    assert len(own) == 1 and triggers
    with connection.schema_editor(atomic=False, collect_sql=True) as editor:
        operation.database_forwards("complaints", editor, before, after)
        operation.database_backwards("complaints", editor, after, before)
    [drop, build] = editor.collected_sql
    # Concurrently on PostgreSQL; on SQLite the index alone, not a copy of the whole table.
    concurrently = " CONCURRENTLY" if settings.IS_POSTGRES else ""
    assert drop.startswith(f"DROP INDEX{concurrently}") and next(iter(own)) in drop
    assert build.startswith(f"CREATE INDEX{concurrently}") and next(iter(own)) in build
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("complaints", editor, before, after)
        assert _indexes_of_column("complainant_id") == set()
        assert _triggers() == triggers
        operation.database_backwards("complaints", editor, after, before)
    assert _indexes_of_column("complainant_id") == own


def test_it_refuses_to_change_anything_but_the_index():
    operation, before, after = _states(_complainant(db_index=False, null=True))
    with (
        pytest.raises(ValueError, match="only the field's own index"),
        connection.schema_editor(atomic=False) as editor,
    ):
        operation.database_forwards("complaints", editor, before, after)
    assert len(_indexes_of_column("complainant_id")) == 1
