"""The queue tally (complaints counted per unit, owner, status and pause), filled from the
register in one grouped scan."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, Count, F, Value, When


def tally_fill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    QueueTally = apps.get_model("complaints", "QueueTally")
    pause = Case(
        When(paused_at__isnull=True, then=Value("")),
        When(pause_reason="", then=Value("other")),
        default=F("pause_reason"),
    )
    cells = (
        Complaint.objects.annotate(pause_key=pause)
        .values_list("unit_id", "owner_id", "status", "pause_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    QueueTally.objects.bulk_create(
        [
            QueueTally(unit_id=unit, owner_key=owner or 0, status=status, pause=key, count=n)
            for unit, owner, status, key, n in cells
        ],
        batch_size=2000,
    )


def tally_empty(apps, schema_editor):
    apps.get_model("complaints", "QueueTally").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0017_complaint_next_due_at'),
        ('core', '0006_periodic_claim'),
    ]

    operations = [
        migrations.CreateModel(
            name='QueueTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.PositiveIntegerField(default=0, verbose_name='owner')),
                ('status', models.CharField(max_length=32, verbose_name='status')),
                ('pause', models.CharField(blank=True, max_length=20, verbose_name='pause')),
                ('count', models.IntegerField(verbose_name='count')),
            ],
            options={
                'verbose_name': 'queue tally',
                'verbose_name_plural': 'queue tallies',
            },
        ),
        migrations.AddField(
            model_name='queuetally',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.orgunit', verbose_name='unit'),
        ),
        migrations.RunPython(tally_fill, tally_empty),
    ]
