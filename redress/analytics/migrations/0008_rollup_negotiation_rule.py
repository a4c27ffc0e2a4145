"""The rollup now keeps the 7-working-day rule's settled decision clocks (``vn7_counted``,
``vn7_met``), which the figures written before lack: it is set as not built, so that the figures
are computed from the register until the worker's rollup job rebuilds it (``rollup_refresh_job``)
or ``redress rollup --rebuild`` does."""

from django.db import migrations


def rollup_unbuilt(apps, schema_editor):
    # An empty register's (empty) rollup holds nothing to add.
    if apps.get_model("complaints", "Complaint").objects.exists():
        apps.get_model("analytics", "RollupState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_complaint_repeat"),
        ("complaints", "0001_initial"),
    ]

    operations = [migrations.RunPython(rollup_unbuilt, migrations.RunPython.noop)]
