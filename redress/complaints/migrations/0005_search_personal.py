"""Search: the complainant's name, organisation and contacts move out of ``search_text`` into
``search_personal``, which is searched only among the complaints whose complainant the person
may see unmasked (``complaints.search``). Existing rows are folded again in batches; on
PostgreSQL the new column gets its own trigram index."""

from django.db import migrations, models

from redress.core.text import fold

BATCH = 2000


def _personal(person) -> str:
    digits = "".join(ch for ch in person.phone if ch.isdigit())
    parts = (person.full_name, person.organisation, person.email, person.phone, digits)
    return fold(" ".join(p for p in parts if p))


def forwards(apps, schema_editor):
    refold(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS complaint_personal_trgm ON complaints_complaint "
            "USING gin (search_personal gin_trgm_ops)"
        )


def refold(apps) -> None:
    """Both search columns of every complaint, as the intake service now writes them."""
    Complaint = apps.get_model("complaints", "Complaint")
    last = 0
    while True:
        batch = list(
            Complaint.objects.filter(pk__gt=last)
            .select_related("complainant")
            .only(
                "pk",
                "reference",
                "subject",
                "description",
                "order_ref",
                "complainant__full_name",
                "complainant__organisation",
                "complainant__email",
                "complainant__phone",
            )
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        for complaint in batch:
            public = (
                complaint.reference,
                complaint.subject,
                complaint.description,
                complaint.order_ref,
            )
            complaint.search_text = fold(" ".join(p for p in public if p))
            complaint.search_personal = _personal(complaint.complainant)
        Complaint.objects.bulk_update(batch, ["search_text", "search_personal"])
        last = batch[-1].pk


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS complaint_personal_trgm")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_complainant_email_ci")]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_personal",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
