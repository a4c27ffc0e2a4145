"""The message a complainant gets when their complaint is closed as a duplicate of another one
(ISO 10002 7.2): which complaint goes on, and that nothing they sent is lost. In Vietnamese and
English, editable in the admin."""

from django.db import migrations

SUBJECTS = {
    "vi": "Khiếu nại {{ reference }} được hợp nhất vào khiếu nại {{ survivor }}",
    "en": "Your complaint {{ reference }} is merged into complaint {{ survivor }}",
}
BODIES = {
    "vi": "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} (“{{ subject }}”) của Quý khách có cùng "
    "nội dung với khiếu nại {{ survivor }}, nên chúng tôi hợp nhất và xử lý chung trong khiếu nại "
    "{{ survivor }}. Mọi thông tin và tệp Quý khách đã gửi vẫn được giữ lại và xem xét."
    "{% if note %}\n\n{{ note }}{% endif %}\n\n"
    "Theo dõi khiếu nại {{ survivor }} tại: {{ tracking_url }}\n\n{{ organisation }}",
    "en": "Dear {{ name }},\n\nYour complaint {{ reference }} (“{{ subject }}”) is about the same "
    "matter as complaint {{ survivor }}, so we merged them and handle them together as "
    "{{ survivor }}. Everything you sent is kept and taken into account."
    "{% if note %}\n\n{{ note }}{% endif %}\n\n"
    "Follow complaint {{ survivor }} at: {{ tracking_url }}\n\n{{ organisation }}",
}


def create(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, subject in SUBJECTS.items():
        Template.objects.get_or_create(
            code="merged",
            language=language,
            defaults={
                "purpose": "system",
                "name": "Merged into another complaint",
                "subject": subject,
                "body": BODIES[language],
            },
        )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code="merged").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_breach_notice_kinds")]
    operations = [migrations.RunPython(create, remove)]
