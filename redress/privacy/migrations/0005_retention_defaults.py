"""The retention rules as Redress ships them (docs/privacy.md, "Retention"): complaint records
five years after closing, as the published notice promises (transparency 0002), then
anonymised; the rest shorter, each for the reason the documentation gives."""

from django.db import migrations

DEFAULTS = [
    ("closed_complaints", 60, "anonymise"),
    ("attachments", 36, "delete"),
    ("raw_emails", 12, "delete"),
    ("outbox_bodies", 12, "clear"),
    ("consents", 12, "delete"),
    ("access_log", 24, "delete"),
    ("audit", 120, "keep"),
]


def seed(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for record_type, months, expiry in DEFAULTS:
        rule.objects.get_or_create(
            record_type=record_type, defaults={"months": months, "expiry": expiry}
        )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_retention")]

    operations = [migrations.RunPython(seed, unseed)]
