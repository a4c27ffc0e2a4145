"""The consumer negotiation requests still waiting for their first decision, indexed by receipt:
the 7-working-day rule reads their decision clocks live. Built without blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0020_deadline_tally"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(
                    ("decision_communicated_at", None),
                    ("is_negotiation_request", True),
                    models.Q(
                        ("status__in", ["closed", "withdrawn", "not_accepted"]), _negated=True
                    ),
                ),
                fields=["received_at"],
                name="complaint_negotiation_waiting",
            ),
        ),
    ]
