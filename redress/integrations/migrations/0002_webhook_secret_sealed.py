"""Webhook signing secrets sealed at rest (redress.core.sealing); those stored before are sealed now."""

from django.db import migrations, models


def seal_stored(apps, schema_editor):
    from redress.core.sealing import seal

    WebhookSubscription = apps.get_model("integrations", "WebhookSubscription")
    for subscription in WebhookSubscription.objects.all():
        sealed = seal(subscription.secret)
        if sealed != subscription.secret:
            WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=sealed)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=models.CharField(
                help_text="Shared with the receiver, which checks the signature.",
                max_length=500,
                verbose_name="signing secret",
            ),
        ),
        # Not reversed: unsealing every secret back into plain text is not offered.
        migrations.RunPython(seal_stored, migrations.RunPython.noop),
    ]
