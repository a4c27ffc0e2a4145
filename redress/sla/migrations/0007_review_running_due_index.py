"""The internal reviews still running, indexed by deadline with their complaint, so that the
review KPI's live count of the overdue ones reads this small index alone. Built without
blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("sla", "0006_first_decision_open_index"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="stageclock",
            index=models.Index(
                condition=models.Q(("outcome", "running"), ("stage", "review")),
                fields=["due_at"],
                include=("complaint",),
                name="sla_review_running_due",
            ),
        ),
    ]
