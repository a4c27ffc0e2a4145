"""The version of the public notice in force gets the retention periods written into it, as
the portal has shown them until now (the rules as they are set at the upgrade), so that what
complainants consented to stays on record when a rule changes: from now on each published
version keeps its own periods, and a change of a rule publishes a new version. Versions that
were no longer in force keep none (what they said is told by the rules' audit trail)."""

from django.db import migrations
from django.utils import translation


def forward(apps, schema_editor):
    from redress.privacy.retention_rules import retention_paragraph

    Notice = apps.get_model("transparency", "Notice")
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    current = (
        Notice.objects.filter(state="published").order_by("-published_at", "-version").first()
    )
    if current is None or current.retention_vi:
        return
    rules = list(RetentionRule.objects.all())
    for language in ("vi", "en"):
        with translation.override(language):
            setattr(current, f"retention_{language}", retention_paragraph(rules))
    current.save(update_fields=["retention_vi", "retention_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0010_contact_codes_and_request_emails"),
        ("transparency", "0006_notice_retention_per_version"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
