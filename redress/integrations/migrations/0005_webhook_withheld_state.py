"""A webhook delivery can be withheld: its complaint's processing was restricted before it was
sent (the choices only; no column changes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0004_recovery_codes_hashed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookdelivery",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("retrying", "Retrying"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled (subscription off)"),
                    ("withheld", "Withheld (processing restricted)"),
                ],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
    ]
