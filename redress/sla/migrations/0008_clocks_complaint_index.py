"""A complaint's clocks are found through the one-clock-per-stage-and-round constraint's index
and its pauses through the (complaint, started_at) index, both led by the complaint: the
complaint's own indexes of the clocks and the pauses are dropped, without blocking writes, and
no longer written for each of the four clocks a complaint opens at receipt."""

import django.db.models.deletion
from django.db import migrations, models

from redress.core.migration_operations import FieldIndexDroppedWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0026_events_complaint_index"),
        ("sla", "0007_review_running_due_index"),
    ]

    operations = [
        FieldIndexDroppedWithoutLock(
            model_name="clockpause",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sla_pauses",
                to="complaints.complaint",
            ),
        ),
        FieldIndexDroppedWithoutLock(
            model_name="stageclock",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sla_clocks",
                to="complaints.complaint",
            ),
        ),
    ]
