"""Fewer indexes for every write of a complaint to keep up, and one that serves the overdue lists.

- Built: the running deadlines by time of receipt (``complaint_running_received``), which the
  overdue and due-soon lists, newest first, walk instead of every recent complaint's row; and
  the staff a complaint names or who took it in, for the few complaints that have one
  (``complaint_subject_staff``, ``complaint_received_by``), in place of indexes of every
  complaint.
- Dropped: a second index of the category, the unit's and the owner's own indexes (the
  (unit, status) and (owner, status) indexes lead with them), the decision's and the review's
  deadlines and the significance flag, which no query reads by.

Every index is built, then the old ones dropped, without blocking writes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from redress.core.migration_operations import (
    AddIndexWithoutLock,
    FieldIndexDroppedWithoutLock,
    RemoveIndexWithoutLock,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0024_unit_running_due"),
        ("core", "0006_periodic_claim"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("next_due_at__isnull", False)),
                fields=["received_at", "next_due_at"],
                name="complaint_running_received",
            ),
        ),
        AddIndexWithoutLock(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("subject_staff_id__isnull", False)),
                fields=["subject_staff_id"],
                name="complaint_subject_staff",
            ),
        ),
        AddIndexWithoutLock(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("received_by_id__isnull", False)),
                fields=["received_by_id"],
                name="complaint_received_by",
            ),
        ),
        RemoveIndexWithoutLock(model_name="complaint", name="complaints__categor_2cd958_idx"),
        RemoveIndexWithoutLock(model_name="complaint", name="complaints__decisio_f38997_idx"),
        RemoveIndexWithoutLock(model_name="complaint", name="complaints__review__568af7_idx"),
        FieldIndexDroppedWithoutLock(
            model_name="complaint",
            name="is_significant",
            field=models.BooleanField(default=False, verbose_name="significant"),
        ),
        FieldIndexDroppedWithoutLock(
            model_name="complaint",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_complaints",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        FieldIndexDroppedWithoutLock(
            model_name="complaint",
            name="received_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="received by",
            ),
        ),
        FieldIndexDroppedWithoutLock(
            model_name="complaint",
            name="subject_staff",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="complaints_about",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member complained about",
            ),
        ),
        FieldIndexDroppedWithoutLock(
            model_name="complaint",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="complaints",
                to="core.orgunit",
                verbose_name="unit",
            ),
        ),
    ]
