"""Realistic bilingual demo and volume data.

Complaints are generated in bulk, not through the services: a million complaints through
one-at-a-time services would take hours. What is generated is still consistent with the
lifecycle: every complaint's events follow ``testing.PATHS`` to its state, in time order,
with the decisions and remedies that state implies. One audit entry records the generation.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from redress.audit.services import audit_record
from redress.complaints.models import (
    Category,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintEvent,
    Decision,
    ExternalReferral,
    Message,
    Outcome,
    Priority,
    Product,
    Reaction,
    ReferenceCounter,
    Remedy,
    RemedyType,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.references import tracking_code_hash
from redress.complaints.search import TRIGRAM_INDEXES
from redress.complaints.transitions import VISIBLE_TO_COMPLAINANT, Action
from redress.core.actors import Actor
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.text import fold

# The actions that lead to each state, as lifecycle steps (see complaints.testing.PATHS).
_STEPS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.ASSESSED: ["acknowledge", "assess"],
    Status.INVESTIGATING: ["acknowledge", "assess", "start_investigation"],
    Status.DECISION_PROPOSED: ["acknowledge", "assess", "start_investigation", "propose_decision"],
    Status.DECISION_APPROVED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
    ],
    Status.DECISION_COMMUNICATED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
    ],
    Status.RESOLVED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "accepted",
    ],
    Status.UNDER_REVIEW: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "rejected",
    ],
    Status.REFERRED_EXTERNAL: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "rejected",
        "refer_external",
    ],
    Status.NOT_ACCEPTED: ["acknowledge", "not_accepted"],
    Status.WITHDRAWN: ["withdraw"],
    Status.CLOSED: [
        "acknowledge",
        "assess",
        "start_investigation",
        "propose_decision",
        "approve_decision",
        "communicate_decision",
        "accepted",
        "settle_remedy",
        "close",
    ],
}

# Share of complaints in each state: most older complaints are closed.
_STATE_WEIGHTS = {
    Status.RECEIVED: 4,
    Status.ACKNOWLEDGED: 4,
    Status.ASSESSED: 3,
    Status.INVESTIGATING: 8,
    Status.DECISION_PROPOSED: 3,
    Status.DECISION_APPROVED: 2,
    Status.DECISION_COMMUNICATED: 4,
    Status.RESOLVED: 4,
    Status.UNDER_REVIEW: 2,
    Status.REFERRED_EXTERNAL: 1,
    Status.NOT_ACCEPTED: 3,
    Status.WITHDRAWN: 2,
    Status.CLOSED: 60,
}

_STEP_STATUS = {
    "acknowledge": Status.ACKNOWLEDGED,
    "assess": Status.ASSESSED,
    "not_accepted": Status.NOT_ACCEPTED,
    "start_investigation": Status.INVESTIGATING,
    "propose_decision": Status.DECISION_PROPOSED,
    "approve_decision": Status.DECISION_APPROVED,
    "communicate_decision": Status.DECISION_COMMUNICATED,
    "accepted": Status.RESOLVED,
    "rejected": Status.UNDER_REVIEW,
    "refer_external": Status.REFERRED_EXTERNAL,
    "settle_remedy": Status.RESOLVED,
    "close": Status.CLOSED,
    "withdraw": Status.WITHDRAWN,
}
_STEP_ACTION = {
    "not_accepted": Action.ASSESS,
    "accepted": Action.RECORD_REACTION,
    "rejected": Action.RECORD_REACTION,
}

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
]
EXTERNAL_BODIES = [
    "Sở Công Thương TP. Hồ Chí Minh",
    "Hội Bảo vệ người tiêu dùng",
    "Trung tâm hòa giải thương mại",
]


@transaction.atomic
def demo_organisation() -> dict[str, User]:
    """Units, one user per role, categories, products and the default calendar (idempotent)."""
    from redress.core.models import Membership
    from redress.sla.models import BusinessCalendar

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


@dataclass
class SeedResult:
    complaints: int
    events: int
    seconds: float


def _chunks(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        yield min(size, total - done)
        done += size


class _Writer:
    """Writes plain rows (dicts keyed by attribute name) fast: COPY on PostgreSQL, a prepared
    executemany elsewhere. Missing attributes take the field's default."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]  # type: ignore[attr-defined]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.table = model._meta.db_table  # type: ignore[attr-defined]

    def reserve_ids(self, n: int) -> list[int]:
        """``n`` primary keys nobody else will use (the transaction holds the intake locks)."""
        if n == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, n],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")  # noqa: S608 - table name from the model
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + n))

    def write(self, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        fields = [f for f in self.fields if f.attname != "id" or "id" in rows[0]]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        names = [f.attname for f in fields]
        defaults = self.defaults
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY takes JSON columns as text.
                json_names = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(
                            [
                                json.dumps(value, ensure_ascii=False)
                                if name in json_names
                                else value
                                for name, value in ((n, row.get(n, defaults[n])) for n in names)
                            ]
                        )
                return
            placeholders = ", ".join(["%s"] * len(fields))
            prepared = [
                [
                    f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                    for f in fields
                ]
                for row in rows
            ]
            sql = f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, prepared)


def seed_complaints(
    count: int,
    *,
    seed: int = 2026,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Generate ``count`` complaints over the last 24 months in every state, category,
    channel and unit. Runs in batches, each in its own transaction."""
    import time

    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    demo_organisation()
    organisation = organisation_get()
    tz = zoneinfo.ZoneInfo(organisation.time_zone)
    context = _SeedContext(
        rng=rng,
        unit_ids=list(OrgUnit.objects.values_list("pk", flat=True)),
        categories=dict(Category.objects.values_list("code", "pk")),
        product_ids=list(Product.objects.values_list("pk", flat=True)),
        handlers=_ids_with_role(Role.HANDLER),
        managers=_ids_with_role(Role.COMPLAINTS_MANAGER),
        frontline=_ids_with_role(Role.FRONTLINE),
        users=dict(User.objects.values_list("pk", "username")),
        now=timezone.now(),
    )
    writers = {
        model: _Writer(model)
        for model in (
            Complainant,
            Complaint,
            ComplaintEvent,
            Decision,
            Remedy,
            Message,
            ExternalReferral,
        )
    }
    span = dt.timedelta(days=730)
    events_total = 0
    created = 0
    postgres = connection.vendor == "postgresql"
    # A large load builds the trigram search index once at the end instead of row by row
    # (the usual PostgreSQL bulk-load practice; several times faster).
    rebuild_search_index = postgres and count >= 20_000
    if rebuild_search_index:
        with connection.cursor() as cursor:
            for index in TRIGRAM_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
    for size in _chunks(count, batch):
        with transaction.atomic():
            if postgres:
                # Generated data can be generated again: no need to wait for each batch's fsync.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            received = sorted(context.now - span * (rng.random() ** 1.3) for _ in range(size))
            # Reserve references year by year, with the same lock the services take.
            years: dict[int, int] = {}
            for at in received:
                year = at.astimezone(tz).year
                years[year] = years.get(year, 0) + 1
            next_number: dict[int, int] = {}
            for year, n in sorted(years.items()):
                counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
                next_number[year] = counter.last + 1
                counter.last += n
                counter.save(update_fields=["last"])
            rows = _Rows()
            complainant_ids = writers[Complainant].reserve_ids(size)
            complaint_ids = writers[Complaint].reserve_ids(size)
            for at, complainant_id, complaint_id in zip(
                received, complainant_ids, complaint_ids, strict=True
            ):
                year = at.astimezone(tz).year
                reference = f"{organisation.reference_prefix}-{year}-{next_number[year]:06d}"
                next_number[year] += 1
                _generate_one(
                    context,
                    rows,
                    at,
                    reference,
                    complainant_id,
                    complaint_id,
                    organisation.currency,
                    tz,
                )
            decision_ids = writers[Decision].reserve_ids(len(rows.decisions))
            for decision, decision_id in zip(rows.decisions, decision_ids, strict=True):
                decision["id"] = decision_id
            for remedy in rows.remedies:
                remedy["decision_id"] = remedy.pop("decision")["id"]  # type: ignore[index]
            writers[Complainant].write(rows.complainants)
            writers[Complaint].write(rows.complaints)
            writers[Decision].write(rows.decisions)
            writers[Remedy].write(rows.remedies)
            writers[Message].write(rows.messages)
            writers[ExternalReferral].write(rows.referrals)
            writers[ComplaintEvent].write(rows.events)
            events_total += len(rows.events)
            created += size
        if progress:
            progress(size)
    if rebuild_search_index:
        with connection.cursor() as cursor:
            for index, column in TRIGRAM_INDEXES.items():
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON complaints_complaint USING gin ({column} gin_trgm_ops)"
                )
    audit_record(
        actor=Actor.system("seed"),
        action="complaints.seed",
        target=organisation,
        target_label="seed",
        after={"complaints": count, "events": events_total},
    )
    return SeedResult(complaints=created, events=events_total, seconds=time.monotonic() - started)


def _ids_with_role(role: Role) -> list[int]:
    return list(User.objects.filter(memberships__role=role).values_list("pk", flat=True).distinct())


@dataclass
class _SeedContext:
    rng: random.Random
    unit_ids: list[int]
    categories: dict[str, int]
    product_ids: list[int]
    handlers: list[int]
    managers: list[int]
    frontline: list[int]
    users: dict[int, str]
    now: dt.datetime


@dataclass
class _Rows:
    complainants: list[dict[str, object]] = field(default_factory=list)
    complaints: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    decisions: list[dict[str, object]] = field(default_factory=list)
    remedies: list[dict[str, object]] = field(default_factory=list)
    messages: list[dict[str, object]] = field(default_factory=list)
    referrals: list[dict[str, object]] = field(default_factory=list)


# Names and topics repeat: fold each once.
_fold = functools.lru_cache(maxsize=8192)(fold)
_CHANNELS = [
    Channel.WEB,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.IN_PERSON,
    Channel.LETTER,
    Channel.SOCIAL,
    Channel.API,
]
_CHANNEL_WEIGHTS = [35, 25, 20, 8, 4, 4, 4]
_VULNERABLE = [v for v in VulnerableGroup.values if v]
_STATES = list(_STATE_WEIGHTS)
_WEIGHTS = list(_STATE_WEIGHTS.values())


def _generate_one(
    ctx: _SeedContext,
    rows: _Rows,
    at: dt.datetime,
    reference: str,
    complainant_id: int,
    complaint_id: int,
    currency: str,
    tz: zoneinfo.ZoneInfo,
) -> None:
    """One complainant, one complaint and its lifecycle rows."""
    rng = ctx.rng
    english = rng.random() < 0.15
    name = (
        rng.choice(EN_NAMES)
        if english
        else f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    )
    vulnerable = rng.choice(_VULNERABLE) if rng.random() < 0.08 else ""
    email = (
        f"{fold(name).replace(' ', '.')}{rng.randrange(1000)}@example.vn"
        if rng.random() < 0.8
        else ""
    )
    phone = f"09{rng.randrange(10**8):08d}"
    rows.complainants.append(
        {
            "id": complainant_id,
            "full_name": name,
            "email": email,
            "phone": phone,
            "address": f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, {rng.choice(PLACES)}",
            "preferred_language": "en" if english else "vi",
            "preferred_channel": rng.choice([Channel.EMAIL, Channel.PHONE]),
            "vulnerable_group": vulnerable,
            "created_at": at,
        }
    )
    topic = rng.choice(TOPICS)
    age_days = (ctx.now - at).days
    # Old complaints are mostly closed; recent ones are spread over the open stages.
    state = rng.choices(_STATES, _WEIGHTS)[0] if age_days > 60 else rng.choice(_STATES[:10])
    channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
    safety = topic[0] == "safety"
    severity = (
        Severity.HIGH
        if safety
        else rng.choice([Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH])
    )
    if safety:
        priority = Priority.URGENT
    elif vulnerable:
        priority = Priority.HIGH
    else:
        priority = rng.choice([Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH])
    amount = Decimal(rng.randrange(1, 400) * 50_000) if rng.random() < 0.6 else None
    subject, description = (topic[3], topic[4]) if english else (topic[1], topic[2])
    order_ref = f"DH{rng.randrange(10**7):07d}" if rng.random() < 0.7 else ""
    owner = (
        rng.choice(ctx.handlers)
        if ctx.handlers and state != Status.RECEIVED and rng.random() < 0.9
        else None
    )
    complaint: dict[str, object] = {
        "id": complaint_id,
        "reference": reference,
        # Demo complaints are reached through the back office: their codes are never shown.
        "tracking_code_hash": tracking_code_hash(reference, f"seed-{rng.random()}"),
        "status": state,
        "channel": channel,
        "received_at": at,
        "received_by_id": rng.choice(ctx.frontline)
        if ctx.frontline and channel in (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER)
        else None,
        "language": "en" if english else "vi",
        "complainant_id": complainant_id,
        "subject": subject,
        "description": description,
        "occurred_on": (at - dt.timedelta(days=rng.randrange(0, 20))).astimezone(tz).date(),
        "category_id": ctx.categories.get(topic[0]),
        "product_id": rng.choice(ctx.product_ids) if ctx.product_ids else None,
        "order_ref": order_ref,
        "remedy_requested": ("Refund" if english else "Hoàn tiền") if amount else "",
        "amount_claimed": amount,
        "currency": currency,
        "is_negotiation_request": rng.random() < 0.1,
        "health_safety": safety,
        "severity": severity,
        "priority": priority,
        "is_significant": safety
        or severity in (Severity.HIGH, Severity.CRITICAL)
        or bool(vulnerable),
        "unit_id": rng.choice(ctx.unit_ids),
        "owner_id": owner,
        "search_text": " ".join(
            filter(None, [reference.lower(), _fold(subject), _fold(description), order_ref.lower()])
        ),
        "search_personal": " ".join(filter(None, [_fold(name), email, phone])),
        "updated_at": ctx.now,
    }
    rows.complaints.append(complaint)
    _lifecycle(ctx, rows, complaint, state, owner)


def _lifecycle(
    ctx: _SeedContext, rows: _Rows, complaint: dict[str, object], state: str, owner: int | None
) -> None:
    """The events (and decisions, remedies, notes, referrals) that lead to ``state``, in order."""
    rng = ctx.rng
    at: dt.datetime = complaint["received_at"]  # type: ignore[assignment]
    complaint_id = complaint["id"]
    steps = _STEPS[state]
    # Spread the steps between receipt and now (at most some weeks for older complaints).
    room = min((ctx.now - at).total_seconds(), 40 * 86400)
    offsets = sorted(rng.random() * room for _ in steps)
    channel = complaint["channel"]
    rows.events.append(
        _event_row(
            complaint_id,
            at,
            Action.RECEIVE,
            "",
            Status.RECEIVED,
            "channel",
            str(channel),
            None,
            str(channel),
            {},
        )
    )
    status: str = Status.RECEIVED
    decision: dict[str, object] | None = None
    decision_remedies: list[dict[str, object]] = []
    handler = owner or (rng.choice(ctx.handlers) if ctx.handlers else None)
    manager = rng.choice(ctx.managers) if ctx.managers else handler
    amount = complaint["amount_claimed"] or Decimal(0)
    for step, offset in zip(steps, offsets, strict=True):
        when = at + dt.timedelta(seconds=offset)
        action = _STEP_ACTION.get(step, step)
        new_status = _STEP_STATUS[step]
        who = manager if step in ("approve_decision", "refer_external") else handler
        data: dict[str, object] = {}
        if step == "acknowledge":
            complaint["acknowledged_at"] = when
        elif step in ("assess", "not_accepted"):
            complaint["assessed_at"] = when
            complaint["classification"] = (
                Classification.COMPLAINT if step == "assess" else Classification.NOT_A_COMPLAINT
            )
            data = {"classification": complaint["classification"]}
        elif step == "propose_decision":
            outcome = rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD])
            decision = {
                "complaint_id": complaint_id,
                "state": Decision.State.PROPOSED,
                "outcome": outcome,
                "summary": "Hoàn tiền cho khách hàng"
                if outcome != Outcome.NOT_UPHELD
                else "Giữ nguyên",
                "reasons": "Đã xác minh với bộ phận liên quan.",
                "proposed_by_id": handler,
                "proposed_at": when,
            }
            rows.decisions.append(decision)
            if outcome != Outcome.NOT_UPHELD:
                value = (
                    amount
                    if outcome == Outcome.UPHELD
                    else (Decimal(amount) / 2).quantize(Decimal(1))
                )  # type: ignore[arg-type]
                remedy = {
                    "decision": decision,
                    "type": RemedyType.REFUND if value else RemedyType.APOLOGY,
                    "amount": value,
                    "currency": complaint["currency"],
                }
                rows.remedies.append(remedy)
                decision_remedies.append(remedy)
            data = {"outcome": outcome}
        elif step == "approve_decision" and decision is not None:
            decision.update(state=Decision.State.APPROVED, approved_by_id=manager, approved_at=when)
        elif step == "communicate_decision" and decision is not None:
            decision.update(
                state=Decision.State.COMMUNICATED,
                communicated_at=when,
                communicated_via=Channel.EMAIL,
            )
            complaint["decision_communicated_at"] = when
        elif step in ("accepted", "rejected") and decision is not None:
            decision.update(
                reaction=Reaction.ACCEPTED if step == "accepted" else Reaction.REJECTED,
                reaction_at=when,
            )
            data = {"reaction": decision["reaction"]}
        elif step == "refer_external":
            rows.referrals.append(
                {
                    "complaint_id": complaint_id,
                    "provider": rng.choice(EXTERNAL_BODIES),
                    "consent_at": when,
                    "referred_at": when,
                    "referred_by_id": manager,
                }
            )
        elif step == "settle_remedy":
            settled = decision_remedies
            if not settled:
                continue  # a decision that was not upheld has nothing to settle
            for remedy in settled:
                remedy["fulfilled_at"] = when
        elif step == "close":
            complaint["closed_at"] = when
        label = ctx.users.get(who, "system") if who else "system"
        rows.events.append(
            _event_row(complaint_id, when, action, status, new_status, "user", label, who, "", data)
        )
        status = new_status
    if rng.random() < 0.3 and handler:
        rows.messages.append(
            {
                "complaint_id": complaint_id,
                "direction": Message.Direction.INTERNAL,
                "author_id": handler,
                "body": "Đã gọi điện cho khách hàng để xác minh.",
                "created_at": at + dt.timedelta(hours=2),
            }
        )


def _event_row(
    complaint_id, at, action, from_status, to_status, kind, label, user_id, method, data
):  # type: ignore[no-untyped-def]
    return {
        "complaint_id": complaint_id,
        "at": at,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "actor_kind": kind,
        "actor_label": label,
        "actor_user_id": user_id,
        "method": method,
        "data": data,
        "visible_to_complainant": action in VISIBLE_TO_COMPLAINANT,
    }
