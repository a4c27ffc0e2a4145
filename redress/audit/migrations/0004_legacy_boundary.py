from django.db import migrations


def mark_legacy(apps, schema_editor):
    # The entries written so far were never sealed: they verify as legacy, unchanged (history is
    # not rewritten). Every entry after them is sealed.
    head = apps.get_model("audit", "AuditChainHead").objects.filter(pk=1).first()
    if head is not None:
        head.legacy_until = head.seq
        head.save(update_fields=["legacy_until"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_entry_seal")]
    operations = [migrations.RunPython(mark_legacy, migrations.RunPython.noop)]
