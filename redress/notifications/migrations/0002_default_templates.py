"""The messages Redress sends out of the box, in Vietnamese and English (editable in the admin)."""

from django.db import migrations

SYSTEM = {
    "receipt": {
        "vi": (
            "Chúng tôi đã nhận khiếu nại {{ reference }}",
            "Kính gửi {{ name }},\n\n"
            "{{ organisation }} đã nhận khiếu nại của Quý khách: “{{ subject }}”.\n\n"
            "Số tham chiếu: {{ reference }}\n"
            "Mã tra cứu: {{ tracking_code }}\n"
            "Theo dõi khiếu nại: {{ tracking_url }}\n\n"
            "Chúng tôi sẽ xác nhận và phân công người xử lý, sau đó thông báo kết quả cho Quý khách"
            "{% if deadline %} trước {{ deadline }}{% endif %}. Việc khiếu nại hoàn toàn miễn phí.\n\n"
            "Vui lòng giữ mã tra cứu; mã này chỉ được gửi một lần.\n\n{{ organisation }}",
        ),
        "en": (
            "We have received your complaint {{ reference }}",
            "Dear {{ name }},\n\n"
            "{{ organisation }} has received your complaint: “{{ subject }}”.\n\n"
            "Reference: {{ reference }}\n"
            "Tracking code: {{ tracking_code }}\n"
            "Follow your complaint: {{ tracking_url }}\n\n"
            "We will acknowledge it, give it to a handler and tell you the outcome"
            "{% if deadline %} by {{ deadline }}{% endif %}. Complaining is free of charge.\n\n"
            "Please keep the tracking code; it is sent only once.\n\n{{ organisation }}",
        ),
    },
    "acknowledgement": {
        "vi": (
            "Khiếu nại {{ reference }} đã được tiếp nhận xử lý",
            "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} của Quý khách đã được tiếp nhận và đang được xử lý."
            "{% if deadline %} Chúng tôi sẽ trả lời trước {{ deadline }}.{% endif %}\n\n"
            "Theo dõi tại: {{ tracking_url }}\n\n{{ organisation }}",
        ),
        "en": (
            "Your complaint {{ reference }} is being handled",
            "Dear {{ name }},\n\nYour complaint {{ reference }} has been acknowledged and is being handled."
            "{% if deadline %} We will answer by {{ deadline }}.{% endif %}\n\n"
            "Follow it at: {{ tracking_url }}\n\n{{ organisation }}",
        ),
    },
    "information_request": {
        "vi": (
            "Cần thêm thông tin cho khiếu nại {{ reference }}",
            "Kính gửi {{ name }},\n\nĐể xử lý khiếu nại {{ reference }}, chúng tôi cần thêm thông tin từ Quý khách:\n\n"
            "{{ message }}\n\nQuý khách có thể trả lời email này hoặc bổ sung tại {{ tracking_url }}.\n\n{{ organisation }}",
        ),
        "en": (
            "More information needed for complaint {{ reference }}",
            "Dear {{ name }},\n\nTo handle complaint {{ reference }} we need more information from you:\n\n"
            "{{ message }}\n\nYou can reply to this email or add it at {{ tracking_url }}.\n\n{{ organisation }}",
        ),
    },
    "decision": {
        "vi": (
            "Kết quả giải quyết khiếu nại {{ reference }}",
            "Kính gửi {{ name }},\n\nKết quả giải quyết khiếu nại {{ reference }}: {{ outcome }}.\n\n"
            "{{ decision_summary }}\n\nLý do: {{ decision_reasons }}\n"
            "{% if remedies %}\nBiện pháp khắc phục:\n{{ remedies }}\n{% endif %}\n"
            "Nếu Quý khách không đồng ý, Quý khách có thể yêu cầu xem xét lại trong nội bộ, hoặc liên hệ cơ quan, "
            "tổ chức bên ngoài (Sở Công Thương, tổ chức xã hội bảo vệ người tiêu dùng, hòa giải, trọng tài, Tòa án). "
            "Vui lòng cho chúng tôi biết Quý khách chấp nhận hay không tại {{ tracking_url }}.\n\n{{ organisation }}",
        ),
        "en": (
            "Decision on your complaint {{ reference }}",
            "Dear {{ name }},\n\nOur decision on complaint {{ reference }}: {{ outcome }}.\n\n"
            "{{ decision_summary }}\n\nReasons: {{ decision_reasons }}\n"
            "{% if remedies %}\nWhat we will do:\n{{ remedies }}\n{% endif %}\n"
            "If you disagree you can ask for an internal review, or go to an external body (the provincial "
            "Department of Industry and Trade, a consumer association, mediation, arbitration or a court). "
            "Please tell us whether you accept the decision at {{ tracking_url }}.\n\n{{ organisation }}",
        ),
    },
    "review": {
        "vi": (
            "Khiếu nại {{ reference }} được xem xét lại",
            "Kính gửi {{ name }},\n\nChúng tôi đã ghi nhận Quý khách chưa đồng ý với kết quả. Khiếu nại {{ reference }} "
            "được chuyển lên cấp cao hơn để xem xét lại. Quý khách cũng có quyền liên hệ cơ quan, tổ chức bên ngoài; "
            "danh sách có tại {{ tracking_url }}.\n\n{{ organisation }}",
        ),
        "en": (
            "Complaint {{ reference }} goes to internal review",
            "Dear {{ name }},\n\nWe have noted that you do not accept the decision. Complaint {{ reference }} now goes to "
            "an internal review at a higher level. You may also go to an external body; the list is at "
            "{{ tracking_url }}.\n\n{{ organisation }}",
        ),
    },
    "closure": {
        "vi": (
            "Khiếu nại {{ reference }} đã được đóng",
            "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} đã được đóng. Cảm ơn Quý khách đã phản ánh.\n\n"
            "Xin dành một phút cho chúng tôi biết Quý khách đánh giá thế nào về cách xử lý: {{ tracking_url }}\n\n"
            "{{ organisation }}",
        ),
        "en": (
            "Complaint {{ reference }} is closed",
            "Dear {{ name }},\n\nComplaint {{ reference }} is now closed. Thank you for telling us.\n\n"
            "Please take a minute to tell us how we handled it: {{ tracking_url }}\n\n{{ organisation }}",
        ),
    },
}

REPLIES = {
    "reply-general": {
        "vi": ("Trả lời chung", "Về khiếu nại {{ reference }}", "Kính gửi {{ name }},\n\n\n\nTrân trọng,\n{{ organisation }}"),
        "en": ("General reply", "About complaint {{ reference }}", "Dear {{ name }},\n\n\n\nKind regards,\n{{ organisation }}"),
    },
    "reply-progress": {
        "vi": (
            "Cập nhật tiến độ",
            "Tiến độ xử lý khiếu nại {{ reference }}",
            "Kính gửi {{ name }},\n\nKhiếu nại {{ reference }} đang được xử lý. Chúng tôi sẽ trả lời Quý khách trước "
            "{{ deadline }}.\n\nTrân trọng,\n{{ organisation }}",
        ),
        "en": (
            "Progress update",
            "Progress on complaint {{ reference }}",
            "Dear {{ name }},\n\nComplaint {{ reference }} is being handled. We will answer you by {{ deadline }}."
            "\n\nKind regards,\n{{ organisation }}",
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
                defaults={"purpose": "system", "name": code.replace("_", " ").capitalize(), "subject": subject, "body": body},
            )
    for code, languages in REPLIES.items():
        for language, (name, subject, body) in languages.items():
            Template.objects.get_or_create(
                code=code, language=language, defaults={"purpose": "reply", "name": name, "subject": subject, "body": body}
            )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=[*SYSTEM, *REPLIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
