"""Recovery codes made before they were hashed are replaced by their digest: the same codes keep
working, and the database no longer holds them in clear."""

from django.db import migrations

from redress.integrations.secondfactor import recovery_code_digest


def _hash_existing(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.select_related("device").iterator():
        # A digest is upper-case base32; a code in clear is lower case (its alphabet has no
        # capitals), so running this twice changes nothing.
        if token.token.islower():
            token.token = recovery_code_digest(token.device.user_id, token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_improvement_webhook_events"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(_hash_existing, migrations.RunPython.noop)]
