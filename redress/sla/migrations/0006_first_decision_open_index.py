"""The first decision clocks still open to change, indexed by complaint with what the
7-working-day rule reads of them, so that its live part reads this small index alone. Built
without blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("sla", "0005_deadline_notice_told_at"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="stageclock",
            index=models.Index(
                condition=models.Q(
                    ("round", 1),
                    ("stage", "decision"),
                    models.Q(("outcome", "cancelled"), _negated=True),
                    models.Q(
                        ("completed_at__isnull", False),
                        models.Q(("outcome", "running"), _negated=True),
                        _negated=True,
                    ),
                ),
                fields=["complaint"],
                include=("outcome", "statutory", "due_at", "completed_at"),
                name="sla_first_decision_open",
            ),
        ),
    ]
