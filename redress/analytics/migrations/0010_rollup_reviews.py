"""The rollup now keeps the internal reviews decided (``review_counted``, ``review_met``), which
the figures written before lack: it is set as not built, so that the figures are computed from
the register until the worker's rollup job rebuilds it (``rollup_refresh_job``) or ``redress
rollup --rebuild`` does."""

from django.db import migrations


def rollup_unbuilt(apps, schema_editor):
    # An empty register's (empty) rollup holds nothing to add.
    if apps.get_model("complaints", "Complaint").objects.exists():
        apps.get_model("analytics", "RollupState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0009_rollup_figures_uncompressed"),
    ]

    operations = [migrations.RunPython(rollup_unbuilt, migrations.RunPython.noop)]
