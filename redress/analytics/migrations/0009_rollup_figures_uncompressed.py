"""A rollup row's counts (``figures``) stay uncompressed in the row: when a row outgrows the size
at which PostgreSQL compresses it, its histograms (``ack_minutes``, ``close_days``) are
compressed or moved out of the row first. At a million complaints a day row's histogram of
minutes to acknowledge is large enough that PostgreSQL used to compress the counts instead, so
every sum of a count over a year of days decompressed each row once per count it read
(bench/analytics.md, "the 7-working-day rule in one aggregate"). The day rows written before are
rewritten so that they take the new form (a month row's counts may still be compressed: they
are larger, and a period reads at most a dozen of them per unit). PostgreSQL only."""

from django.db import migrations


def counts_uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE analytics_rollupfigures ALTER COLUMN figures SET STORAGE MAIN")
        # A new value (the same figures) is stored afresh; an unchanged one keeps its form.
        cursor.execute(
            "UPDATE analytics_rollupfigures SET figures = figures || '{}'::jsonb"
            " WHERE level = 'day'"
        )


def counts_compressible(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE analytics_rollupfigures ALTER COLUMN figures SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0008_rollup_negotiation_rule")]

    operations = [migrations.RunPython(counts_uncompressed, counts_compressible)]
