"""The starting cause taxonomy (ISO 10002 8.2): six families, as a fishbone groups them, each
with a few common causes, in Vietnamese and English. Administrators change it in the admin."""

from django.db import migrations

FAMILIES = [
    ("people", "Con người", "People", [
        ("people-training", "Thiếu đào tạo, kỹ năng", "Lack of training or skill"),
        ("people-workload", "Quá tải công việc", "Workload"),
        ("people-conduct", "Thái độ, ứng xử", "Conduct or attitude"),
    ]),
    ("process", "Quy trình", "Process", [
        ("process-missing", "Thiếu quy trình hoặc hướng dẫn", "Missing procedure or instruction"),
        ("process-handover", "Bàn giao, phối hợp giữa các bộ phận", "Handover between units"),
        ("process-not-followed", "Không tuân thủ quy trình", "Procedure not followed"),
    ]),
    ("product", "Sản phẩm, dịch vụ", "Product or service", [
        ("product-defect", "Lỗi sản phẩm", "Product defect"),
        ("product-design", "Thiết kế sản phẩm, dịch vụ", "Product or service design"),
    ]),
    ("system", "Hệ thống, công nghệ", "System or technology", [
        ("system-outage", "Sự cố hệ thống", "System outage"),
        ("system-data", "Sai sót dữ liệu", "Data error"),
    ]),
    ("supplier", "Nhà cung cấp, đối tác", "Supplier or partner", [
        ("supplier-late", "Giao hàng, dịch vụ chậm", "Late delivery"),
        ("supplier-quality", "Chất lượng đầu vào", "Quality of what was supplied"),
    ]),
    ("policy", "Chính sách, điều khoản", "Policy or terms", [
        ("policy-unclear", "Điều khoản không rõ ràng", "Unclear terms"),
        ("policy-unfair", "Chính sách chưa hợp lý", "Policy that does not fit"),
    ]),
]


def seed(apps, schema_editor):
    Cause = apps.get_model("improvement", "Cause")
    for position, (code, vi, en, children) in enumerate(FAMILIES, start=1):
        family, _ = Cause.objects.get_or_create(
            code=code, defaults={"name_vi": vi, "name_en": en, "position": position}
        )
        for child_position, (child_code, child_vi, child_en) in enumerate(children, start=1):
            Cause.objects.get_or_create(
                code=child_code,
                defaults={
                    "name_vi": child_vi,
                    "name_en": child_en,
                    "parent": family,
                    "position": child_position,
                },
            )


def unseed(apps, schema_editor):
    Cause = apps.get_model("improvement", "Cause")
    codes = [code for code, *_ in FAMILIES]
    children = [child for *_, kids in FAMILIES for child, *_ in kids]
    Cause.objects.filter(code__in=children).delete()
    Cause.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
