"""The demo organisation (units, a login per role, categories, products, the calendar) and the
names, places and topics that generated complaints are made of, in Vietnamese and English."""

from __future__ import annotations

from django.db import transaction

from redress.complaints.models import Category, Product
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.sla.models import BusinessCalendar

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thu", "Hữu", "Đức", "Thanh", "Quốc", "Anh", "Hoài", "Gia"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngọc",
    "Phong",
    "Phương",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Đạt",
    "Nhung",
    "Lộc",
    "Trí",
]
EN_NAMES = [
    "James Miller",
    "Sarah Johnson",
    "David Kim",
    "Emma Wilson",
    "Lucas Martin",
    "Olivia Brown",
    "Kenji Sato",
    "Anna Müller",
]
STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Trần Hưng Đạo",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Phan Đình Phùng",
]
PLACES = [
    "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
    "Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội",
    "Phường Thạch Thang, Quận Hải Châu, Đà Nẵng",
    "Phường Tân An, Quận Ninh Kiều, Cần Thơ",
    "Phường Lê Lợi, TP. Vinh, Nghệ An",
    "Phường Vĩnh Ninh, TP. Huế, Thừa Thiên Huế",
    "Phường Máy Tơ, Quận Ngô Quyền, Hải Phòng",
    "Xã Tà Van, Thị xã Sa Pa, Lào Cai",
]

# (category code, Vietnamese subject and text, English subject and text)
TOPICS: list[tuple[str, str, str, str, str]] = [
    (
        "billing",
        "Hóa đơn tính sai tiền",
        "Hóa đơn tháng này tính phí gấp đôi so với hợp đồng, tôi đề nghị kiểm tra lại.",
        "Wrong amount on my bill",
        "This month's bill charges twice the contract price; please check it.",
    ),
    (
        "billing",
        "Bị trừ tiền hai lần",
        "Tài khoản của tôi bị trừ tiền hai lần cho cùng một giao dịch thanh toán.",
        "Charged twice",
        "My account was debited twice for the same payment.",
    ),
    (
        "delivery",
        "Giao hàng trễ hẹn",
        "Đơn hàng hẹn giao trong 2 ngày nhưng đã 10 ngày vẫn chưa nhận được.",
        "Late delivery",
        "The order was promised within 2 days but has not arrived after 10 days.",
    ),
    (
        "delivery",
        "Hàng giao bị móp méo",
        "Thùng hàng khi nhận bị móp, sản phẩm bên trong bị trầy xước.",
        "Parcel arrived damaged",
        "The box was crushed and the product inside is scratched.",
    ),
    (
        "quality",
        "Sản phẩm lỗi sau một tuần",
        "Máy hỏng sau một tuần sử dụng, không lên nguồn.",
        "Product broke after a week",
        "The device stopped working after a week; it does not power on.",
    ),
    (
        "quality",
        "Chất lượng không như quảng cáo",
        "Sản phẩm không đúng thông số kỹ thuật như quảng cáo trên website.",
        "Not as advertised",
        "The product does not match the specifications on the website.",
    ),
    (
        "service",
        "Nhân viên thái độ không tốt",
        "Nhân viên tổng đài trả lời cộc lốc và cúp máy giữa chừng.",
        "Rude staff",
        "The call-centre agent was rude and hung up on me.",
    ),
    (
        "warranty",
        "Từ chối bảo hành",
        "Cửa hàng từ chối bảo hành dù sản phẩm còn trong thời hạn bảo hành.",
        "Warranty refused",
        "The shop refused the warranty although the product is still covered.",
    ),
    (
        "contract",
        "Tự ý gia hạn hợp đồng",
        "Công ty tự gia hạn hợp đồng và thu phí khi tôi chưa đồng ý.",
        "Contract renewed without consent",
        "The company renewed my contract and charged me without my consent.",
    ),
    (
        "privacy",
        "Lộ thông tin cá nhân",
        "Tôi nhận cuộc gọi quảng cáo nhắc đúng thông tin hợp đồng của mình.",
        "Personal data leaked",
        "Marketers called me quoting details of my contract.",
    ),
    (
        "safety",
        "Sản phẩm gây bỏng",
        "Ấm đun nước bị chập điện gây bỏng tay con tôi.",
        "Product caused a burn",
        "The kettle short-circuited and burned my child's hand.",
    ),
    (
        "other",
        "Khó liên hệ tổng đài",
        "Gọi tổng đài nhiều lần trong giờ hành chính nhưng không ai nghe máy.",
        "Cannot reach the hotline",
        "I called the hotline many times during office hours and nobody answered.",
    ),
]

CATEGORIES = [
    ("billing", "Hóa đơn và thanh toán", "Billing and payment", None),
    ("delivery", "Giao hàng", "Delivery", None),
    ("quality", "Chất lượng sản phẩm", "Product quality", None),
    ("service", "Thái độ phục vụ", "Staff conduct", None),
    ("warranty", "Bảo hành, sửa chữa", "Warranty and repair", "quality"),
    ("contract", "Hợp đồng", "Contracts", None),
    ("privacy", "Bảo vệ dữ liệu cá nhân", "Personal data", None),
    ("safety", "An toàn, sức khỏe", "Health and safety", "quality"),
    ("other", "Khác", "Other", None),
]
PRODUCTS = [
    ("internet", "Gói cước Internet cáp quang", "Fibre internet plan", "billing"),
    ("mobile", "Điện thoại di động", "Mobile phone", "quality"),
    ("water-filter", "Máy lọc nước", "Water purifier", "quality"),
    ("credit-card", "Thẻ tín dụng", "Credit card", "billing"),
    ("insurance", "Bảo hiểm sức khỏe", "Health insurance", "contract"),
    ("express", "Dịch vụ giao hàng nhanh", "Express delivery", "delivery"),
    ("fridge", "Tủ lạnh", "Refrigerator", "quality"),
    ("kettle", "Ấm đun nước siêu tốc", "Electric kettle", "safety"),
]
UNITS = [
    ("hq", "Trụ sở chính", "Head office", None),
    ("care", "Phòng Chăm sóc khách hàng", "Customer care", "hq"),
    ("tech", "Phòng Kỹ thuật", "Technical department", "hq"),
    ("hanoi", "Chi nhánh Hà Nội", "Hanoi branch", "hq"),
    ("hcm", "Chi nhánh TP. Hồ Chí Minh", "Ho Chi Minh City branch", "hq"),
]
DEMO_PASSWORD = "redress-demo-2026"  # noqa: S105  (printed for the demo; never used outside it)
DEMO_USERS = [
    # username, full name, role, unit
    ("tiepnhan", "Lê Thu Hà", Role.FRONTLINE, "care"),
    ("xuly", "Phạm Minh Tuấn", Role.HANDLER, "care"),
    ("xuly2", "Đỗ Ngọc Lan", Role.HANDLER, "hanoi"),
    ("quanly", "Trần Thị Mai", Role.COMPLAINTS_MANAGER, "hq"),
    ("lanhdao", "Nguyễn Văn Hùng", Role.TOP_MANAGEMENT, "hq"),
    ("kiemtoan", "Võ Quốc Anh", Role.AUDITOR, "hq"),
    ("quantri", "Bùi Gia Khánh", Role.ADMIN, "hq"),
    ("baove", "Hoàng Thị Yến", Role.DPO, "hq"),
    ("truongphong", "Đặng Văn Long", Role.OTHER_MANAGER, "tech"),
]
EXTERNAL_BODIES = [
    "Sở Công Thương TP. Hồ Chí Minh",
    "Hội Bảo vệ người tiêu dùng",
    "Trung tâm hòa giải thương mại",
]


@transaction.atomic
def demo_organisation() -> dict[str, User]:
    """Units, one user per role, categories, products and the default calendar (idempotent)."""
    organisation_get()
    BusinessCalendar.objects.get_or_create(
        name="Giờ hành chính Việt Nam", defaults={"is_default": True}
    )
    units: dict[str, OrgUnit] = {}
    for code, name, name_en, parent in UNITS:
        units[code], _ = OrgUnit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": units.get(parent) if parent else None,
            },
        )
    categories: dict[str, Category] = {}
    for code, name_vi, name_en, parent in CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "parent": categories.get(parent) if parent else None,
            },
        )
    for code, name_vi, name_en, category in PRODUCTS:
        Product.objects.get_or_create(
            code=code,
            defaults={"name_vi": name_vi, "name_en": name_en, "category": categories[category]},
        )
    users: dict[str, User] = {}
    for username, full_name, role, unit in DEMO_USERS:
        family, _, given = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": given,
                "last_name": family,
                "email": f"{username}@redress.local",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Role.ADMIN:
                user.is_staff = True
                user.is_superuser = True
            user.save()
        Membership.objects.get_or_create(user=user, unit=units[unit], role=role)
        users[username] = user
    return users
