"""The emails of data-subject requests (docs/privacy.md), in Vietnamese and English, editable in
the admin: the acknowledgement to the person who asked, and the clock's reminder to the
data-protection officers."""

from django.db import migrations

TEMPLATES = {
    "dsar_acknowledgement": {
        "name": "Data-subject request received",
        "subject": {
            "vi": "Chúng tôi đã nhận yêu cầu {{ request_reference }} về dữ liệu cá nhân",
            "en": "We received your personal-data request {{ request_reference }}",
        },
        "body": {
            "vi": "Kính gửi {{ name }},\n\nChúng tôi đã nhận yêu cầu của Quý khách: {{ kind }}.\n"
            "Mã yêu cầu: {{ request_reference }}\n\n"
            "Chúng tôi sẽ phản hồi trước {{ response_due }} và hoàn thành yêu cầu trước {{ due }} "
            "(Nghị định 356/2025/NĐ-CP). Nếu cần gia hạn, chúng tôi sẽ báo Quý khách lý do.\n\n"
            "Khi liên hệ với chúng tôi về yêu cầu này, vui lòng ghi mã {{ request_reference }}."
            "{% if support_email %} Email: {{ support_email }}{% endif %}\n\n{{ organisation }}",
            "en": "Dear {{ name }},\n\nWe received your request: {{ kind }}.\n"
            "Request reference: {{ request_reference }}\n\n"
            "We will respond by {{ response_due }} and complete the request by {{ due }} "
            "(Decree 356/2025/ND-CP). If we need more time, we will tell you why.\n\n"
            "Please quote {{ request_reference }} when you contact us about this request."
            "{% if support_email %} Email: {{ support_email }}{% endif %}\n\n{{ organisation }}",
        },
    },
    "dsar_clock": {
        "name": "Data-subject request clock (to the DPO)",
        "subject": {
            "vi": "[{{ request_reference }}] {{ what }}",
            "en": "[{{ request_reference }}] {{ what }}",
        },
        "body": {
            "vi": "Yêu cầu về dữ liệu cá nhân {{ request_reference }} ({{ kind }}): {{ what }}.\n"
            "Hạn: {{ due }}\n\nMở yêu cầu: {{ url }}",
            "en": "Personal-data request {{ request_reference }} ({{ kind }}): {{ what }}.\n"
            "Due: {{ due }}\n\nOpen the request: {{ url }}",
        },
    },
}


def create(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for code, parts in TEMPLATES.items():
        for language in ("vi", "en"):
            Template.objects.get_or_create(
                code=code,
                language=language,
                defaults={
                    "purpose": "system",
                    "name": parts["name"],
                    "subject": parts["subject"][language],
                    "body": parts["body"][language],
                },
            )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(
        code__in=list(TEMPLATES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_data_subject_requests"),
        ("notifications", "0012_receipt_asks_consent_closure_survey_optional"),
    ]
    operations = [migrations.RunPython(create, remove)]
