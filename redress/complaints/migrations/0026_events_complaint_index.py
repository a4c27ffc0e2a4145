"""A complaint's events are found through the (complaint, at) index, which leads with the
complaint: the complaint's own index of the events is dropped, without blocking writes, and no
longer written at every receipt and action."""

import django.db.models.deletion
from django.db import migrations, models

from redress.core.migration_operations import FieldIndexDroppedWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0025_fewer_complaint_indexes"),
    ]

    operations = [
        FieldIndexDroppedWithoutLock(
            model_name="complaintevent",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.complaint",
            ),
        ),
    ]
