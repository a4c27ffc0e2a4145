"""The index of negotiation requests still owed a first decision holds the columns the gate and
the figures' filters read, so the 7-working-day rule's live part reads no complaint's row. The
new index is built, then the old one dropped, without blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock, RemoveIndexWithoutLock


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0022_pending_deadlines_covered"),
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
                include=(
                    "id",
                    "unit_id",
                    "owner_id",
                    "subject_staff_id",
                    "processing_restricted",
                    "category_id",
                    "product_id",
                    "channel",
                    "priority",
                ),
                name="complaint_negotiation_owed",
            ),
        ),
        RemoveIndexWithoutLock(model_name="complaint", name="complaint_negotiation_waiting"),
    ]
