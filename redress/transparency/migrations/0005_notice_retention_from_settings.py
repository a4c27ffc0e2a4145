"""The default personal-data notice stated "5 years" in its text. It now says ``{retention}``
there, and the portal writes the periods as the retention rules set them (privacy's retention
settings), so the notice follows the settings and never promises what is not done.

Only Redress's own default sentence is replaced, in the versions that still hold it (the public
reads the same "5 years, then anonymised" as long as the rule is left at its default, and every
change of a rule is in the audit trail, so what the page said on any day can be told); a
notice the organisation wrote itself is left as it is, and gets the periods after its text."""

from django.db import migrations

SENTENCES = {
    "privacy_vi": "Hồ sơ khiếu nại được lưu 5 năm kể từ khi đóng, sau đó được xóa hoặc ẩn danh.",
    "privacy_en": (
        "Complaint records are kept for 5 years after closing, then deleted or anonymised."
    ),
}
PLACEHOLDER = "{retention}"


def forward(apps, schema_editor):
    Notice = apps.get_model("transparency", "Notice")
    for notice in Notice.objects.filter(privacy_vi__contains=SENTENCES["privacy_vi"]):
        for name, sentence in SENTENCES.items():
            setattr(notice, name, getattr(notice, name).replace(sentence, PLACEHOLDER))
        notice.save(update_fields=list(SENTENCES))


def backward(apps, schema_editor):
    Notice = apps.get_model("transparency", "Notice")
    for notice in Notice.objects.filter(privacy_vi__contains=PLACEHOLDER):
        for name, sentence in SENTENCES.items():
            setattr(notice, name, getattr(notice, name).replace(PLACEHOLDER, sentence))
        notice.save(update_fields=list(SENTENCES))


class Migration(migrations.Migration):
    dependencies = [("transparency", "0004_consent_method_evidence_withdrawal")]

    operations = [migrations.RunPython(forward, backward)]
