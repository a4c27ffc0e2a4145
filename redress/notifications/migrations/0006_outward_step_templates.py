"""The messages every outward step owes the complainant (ISO 10002 7.3, 7.8, 7.9): why a
complaint was not accepted, the confirmation of a withdrawal, a reopening and a referral to an
external body, in Vietnamese and English (editable in the admin)."""

from django.db import migrations

SYSTEM = {
    "not_accepted": {
        "vi": (
            "Về yêu cầu {{ reference }} của Quý khách",
            "Kính gửi {{ name }},\n\nChúng tôi đã xem xét yêu cầu {{ reference }} (“{{ subject }}”) và không thể "
            "giải quyết yêu cầu này như một khiếu nại ({{ classification }}).\n\nLý do: {{ reason }}\n\n"
            "Nếu Quý khách cho rằng đánh giá này chưa đúng, vui lòng trả lời email này. Quý khách cũng có thể "
            "liên hệ cơ quan, tổ chức bên ngoài; danh sách có tại {{ tracking_url }}.\n\n{{ organisation }}",
        ),
        "en": (
            "About your request {{ reference }}",
            "Dear {{ name }},\n\nWe have looked at your request {{ reference }} (“{{ subject }}”) and cannot handle "
            "it as a complaint ({{ classification }}).\n\nWhy: {{ reason }}\n\n"
            "If you think this is wrong, please reply to this email. You may also go to an external body; "
            "the list is at {{ tracking_url }}.\n\n{{ organisation }}",
        ),
    },
    "withdrawal": {
        "vi": (
            "Khiếu nại {{ reference }} đã được rút",
            "Kính gửi {{ name }},\n\nChúng tôi xác nhận khiếu nại {{ reference }} (“{{ subject }}”) đã được rút"
            "{% if reason %} với lý do: {{ reason }}{% endif %}. Chúng tôi sẽ không xử lý tiếp.\n\n"
            "Nếu Quý khách không yêu cầu rút khiếu nại, vui lòng trả lời ngay email này.\n\n{{ organisation }}",
        ),
        "en": (
            "Complaint {{ reference }} is withdrawn",
            "Dear {{ name }},\n\nWe confirm that complaint {{ reference }} (“{{ subject }}”) is withdrawn"
            "{% if reason %}, for this reason: {{ reason }}{% endif %}. We will not handle it further.\n\n"
            "If you did not ask to withdraw it, please reply to this email at once.\n\n{{ organisation }}",
        ),
    },
    "reopened": {
        "vi": (
            "Khiếu nại {{ reference }} được mở lại",
            "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} đã được mở lại để xử lý tiếp.\n\nLý do: {{ reason }}\n\n"
            "Chúng tôi sẽ thông báo kết quả cho Quý khách. Theo dõi tại: {{ tracking_url }}\n\n{{ organisation }}",
        ),
        "en": (
            "Complaint {{ reference }} is reopened",
            "Dear {{ name }},\n\nComplaint {{ reference }} has been reopened for further handling.\n\nWhy: {{ reason }}\n\n"
            "We will tell you the outcome. Follow it at: {{ tracking_url }}\n\n{{ organisation }}",
        ),
    },
    "referral": {
        "vi": (
            "Khiếu nại {{ reference }} được chuyển đến {{ provider }}",
            "Kính gửi {{ name }},\n\nTheo sự đồng ý của Quý khách, khiếu nại {{ reference }} đã được chuyển đến "
            "{{ provider }} để giải quyết.{% if note %}\n\n{{ note }}{% endif %}\n\n"
            "{{ provider }} sẽ liên hệ với Quý khách. Theo dõi tại: {{ tracking_url }}\n\n{{ organisation }}",
        ),
        "en": (
            "Complaint {{ reference }} is referred to {{ provider }}",
            "Dear {{ name }},\n\nWith your consent, complaint {{ reference }} has been referred to {{ provider }} "
            "for resolution.{% if note %}\n\n{{ note }}{% endif %}\n\n"
            "{{ provider }} will contact you. Follow it at: {{ tracking_url }}\n\n{{ organisation }}",
        ),
    },
}


def create(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for code, languages in SYSTEM.items():
        for language, (subject, body) in languages.items():
            Template.objects.get_or_create(
                code=code,
                language=language,
                defaults={
                    "purpose": "system",
                    "name": code.replace("_", " ").capitalize(),
                    "subject": subject,
                    "body": body,
                },
            )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=list(SYSTEM)).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_improvement_notice_kinds")]
    operations = [migrations.RunPython(create, remove)]
