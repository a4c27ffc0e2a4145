"""The decision template names mediation among the external routes only when the complaint does
not affect the public interest (REQ-VN-3: Law 19/2023 allows no negotiation or mediation then).
A template an administrator has already reworded is left as they wrote it."""

from django.db import migrations

ROUTES = {
    "vi": (
        "(Sở Công Thương, tổ chức xã hội bảo vệ người tiêu dùng, hòa giải, trọng tài, Tòa án)",
        "(Sở Công Thương, tổ chức xã hội bảo vệ người tiêu dùng, "
        "{% if not public_interest %}hòa giải, {% endif %}trọng tài, Tòa án)",
    ),
    "en": (
        "(the provincial Department of Industry and Trade, a consumer association, mediation, "
        "arbitration or a court)",
        "(the provincial Department of Industry and Trade, a consumer association, "
        "{% if not public_interest %}mediation, {% endif %}arbitration or a court)",
    ),
}


def _swap(apps, forward: bool) -> None:
    Template = apps.get_model("notifications", "MessageTemplate")
    for language, (old, new) in ROUTES.items():
        before, after = (old, new) if forward else (new, old)
        for template in Template.objects.filter(code="decision", language=language):
            body = template.body.replace(before, after)
            if body != template.body:
                template.body = body
                template.save(update_fields=["body"])


def forward(apps, schema_editor):
    _swap(apps, True)


def backward(apps, schema_editor):
    _swap(apps, False)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0010_merged_template")]
    operations = [migrations.RunPython(forward, backward)]


create = forward  # as the tests' portal_content fixture puts migration data back
