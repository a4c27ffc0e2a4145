"""Mailbox passwords sealed at rest (redress.core.sealing); those stored before are sealed now."""

from django.db import migrations, models


def seal_stored(apps, schema_editor):
    from redress.core.sealing import seal

    Mailbox = apps.get_model("intake", "Mailbox")
    for mailbox in Mailbox.objects.exclude(password=""):
        sealed = seal(mailbox.password)
        if sealed != mailbox.password:
            Mailbox.objects.filter(pk=mailbox.pk).update(password=sealed)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_complaint_imports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="password",
            field=models.CharField(blank=True, max_length=500, verbose_name="password"),
        ),
        # Not reversed: unsealing every password back into plain text is not offered.
        migrations.RunPython(seal_stored, migrations.RunPython.noop),
    ]
