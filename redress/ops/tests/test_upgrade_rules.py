"""Every migration added since the last release follows docs/deployment.md "Upgrades", so that
`migrate` can run while the previous release still serves: no NOT NULL column without a
database default on an existing table, no rename, removal or change of type in one release,
indexes on the big tables built concurrently (PostgreSQL). The last release's migrations are
listed in deploy/released-migrations.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import models
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState
from django.db.models.fields import NOT_PROVIDED

from redress.core.migration_operations import (
    AddIndexWithoutLock,
    FieldIndexDroppedWithoutLock,
    RemoveIndexWithoutLock,
)

RELEASED = Path(settings.BASE_DIR) / "deploy" / "released-migrations.txt"

# The tables that grow with the register: an index built on them in the usual way locks out
# writes for as long as the build takes (docs/deployment.md "Upgrades").
BIG_TABLES = {
    ("complaints", "complaint"),
    ("complaints", "complaintevent"),
    ("complaints", "message"),
    ("complaints", "attachment"),
    ("audit", "auditentry"),
    ("notifications", "notification"),
    ("notifications", "outboundemail"),
    ("integrations", "webhookdelivery"),
    ("intake", "inboundemail"),
    ("intake", "intakekey"),
    # Several rows for each complaint: its stage clocks, its figures in the rollup.
    ("sla", "stageclock"),
    ("analytics", "rollupfigures"),
}

# A migration that cannot follow the rules, with why; its release notes must say it needs a
# maintenance window. Keep empty if at all possible.
EXCEPTIONS: dict[str, str] = {}

NEVER_IN_ONE_RELEASE = (ops.RenameField, ops.RenameModel, ops.RemoveField, ops.DeleteModel)


def released() -> set[tuple[str, str]]:
    lines = RELEASED.read_text().splitlines()
    return {
        tuple(line.strip().split(".", 1))  # type: ignore[misc]
        for line in lines
        if line.strip() and not line.startswith("#")
    }


def _tables_of(migrations: list[Migration]) -> set[tuple[str, str]]:
    tables: set[tuple[str, str]] = set()
    for migration in migrations:
        for operation in migration.operations:
            if isinstance(operation, ops.CreateModel):
                tables.add((migration.app_label, operation.name_lower))
            elif isinstance(operation, ops.DeleteModel):
                tables.discard((migration.app_label, operation.name_lower))
            elif isinstance(operation, ops.RenameModel):
                tables.discard((migration.app_label, operation.old_name_lower))
                tables.add((migration.app_label, operation.new_name_lower))
    return tables


def problems_of(
    migration: Migration, before: ProjectState, existing: set[tuple[str, str]]
) -> list[str]:
    """What in ``migration`` breaks the upgrade rules; ``before`` is the state it starts from."""
    app = migration.app_label
    state = before.clone()
    found = []
    for operation in migration.operations:
        table = (app, getattr(operation, "model_name_lower", ""))
        if isinstance(operation, NEVER_IN_ONE_RELEASE):
            found.append(f"{operation.describe()}: split it over two releases")
        elif isinstance(operation, ops.AddField) and table in existing:
            field = operation.field
            if not (field.null or field.many_to_many) and field.db_default is NOT_PROVIDED:
                found.append(
                    f"{operation.describe()}: NOT NULL on an existing table needs db_default"
                )
            if (field.db_index or field.unique) and table in BIG_TABLES:
                found.append(f"{operation.describe()}: an index on a big table, not concurrent")
        elif isinstance(operation, ops.AlterField) and table in existing:
            old = state.models[table].fields.get(operation.name)
            new = operation.field
            if old is not None and type(old) is not type(new):
                found.append(f"{operation.describe()}: a change of type")
            elif old is not None and old.null and not new.null:
                found.append(f"{operation.describe()}: made NOT NULL")
            elif old is not None and table in BIG_TABLES and old.db_index != new.db_index:
                if new.db_index:
                    found.append(f"{operation.describe()}: an index on a big table, not concurrent")
                elif not isinstance(operation, FieldIndexDroppedWithoutLock):
                    # AlterField's DROP INDEX waits for the table's strongest lock.
                    found.append(
                        f"{operation.describe()}: use FieldIndexDroppedWithoutLock on a big table"
                    )
        elif (
            isinstance(operation, ops.AddIndex)
            and not isinstance(operation, AddIndexConcurrently)
            and table in BIG_TABLES
        ):
            found.append(f"{operation.describe()}: use AddIndexConcurrently on a big table")
        elif (
            isinstance(operation, ops.RemoveIndex)
            and not isinstance(operation, RemoveIndexConcurrently)
            and table in BIG_TABLES
        ):
            # DROP INDEX waits for the table's strongest lock, and every query queues behind it.
            found.append(f"{operation.describe()}: use RemoveIndexConcurrently on a big table")
        operation.state_forwards(app, state)
    return found


def test_every_migration_since_the_last_release_is_safe_while_the_old_code_serves():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {key for key in loader.disk_migrations if key[0] in _redress_apps()}
    old = released()
    assert old, f"{RELEASED} lists no migration"
    assert old <= ours, f"released migrations missing from the tree: {sorted(old - ours)}"
    existing = _tables_of([loader.disk_migrations[key] for key in _in_order(loader, old)])
    problems = []
    for key in _in_order(loader, ours - old):
        migration = loader.disk_migrations[key]
        before = loader.project_state(key, at_end=False)
        for problem in problems_of(migration, before, existing):
            if f"{key[0]}.{key[1]}" not in EXCEPTIONS:
                problems.append(f"{key[0]}.{key[1]}: {problem}")
    assert problems == []


def _redress_apps() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.name.startswith("redress.")}


def _in_order(loader: MigrationLoader, keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan.extend(loader.graph.forwards_plan(leaf))
    seen: set[tuple[str, str]] = set()
    return [k for k in plan if k in keys and not (k in seen or seen.add(k))]  # type: ignore[func-returns-value]


# The rules themselves, on migrations written for the test.


def _migration(app: str, *operations) -> Migration:
    migration = Migration("9999_test", app)
    migration.operations = list(operations)
    return migration


def _complainant(indexed: bool) -> models.ForeignKey:
    return models.ForeignKey(
        "complaints.complainant",
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=indexed,
    )


@pytest.fixture(scope="module")
def released_state():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = [key for key in loader.graph.leaf_nodes() if key[0] in _redress_apps()]
    return loader.project_state(leaves), _tables_of(list(loader.disk_migrations.values()))


@pytest.mark.parametrize(
    ("operation", "problem"),
    [
        (
            ops.AddField("intakekey", "note", models.CharField(max_length=20, default="")),
            "needs db_default",
        ),
        (ops.RemoveField("intakekey", "fingerprint"), "two releases"),
        (ops.RenameField("intakekey", "fingerprint", "hash"), "two releases"),
        (ops.AlterField("intakekey", "fingerprint", models.TextField()), "change of type"),
        (
            ops.AddIndex("intakekey", models.Index(fields=["created_at"], name="ik_created")),
            "AddIndexConcurrently",
        ),
        (
            ops.RemoveIndex("complaint", "complaint_running_due"),
            "RemoveIndexConcurrently",
        ),
        (ops.AlterField("complaint", "complainant", _complainant(False)), "FieldIndexDropped"),
        (
            ops.AlterField("complaint", "is_significant", models.BooleanField(db_index=True)),
            "not concurrent",
        ),
    ],
)
def test_an_unsafe_migration_is_caught(released_state, operation, problem):
    state, existing = released_state
    app = "complaints" if operation.model_name == "complaint" else "intake"
    [found] = problems_of(_migration(app, operation), state, existing)
    assert problem in found


def test_a_safe_migration_passes(released_state):
    state, existing = released_state
    safe = _migration(
        "intake",
        ops.AddField("intakekey", "note", models.CharField(max_length=20, db_default="")),
        ops.AddField("intakekey", "seen", models.DateTimeField(null=True)),
        AddIndexWithoutLock("intakekey", models.Index(fields=["created_at"], name="ik_created")),
    )
    assert problems_of(safe, state, existing) == []
    dropped = _migration(
        "complaints",
        RemoveIndexWithoutLock("complaint", "complaint_running_due"),
        FieldIndexDroppedWithoutLock("complaint", "complainant", _complainant(False)),
    )
    assert problems_of(dropped, state, existing) == []
