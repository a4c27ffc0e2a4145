"""The indexes of pending stage deadlines hold the deadline and every column the gate and the
figures' filters read, so that the live overdue counts of the KPIs read no complaint's row.
The new indexes are built, then the old ones dropped, without blocking writes."""

from django.db import migrations, models

from redress.core.migration_operations import AddIndexWithoutLock, RemoveIndexWithoutLock

COVERED = (
    "id",
    "unit_id",
    "owner_id",
    "subject_staff_id",
    "processing_restricted",
    "category_id",
    "product_id",
    "channel",
    "priority",
)
STAGES = (
    ("ack", "acknowledge_due_at", "acknowledged_at", ("vulnerable_group",)),
    ("assess", "assess_due_at", "assessed_at", ()),
    ("decision", "decision_due_at", "decision_communicated_at", ()),
    ("close", "close_due_at", "closed_at", ()),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0021_negotiation_waiting_index"),
    ]

    operations = [
        *(
            AddIndexWithoutLock(
                model_name="complaint",
                index=models.Index(
                    condition=models.Q(**{f"{due}__isnull": False, f"{done}__isnull": True}),
                    fields=["received_at", due],
                    include=(*COVERED, *extra),
                    name=f"complaint_{stage}_due_pending",
                ),
            )
            for stage, due, done, extra in STAGES
        ),
        *(
            RemoveIndexWithoutLock(model_name="complaint", name=f"complaint_{stage}_pending")
            for stage, _due, _done, _extra in STAGES
        ),
    ]
