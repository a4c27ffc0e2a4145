"""Migration operations Redress's upgrades need on both databases it runs on (docs/deployment.md
"Upgrades")."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, AlterField, RemoveIndex
from django.db.migrations.operations.base import Operation
from django.db.models import Index


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


class FieldIndexDroppedWithoutLock(AlterField):
    """A field of a big table that stops being indexed on its own (``db_index=False``, a foreign
    key included), nothing else about it changing: its index dropped, with ``DROP INDEX
    CONCURRENTLY`` on PostgreSQL (in a non-atomic migration). Going back builds it again
    (concurrently on PostgreSQL).

    Only the index is touched, on SQLite too, where ``AlterField`` would copy the whole table
    into a new one and lose what migrations added to it by SQL (the deadline tally's
    triggers)."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        self._only_the_index_changes(model, to_state.apps.get_model(app_label, self.model_name))
        field = model._meta.get_field(self.name)
        # The index ``db_index`` made: the field's column alone, named by Django, not one of
        # the model's declared indexes (``BaseDatabaseSchemaEditor._alter_field`` finds it so).
        names = schema_editor._constraint_names(
            model,
            [field.column],
            index=True,
            type_=Index.suffix,
            exclude={index.name for index in model._meta.indexes},
        )
        for name in names:
            schema_editor.execute(
                schema_editor._delete_index_sql(model, name, **_concurrently(schema_editor))
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[field], **_concurrently(schema_editor))
        )

    def _only_the_index_changes(self, before: Any, after: Any) -> None:
        def described(model: Any) -> dict[str, Any]:
            _name, _path, _args, kwargs = model._meta.get_field(self.name).deconstruct()
            kwargs.pop("db_index", None)
            return dict(kwargs)

        if described(before) != described(after):
            raise ValueError(f"{self.describe()}: only the field's own index may change here")


def _concurrently(schema_editor: Any) -> dict[str, bool]:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
