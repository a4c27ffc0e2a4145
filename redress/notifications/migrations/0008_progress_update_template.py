"""The progress update a complainant gets when they have heard nothing for a while (ISO 10002
7.3), in Vietnamese and English (editable in the admin)."""

from django.db import migrations

SUBJECTS = {
    "vi": "Khiếu nại {{ reference }} vẫn đang được xử lý",
    "en": "Your complaint {{ reference }} is still being handled",
}
BODIES = {
    "vi": "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} (“{{ subject }}”) của Quý khách vẫn đang được "
    "xử lý.{% if deadline %} Chúng tôi sẽ trả lời Quý khách trước {{ deadline }}.{% endif %}\n\n"
    "Theo dõi tại: {{ tracking_url }}\n\n{{ organisation }}",
    "en": "Dear {{ name }},\n\nYour complaint {{ reference }} (“{{ subject }}”) is still being handled."
    "{% if deadline %} We will answer you by {{ deadline }}.{% endif %}\n\n"
    "Follow it at: {{ tracking_url }}\n\n{{ organisation }}",
}


def create(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, subject in SUBJECTS.items():
        Template.objects.get_or_create(
            code="progress_update",
            language=language,
            defaults={
                "purpose": "system",
                "name": "Progress update",
                "subject": subject,
                "body": BODIES[language],
            },
        )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(
        code="progress_update"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_management_system_notice_kinds")]
    operations = [migrations.RunPython(create, remove)]
