"""The running deadline stored with each complaint (a generated column: the database computes
it from the stage's deadline columns on every write) and indexed for the complaints that have
one running. On PostgreSQL adding a stored generated column rewrites the table once (about a
minute per million complaints on a small machine, bench/scale.md); the index is partial, so it
holds only the open, unpaused complaints with a deadline."""

from django.db import migrations, models


def statistics_refresh(apps, schema_editor):
    # The rewritten table has no statistics for the new column until the next autovacuum: the
    # planner would guess that most complaints are overdue and walk the wrong index meanwhile.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE complaints_complaint")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0016_export_jobs'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='next_due_at',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(models.Q(('status', 'closed'), ('paused_at__isnull', False), _connector='OR'), then=models.Value(None)), models.When(status='received', then=models.F('acknowledge_due_at')), models.When(status='acknowledged', then=models.F('assess_due_at')), models.When(status='under_review', then=models.F('review_due_at')), models.When(models.Q(('review_due_at__isnull', False), ('status__in', ['decision_proposed', 'decision_approved'])), then=models.F('review_due_at')), models.When(status__in=['assessed', 'investigating', 'decision_proposed', 'decision_approved'], then=models.F('decision_due_at')), models.When(status__in=['decision_communicated', 'resolved', 'referred_external', 'not_accepted', 'withdrawn'], then=models.F('close_due_at')), default=models.Value(None), output_field=models.DateTimeField()), output_field=models.DateTimeField(blank=True, null=True, verbose_name='next deadline')),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('next_due_at__isnull', False)), fields=['next_due_at'], name='complaint_running_due'),
        ),
        migrations.RunPython(statistics_refresh, migrations.RunPython.noop),
    ]
