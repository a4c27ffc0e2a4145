"""Consent records say how consent was given (method), for what (purpose, scope), what shows it
(evidence) and whether it was withdrawn. Consents recorded before this get their method from the
complaint's channel: the web form's tick, else a statement staff recorded (or an API field)."""

import django.db.models.deletion
from django.db import migrations, models

# Before methods were recorded, consent came from the portal's tick, the frontline form's box or
# the API field; only the channel was kept.
_METHOD_OF_CHANNEL = {
    "web": "web",
    "phone": "phone",
    "in_person": "in_person",
    "letter": "letter",
    "api": "api",
}


def fill_method(apps, schema_editor):
    NoticeConsent = apps.get_model("transparency", "NoticeConsent")
    for consent in NoticeConsent.objects.filter(method="").select_related("complaint"):
        channel = consent.complaint.channel
        consent.method = _METHOD_OF_CHANNEL.get(channel, "phone")
        consent.evidence = {"recorded_before_methods": channel}
        consent.save(update_fields=["method", "evidence"])


def forget_method(apps, schema_editor):
    apps.get_model("transparency", "NoticeConsent").objects.update(method="")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0012_priority_matrix_and_complaint_fee"),
        ("transparency", "0003_external_body_negotiation_or_mediation"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="noticeconsent",
            options={
                "ordering": ["given_at", "pk"],
                "verbose_name": "consent to the personal-data notice",
                "verbose_name_plural": "consents to the personal-data notice",
            },
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="evidence",
            field=models.JSONField(blank=True, default=dict, verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="method",
            field=models.CharField(
                choices=[
                    ("web", "Ticked on the web form"),
                    ("phone", "Said on the phone, recorded by staff"),
                    ("in_person", "Said in person, recorded by staff"),
                    ("letter", "Agreed in a letter, recorded by staff"),
                    ("email_reply", "Replied to our email"),
                    ("api", "Sent by an integration (API field)"),
                    ("import", "Imported (consent column)"),
                ],
                default="",
                max_length=16,
                verbose_name="method",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="purpose",
            field=models.CharField(
                choices=[
                    (
                        "complaint_handling",
                        "Handling the complaint, contacting the complainant about it and improving the service",
                    )
                ],
                default="complaint_handling",
                max_length=32,
                verbose_name="purpose",
            ),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="scope",
            field=models.CharField(
                choices=[
                    (
                        "complaint_data",
                        "Name, contact details, what the complainant told us and their files",
                    )
                ],
                default="complaint_data",
                max_length=32,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="withdrawal_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("web", "On the web portal"),
                    ("phone", "On the phone"),
                    ("in_person", "In person"),
                    ("email", "By email"),
                    ("letter", "By letter"),
                    ("api", "By an integration (API)"),
                ],
                max_length=16,
                verbose_name="withdrawal method",
            ),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="withdrawal_note",
            field=models.TextField(blank=True, verbose_name="withdrawal note"),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="noticeconsent",
            name="withdrawn_by",
            field=models.CharField(
                blank=True, max_length=150, verbose_name="withdrawal recorded by"
            ),
        ),
        migrations.AlterField(
            model_name="noticeconsent",
            name="complaint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notice_consents",
                to="complaints.complaint",
                verbose_name="complaint",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeconsent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("complaint",),
                name="consent_one_active_per_complaint",
            ),
        ),
        # Last: no table is altered after rows are updated in this transaction (PostgreSQL).
        migrations.RunPython(fill_method, forget_method),
    ]
