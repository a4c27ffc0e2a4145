"""Migration operations Redress's upgrades need on both databases it runs on (docs/deployment.md
"Upgrades")."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


class AddIndexWithoutLock(AddIndexConcurrently):
    """An index on a big table built without blocking writes: ``CREATE INDEX CONCURRENTLY`` on
    PostgreSQL (in a non-atomic migration), the usual index elsewhere (SQLite, for tests and
    demos, has no such option and no concurrent writers to block)."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, *args)


class RemoveIndexWithoutLock(RemoveIndexConcurrently):
    """An index of a big table dropped without blocking reads and writes while it waits for its
    lock: ``DROP INDEX CONCURRENTLY`` on PostgreSQL (in a non-atomic migration), the usual drop
    elsewhere."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, *args)
