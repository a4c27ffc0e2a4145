"""Short templates for SMS and Zalo (codes ``short-<code>``, purpose "short"), in Vietnamese and
English, editable in the admin. Short enough for one or two SMS; a channel may send them without
Vietnamese accents. The receipt carries the secret tracking link (docs/channels.md)."""

from django.db import migrations

VI = {
    "receipt": "{{ organisation }}: đã nhận khiếu nại {{ reference }}. Mã tra cứu: "
    "{{ tracking_code }}. Theo dõi: {{ tracking_url }}",
    "acknowledgement": "{{ organisation }}: khiếu nại {{ reference }} đã được tiếp nhận xử lý"
    "{% if deadline %}, trả lời trước {{ deadline }}{% endif %}. Theo dõi: {{ tracking_url }}",
    "information_request": "{{ organisation }}: cần thêm thông tin cho khiếu nại {{ reference }}: "
    "{{ message|truncatechars:200 }} Vui lòng trả lời tin nhắn này.",
    "decision": "{{ organisation }}: đã có kết quả giải quyết khiếu nại {{ reference }}. Xem chi "
    "tiết và phản hồi tại {{ tracking_url }}",
    "review": "{{ organisation }}: khiếu nại {{ reference }} đang được xem xét lại ở cấp cao hơn. "
    "Theo dõi: {{ tracking_url }}",
    "not_accepted": "{{ organisation }}: yêu cầu {{ reference }} không được thụ lý là khiếu nại. "
    "Lý do: {{ reason|truncatechars:200 }}",
    "withdrawal": "{{ organisation }}: khiếu nại {{ reference }} đã được rút. Nếu Quý khách không "
    "yêu cầu, vui lòng liên hệ {{ support_phone }}.",
    "reopened": "{{ organisation }}: khiếu nại {{ reference }} được mở lại để tiếp tục xử lý. "
    "Theo dõi: {{ tracking_url }}",
    "referral": "{{ organisation }}: khiếu nại {{ reference }} đã được chuyển đến {{ provider }}. "
    "Chi tiết: {{ tracking_url }}",
    "merged": "{{ organisation }}: khiếu nại {{ reference }} được gộp vào {{ survivor }}; mọi nội "
    "dung Quý khách đã gửi vẫn được giữ lại.",
    "closure": "{{ organisation }}: khiếu nại {{ reference }} đã được đóng. Cảm ơn Quý khách."
    "{% if survey %} Đánh giá việc xử lý tại {{ tracking_url }}{% endif %}",
    "message": "{{ organisation }} ({{ reference }}): {{ text|truncatechars:300 }}",
}
EN = {
    "receipt": "{{ organisation }}: we received complaint {{ reference }}. Tracking code: "
    "{{ tracking_code }}. Follow it: {{ tracking_url }}",
    "acknowledgement": "{{ organisation }}: complaint {{ reference }} is being handled"
    "{% if deadline %}; answer by {{ deadline }}{% endif %}. Follow it: {{ tracking_url }}",
    "information_request": "{{ organisation }}: we need more information on complaint "
    "{{ reference }}: {{ message|truncatechars:200 }} Please reply to this message.",
    "decision": "{{ organisation }}: there is a decision on complaint {{ reference }}. See it and "
    "answer at {{ tracking_url }}",
    "review": "{{ organisation }}: complaint {{ reference }} is under review at a higher level. "
    "Follow it: {{ tracking_url }}",
    "not_accepted": "{{ organisation }}: {{ reference }} is not handled as a complaint. Why: "
    "{{ reason|truncatechars:200 }}",
    "withdrawal": "{{ organisation }}: complaint {{ reference }} was withdrawn. If you did not ask "
    "for this, call {{ support_phone }}.",
    "reopened": "{{ organisation }}: complaint {{ reference }} was reopened. Follow it: "
    "{{ tracking_url }}",
    "referral": "{{ organisation }}: complaint {{ reference }} was referred to {{ provider }}. "
    "Details: {{ tracking_url }}",
    "merged": "{{ organisation }}: complaint {{ reference }} was joined to {{ survivor }}; "
    "everything you sent is kept.",
    "closure": "{{ organisation }}: complaint {{ reference }} is closed. Thank you."
    "{% if survey %} Rate our handling at {{ tracking_url }}{% endif %}",
    "message": "{{ organisation }} ({{ reference }}): {{ text|truncatechars:300 }}",
}


def create(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, bodies in (("vi", VI), ("en", EN)):
        for code, body in bodies.items():
            Template.objects.get_or_create(
                code=f"short-{code}",
                language=language,
                defaults={
                    "purpose": "short",
                    "name": f"SMS/Zalo: {code.replace('_', ' ')}",
                    "subject": f"SMS/Zalo: {code.replace('_', ' ')}",
                    "body": body,
                },
            )


def remove(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(purpose="short").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0013_text_channels_and_outbox")]
    operations = [migrations.RunPython(create, remove)]
