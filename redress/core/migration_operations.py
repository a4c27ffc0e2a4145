"""Migration operations Redress's upgrades need on both databases it runs on (docs/deployment.md
"Upgrades")."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation


class _ConcurrentOnPostgres:
    """PostgreSQL's concurrent form of an index operation (in a non-atomic migration); the
    usual form (``usual``) elsewhere: SQLite, for tests and demos, has no such option and no
    concurrent writers to block."""

    usual: type[Operation]

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)  # type: ignore[misc]
        else:
            self.usual.database_forwards(self, app_label, schema_editor, *args)  # type: ignore[arg-type]

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)  # type: ignore[misc]
        else:
            self.usual.database_backwards(self, app_label, schema_editor, *args)  # type: ignore[arg-type]


class AddIndexWithoutLock(_ConcurrentOnPostgres, AddIndexConcurrently):
    """An index on a big table built without blocking writes: ``CREATE INDEX CONCURRENTLY`` on
    PostgreSQL, the usual index elsewhere."""

    usual = AddIndex


class RemoveIndexWithoutLock(_ConcurrentOnPostgres, RemoveIndexConcurrently):
    """An index of a big table dropped without blocking reads and writes while it waits for its
    lock: ``DROP INDEX CONCURRENTLY`` on PostgreSQL, the usual drop elsewhere."""

    usual = RemoveIndex
