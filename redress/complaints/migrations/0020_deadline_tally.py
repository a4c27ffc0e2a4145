"""The deadline tally (complaints with a running deadline counted per unit, status and hour due)
and the triggers that keep it: the running deadline is a generated column moved by every writer
of a stage's deadline, a status or a pause, so the tally is moved where the column is, by the
database, in the writer's transaction (``complaints.deadline_tally``). The triggers are made and
the tally filled in one transaction, which holds writers of complaints back meanwhile: none is
counted twice or missed."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "complaints_complaint"
TALLY = "complaints_deadlinetally"

# The start of the hour a deadline falls in, in UTC whatever the session's time zone.
HOUR = "date_trunc('hour', next_due_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"

# PostgreSQL: one trigger per statement, reading the rows it wrote (transition tables), so that
# a bulk write (a seed, an import, `redress sla rebuild`) adds one grouped row per cell, and a
# write that changed no cell (a new message, a note) adds none.
POSTGRES_FUNCTION = f"""
CREATE FUNCTION complaints_deadline_tally_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TALLY} (unit_id, status, due_hour, count)
    SELECT unit_id, status, {HOUR}, count(*)
    FROM entered WHERE next_due_at IS NOT NULL GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TALLY} (unit_id, status, due_hour, count)
    SELECT unit_id, status, {HOUR}, -count(*)
    FROM departed WHERE next_due_at IS NOT NULL GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO {TALLY} (unit_id, status, due_hour, count)
    SELECT unit_id, status, due_hour, sum(n) FROM (
      SELECT unit_id, status, {HOUR} AS due_hour, -1 AS n
      FROM departed WHERE next_due_at IS NOT NULL
      UNION ALL
      SELECT unit_id, status, {HOUR}, 1
      FROM entered WHERE next_due_at IS NOT NULL
    ) AS moved GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$
"""
POSTGRES_TRIGGERS = [
    f"CREATE TRIGGER complaints_deadline_tally_insert AFTER INSERT ON {TABLE} "
    "REFERENCING NEW TABLE AS entered FOR EACH STATEMENT "
    "EXECUTE FUNCTION complaints_deadline_tally_move()",
    f"CREATE TRIGGER complaints_deadline_tally_update AFTER UPDATE ON {TABLE} "
    "REFERENCING OLD TABLE AS departed NEW TABLE AS entered FOR EACH STATEMENT "
    "EXECUTE FUNCTION complaints_deadline_tally_move()",
    f"CREATE TRIGGER complaints_deadline_tally_delete AFTER DELETE ON {TABLE} "
    "REFERENCING OLD TABLE AS departed FOR EACH STATEMENT "
    "EXECUTE FUNCTION complaints_deadline_tally_move()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS complaints_deadline_tally_{event} ON {TABLE}"
    for event in ("insert", "update", "delete")
] + ["DROP FUNCTION IF EXISTS complaints_deadline_tally_move()"]


# SQLite has triggers per row only; a row whose cell did not change adds nothing. Its hours are
# written as Django writes a date and time there.
def _hour(row: str) -> str:
    return f"strftime('%Y-%m-%d %H:00:00', {row}next_due_at)"


_COUNT = f"INSERT INTO {TALLY} (unit_id, status, due_hour, count)"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER complaints_deadline_tally_insert AFTER INSERT ON {TABLE}
    WHEN NEW.next_due_at IS NOT NULL BEGIN
      {_COUNT} VALUES (NEW.unit_id, NEW.status, {_hour("NEW.")}, 1);
    END""",
    f"""CREATE TRIGGER complaints_deadline_tally_update AFTER UPDATE ON {TABLE}
    WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.status IS NOT NEW.status
      OR {_hour("OLD.")} IS NOT {_hour("NEW.")} BEGIN
      {_COUNT} SELECT OLD.unit_id, OLD.status, {_hour("OLD.")}, -1
        WHERE OLD.next_due_at IS NOT NULL;
      {_COUNT} SELECT NEW.unit_id, NEW.status, {_hour("NEW.")}, 1
        WHERE NEW.next_due_at IS NOT NULL;
    END""",
    # A flush (tests) deletes every table in no fixed order: a complaint deleted after its unit
    # adds nothing, and a unit deleted takes its cells with it, so that the tally is empty and
    # refers to no deleted unit afterwards, whichever table went first.
    f"""CREATE TRIGGER complaints_deadline_tally_delete AFTER DELETE ON {TABLE}
    WHEN OLD.next_due_at IS NOT NULL
      AND EXISTS (SELECT 1 FROM core_orgunit WHERE id = OLD.unit_id) BEGIN
      {_COUNT} VALUES (OLD.unit_id, OLD.status, {_hour("OLD.")}, -1);
    END""",
    f"""CREATE TRIGGER complaints_deadline_tally_unit_gone AFTER DELETE ON core_orgunit BEGIN
      DELETE FROM {TALLY} WHERE unit_id = OLD.id;
    END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS complaints_deadline_tally_{event}"
    for event in ("insert", "update", "delete", "unit_gone")
]

# The running deadlines now, counted into the tally (after the triggers exist, in the same
# transaction: a write committed before is counted here, one after by the triggers).
FILL = {
    "postgresql": f"""{_COUNT} SELECT unit_id, status, {HOUR}, count(*) FROM {TABLE}
        WHERE next_due_at IS NOT NULL GROUP BY 1, 2, 3""",
    "sqlite": f"""{_COUNT} SELECT unit_id, status, {_hour("")}, count(*) FROM {TABLE}
        WHERE next_due_at IS NOT NULL GROUP BY 1, 2, 3""",
}


def triggers_make(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = (
        [POSTGRES_FUNCTION, *POSTGRES_TRIGGERS] if vendor == "postgresql" else SQLITE_TRIGGERS
    )
    for statement in [*statements, FILL[vendor]]:
        schema_editor.execute(statement, params=None)


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)
    schema_editor.execute(f"DELETE FROM {TALLY}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0019_complaint_order_ref_index"),
        ("core", "0006_periodic_claim"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeadlineTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=32, verbose_name="status")),
                ("due_hour", models.DateTimeField(verbose_name="due within the hour from")),
                ("count", models.IntegerField(verbose_name="count")),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.orgunit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "deadline tally",
                "verbose_name_plural": "deadline tallies",
            },
        ),
        migrations.RunPython(triggers_make, triggers_drop),
    ]
