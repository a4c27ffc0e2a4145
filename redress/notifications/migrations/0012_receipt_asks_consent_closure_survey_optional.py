"""The receipt asks a complainant who emailed for consent to the personal-data notice (a reply
with "ĐỒNG Ý" / "I AGREE"), and the closure email invites to the survey only when the
complainant has not withdrawn their consent. Templates still holding the text Redress installed
are changed; a template the organisation rewrote is left as it is (the admin shows the new
placeholders ``ask_consent``, ``notice_url`` and ``survey``)."""

from django.db import migrations

SIGNATURE = "\n\n{{ organisation }}"
ASK = {
    "vi": "{% if ask_consent %}\n\nĐể chúng tôi xử lý dữ liệu cá nhân của Quý khách theo thông báo về "
    "dữ liệu cá nhân ({{ notice_url }}), vui lòng trả lời thư này với dòng đầu tiên là: ĐỒNG Ý. "
    "Nếu không trả lời, chúng tôi không coi là Quý khách đã đồng ý.{% endif %}",
    "en": "{% if ask_consent %}\n\nTo let us process your personal data as our personal-data notice "
    "says ({{ notice_url }}), please reply to this email with this as the first line: I AGREE. "
    "If you do not reply, we do not take it that you agree.{% endif %}",
}
SURVEY = {
    "vi": "\n\nXin dành một phút cho chúng tôi biết Quý khách đánh giá thế nào về cách xử lý: "
    "{{ tracking_url }}",
    "en": "\n\nPlease take a minute to tell us how we handled it: {{ tracking_url }}",
}


def forwards(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, ask in ASK.items():
        for template in Template.objects.filter(code="receipt", language=language):
            if "ask_consent" not in template.body and template.body.endswith(SIGNATURE):
                template.body = template.body[: -len(SIGNATURE)] + ask + SIGNATURE
                template.save(update_fields=["body"])
        for template in Template.objects.filter(code="closure", language=language):
            if SURVEY[language] in template.body:
                optional = "{% if survey %}" + SURVEY[language] + "{% endif %}"
                template.body = template.body.replace(SURVEY[language], optional)
                template.save(update_fields=["body"])


def backwards(apps, schema_editor):
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, ask in ASK.items():
        for template in Template.objects.filter(code="receipt", language=language):
            template.body = template.body.replace(ask, "")
            template.save(update_fields=["body"])
        for template in Template.objects.filter(code="closure", language=language):
            optional = "{% if survey %}" + SURVEY[language] + "{% endif %}"
            template.body = template.body.replace(optional, SURVEY[language])
            template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_decision_routes_public_interest")]
    operations = [migrations.RunPython(forwards, backwards)]
