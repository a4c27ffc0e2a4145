"""The running deadlines per unit: a handler's overdue and due-soon lists and counts read a
range of their units' deadlines. Built without blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0023_negotiation_owed_covered"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(next_due_at__isnull=False),
                fields=["unit_id", "next_due_at"],
                name="complaint_unit_running_due",
            ),
        ),
    ]
