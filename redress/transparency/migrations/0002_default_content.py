"""The public information Redress publishes out of the box (version 1), in Vietnamese and
English, and the external bodies a Vietnamese consumer may turn to. The organisation edits
both in the admin; this only fills an empty installation."""

from django.db import migrations
from django.utils import timezone

TEXT = {
    "intro_vi": (
        "Nếu Quý khách chưa hài lòng với sản phẩm, dịch vụ hoặc cách chúng tôi phục vụ, hãy cho chúng tôi biết. "
        "Mọi khiếu nại đều được ghi nhận, có số tham chiếu riêng và được giải quyết khách quan, đúng hạn, "
        "theo TCVN ISO 10002:2015 / ISO 10002:2018."
    ),
    "intro_en": (
        "If you are not happy with a product, a service or the way we treated you, tell us. Every complaint is "
        "recorded, gets its own reference and is handled fairly and on time, following ISO 10002:2018 "
        "(TCVN ISO 10002:2015)."
    ),
    "how_vi": (
        "Cách nhanh nhất là điền mẫu khiếu nại trên trang này: Quý khách nhận ngay số tham chiếu và mã tra cứu. "
        "Quý khách cũng có thể gửi email, gọi điện thoại, gửi thư hoặc đến trực tiếp địa chỉ dưới đây. "
        "Người thân hoặc người đại diện có thể khiếu nại thay Quý khách."
    ),
    "how_en": (
        "The quickest way is the complaint form on this site: you get a reference and a tracking code at once. "
        "You can also email, phone, write to us or come to the address below. A relative or a representative "
        "may complain for you."
    ),
    "charges_vi": "Khiếu nại hoàn toàn miễn phí. Chúng tôi không thu bất kỳ khoản phí nào để tiếp nhận hay giải quyết khiếu nại.",
    "charges_en": "Complaining is free. We never charge for receiving or handling a complaint.",
    "privacy_vi": (
        "Chúng tôi dùng thông tin cá nhân Quý khách cung cấp (họ tên, thông tin liên hệ, nội dung khiếu nại và tệp "
        "đính kèm) chỉ để giải quyết khiếu nại, liên lạc với Quý khách về khiếu nại và cải tiến dịch vụ. Chỉ nhân "
        "viên được giao xử lý mới được xem. Chúng tôi không bán hay chia sẻ thông tin này, trừ khi pháp luật yêu cầu "
        "hoặc Quý khách đồng ý chuyển khiếu nại đến cơ quan, tổ chức bên ngoài. Hồ sơ khiếu nại được lưu 5 năm kể "
        "từ khi đóng, sau đó được xóa hoặc ẩn danh. Quý khách có quyền xem, sửa, yêu cầu xóa, hạn chế xử lý hoặc rút "
        "lại sự đồng ý bằng cách liên hệ với chúng tôi (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 356/2025/NĐ-CP)."
    ),
    "privacy_en": (
        "We use the personal data you give us (name, contact details, what you tell us and your files) only to "
        "handle your complaint, to contact you about it and to improve our service. Only the staff who handle it "
        "can see it. We do not sell or share it, unless the law requires it or you agree that we pass your "
        "complaint to an outside body. Complaint records are kept for 5 years after closing, then deleted or "
        "anonymised. You may see, correct or delete your data, restrict its use or withdraw your consent by "
        "contacting us (Personal Data Protection Law 2025, Decree 356/2025/ND-CP)."
    ),
    "review_vi": (
        "Nếu Quý khách không đồng ý với kết quả giải quyết, hãy cho chúng tôi biết lý do ngay trên trang theo dõi "
        "khiếu nại. Khiếu nại sẽ được một cấp cao hơn, không tham gia giải quyết lần đầu, xem xét lại. Quý khách "
        "cũng luôn có quyền liên hệ các cơ quan, tổ chức bên ngoài dưới đây."
    ),
    "review_en": (
        "If you do not agree with our decision, tell us why on your complaint's tracking page. A more senior "
        "person who was not involved in the first decision will review it. You can always go to the outside "
        "bodies listed below as well."
    ),
}

STEPS = [
    (
        "receive", "Tiếp nhận", "We receive your complaint",
        "Quý khách nhận số tham chiếu và mã tra cứu để theo dõi khiếu nại.",
        "You get a reference and a tracking code to follow your complaint.",
        "Ngay lập tức", "At once",
    ),
    (
        "acknowledge", "Xác nhận và phân công", "We confirm and assign it",
        "Chúng tôi xác nhận đã nhận khiếu nại và giao cho người xử lý.",
        "We confirm we have your complaint and give it to a person who handles it.",
        "Trong 1 ngày làm việc", "Within 1 working day",
    ),
    (
        "assess", "Xem xét và tìm hiểu", "We look into it",
        "Chúng tôi tìm hiểu sự việc và có thể hỏi thêm thông tin. Yêu cầu thương lượng theo Điều 57 Luật Bảo vệ "
        "quyền lợi người tiêu dùng 2023 được tiếp nhận và thương lượng trong 7 ngày làm việc.",
        "We find out what happened and may ask you for more information. A negotiation request under Article 57 "
        "of the Consumer Protection Law 2023 is taken up within 7 working days.",
        "Trong 3 ngày làm việc", "Within 3 working days",
    ),
    (
        "decide", "Trả lời kết quả", "We tell you our decision",
        "Chúng tôi gửi kết quả kèm lý do và những gì chúng tôi sẽ làm. Quý khách có thể đồng ý hoặc không đồng ý.",
        "We send you our decision with the reasons and what we will do. You can accept it or not.",
        "Trong 15 ngày làm việc", "Within 15 working days",
    ),
    (
        "close", "Đóng khiếu nại", "We close the complaint",
        "Khi Quý khách đồng ý và chúng tôi đã làm xong những gì đã cam kết, khiếu nại được đóng. Chúng tôi mời Quý "
        "khách đánh giá cách giải quyết.",
        "When you accept and we have done what we promised, we close the complaint and ask what you thought of "
        "the way we handled it.",
        "Khi mọi cam kết đã hoàn thành", "When everything promised is done",
    ),
]

BODIES = [
    (
        "Sở Công Thương tỉnh, thành phố", "Provincial Department of Industry and Trade",
        "Hỗ trợ thương lượng và giải quyết tranh chấp giữa người tiêu dùng và doanh nghiệp khi doanh nghiệp không "
        "trả lời hoặc từ chối thương lượng (Luật Bảo vệ quyền lợi người tiêu dùng 2023).",
        "Helps consumers and businesses settle disputes when the business does not answer or refuses to negotiate "
        "(Consumer Protection Law 2023).",
        "", "",
    ),
    (
        "Hội Bảo vệ quyền lợi người tiêu dùng (VINASTAS và hội địa phương)",
        "Consumer protection associations (VINASTAS and local associations)",
        "Tổ chức xã hội tư vấn, hỗ trợ người tiêu dùng và giúp thương lượng với doanh nghiệp.",
        "Non-profit organisations that advise consumers and help them negotiate with businesses.",
        "", "",
    ),
    (
        "Hòa giải thương mại", "Commercial mediation",
        "Một hòa giải viên độc lập giúp hai bên tự thỏa thuận; chỉ khi cả hai bên đồng ý.",
        "An independent mediator helps both sides reach their own agreement; only if both sides agree.",
        "", "",
    ),
    (
        "Trọng tài thương mại", "Arbitration",
        "Một trọng tài độc lập quyết định tranh chấp khi hai bên có thỏa thuận trọng tài.",
        "An independent arbitrator decides the dispute when both sides have agreed to arbitration.",
        "", "",
    ),
    (
        "Tòa án nhân dân", "The People's Court",
        "Quý khách luôn có quyền khởi kiện tại Tòa án. Vụ án về quyền lợi người tiêu dùng có thể được giải quyết "
        "theo thủ tục rút gọn.",
        "You always have the right to take the matter to court. Consumer cases may be heard under the simplified "
        "procedure.",
        "", "",
    ),
]


def create(apps, schema_editor):
    Notice = apps.get_model("transparency", "Notice")
    NoticeStep = apps.get_model("transparency", "NoticeStep")
    ExternalBody = apps.get_model("transparency", "ExternalBody")
    if not Notice.objects.exists():
        notice = Notice.objects.create(
            version=1, state="published", published_at=timezone.now(), change_note="Redress default", **TEXT
        )
        for order, (stage, title_vi, title_en, body_vi, body_en, target_vi, target_en) in enumerate(STEPS, start=1):
            NoticeStep.objects.create(
                notice=notice, order=order, stage=stage, title_vi=title_vi, title_en=title_en, body_vi=body_vi, body_en=body_en,
                target_vi=target_vi, target_en=target_en,
            )
    if not ExternalBody.objects.exists():
        for order, (name_vi, name_en, description_vi, description_en, website, phone) in enumerate(BODIES, start=1):
            ExternalBody.objects.create(
                order=order, name_vi=name_vi, name_en=name_en, description_vi=description_vi,
                description_en=description_en, website=website, phone=phone,
            )


def remove(apps, schema_editor):
    apps.get_model("transparency", "NoticeStep").objects.filter(notice__version=1).delete()
    apps.get_model("transparency", "Notice").objects.filter(version=1, consents__isnull=True).delete()
    apps.get_model("transparency", "ExternalBody").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
