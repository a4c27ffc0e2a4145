"""Realistic bilingual demo and volume data.

Complaints are generated in bulk, not through the services: a million complaints through
one-at-a-time services would take hours. What is generated is still consistent with the
lifecycle: every complaint's events follow ``testing.PATHS`` to its state, in time order,
with the decisions and remedies that state implies. One audit entry records the generation.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
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
    Status.DECISION_APPROVED: ["acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision"],
    Status.DECISION_COMMUNICATED: [
        "acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision", "communicate_decision",
    ],
    Status.RESOLVED: [
        "acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision", "communicate_decision",
        "accepted",
    ],
    Status.UNDER_REVIEW: [
        "acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision", "communicate_decision",
        "rejected",
    ],
    Status.REFERRED_EXTERNAL: [
        "acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision", "communicate_decision",
        "rejected", "refer_external",
    ],
    Status.NOT_ACCEPTED: ["acknowledge", "not_accepted"],
    Status.WITHDRAWN: ["withdraw"],
    Status.CLOSED: [
        "acknowledge", "assess", "start_investigation", "propose_decision", "approve_decision", "communicate_decision",
        "accepted", "settle_remedy", "close",
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

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thu", "Hữu", "Đức", "Thanh", "Quốc", "Anh", "Hoài", "Gia"]
GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phong", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo",
    "Thắng", "Trang", "Tuấn", "Việt", "Yến", "Đạt", "Nhung", "Lộc", "Trí",
]
EN_NAMES = ["James Miller", "Sarah Johnson", "David Kim", "Emma Wilson", "Lucas Martin", "Olivia Brown", "Kenji Sato", "Anna Müller"]
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Phan Đình Phùng"]
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
    ("billing", "Hóa đơn tính sai tiền", "Hóa đơn tháng này tính phí gấp đôi so với hợp đồng, tôi đề nghị kiểm tra lại.",
     "Wrong amount on my bill", "This month's bill charges twice the contract price; please check it."),
    ("billing", "Bị trừ tiền hai lần", "Tài khoản của tôi bị trừ tiền hai lần cho cùng một giao dịch thanh toán.",
     "Charged twice", "My account was debited twice for the same payment."),
    ("delivery", "Giao hàng trễ hẹn", "Đơn hàng hẹn giao trong 2 ngày nhưng đã 10 ngày vẫn chưa nhận được.",
     "Late delivery", "The order was promised within 2 days but has not arrived after 10 days."),
    ("delivery", "Hàng giao bị móp méo", "Thùng hàng khi nhận bị móp, sản phẩm bên trong bị trầy xước.",
     "Parcel arrived damaged", "The box was crushed and the product inside is scratched."),
    ("quality", "Sản phẩm lỗi sau một tuần", "Máy hỏng sau một tuần sử dụng, không lên nguồn.",
     "Product broke after a week", "The device stopped working after a week; it does not power on."),
    ("quality", "Chất lượng không như quảng cáo", "Sản phẩm không đúng thông số kỹ thuật như quảng cáo trên website.",
     "Not as advertised", "The product does not match the specifications on the website."),
    ("service", "Nhân viên thái độ không tốt", "Nhân viên tổng đài trả lời cộc lốc và cúp máy giữa chừng.",
     "Rude staff", "The call-centre agent was rude and hung up on me."),
    ("warranty", "Từ chối bảo hành", "Cửa hàng từ chối bảo hành dù sản phẩm còn trong thời hạn bảo hành.",
     "Warranty refused", "The shop refused the warranty although the product is still covered."),
    ("contract", "Tự ý gia hạn hợp đồng", "Công ty tự gia hạn hợp đồng và thu phí khi tôi chưa đồng ý.",
     "Contract renewed without consent", "The company renewed my contract and charged me without my consent."),
    ("privacy", "Lộ thông tin cá nhân", "Tôi nhận cuộc gọi quảng cáo nhắc đúng thông tin hợp đồng của mình.",
     "Personal data leaked", "Marketers called me quoting details of my contract."),
    ("safety", "Sản phẩm gây bỏng", "Ấm đun nước bị chập điện gây bỏng tay con tôi.",
     "Product caused a burn", "The kettle short-circuited and burned my child's hand."),
    ("other", "Khó liên hệ tổng đài", "Gọi tổng đài nhiều lần trong giờ hành chính nhưng không ai nghe máy.",
     "Cannot reach the hotline", "I called the hotline many times during office hours and nobody answered."),
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
EXTERNAL_BODIES = ["Sở Công Thương TP. Hồ Chí Minh", "Hội Bảo vệ người tiêu dùng", "Trung tâm hòa giải thương mại"]


@transaction.atomic
def demo_organisation() -> dict[str, User]:
    """Units, one user per role, categories, products and the default calendar (idempotent)."""
    from redress.core.models import Membership
    from redress.sla.models import BusinessCalendar

    organisation_get()
    BusinessCalendar.objects.get_or_create(name="Giờ hành chính Việt Nam", defaults={"is_default": True})
    units: dict[str, OrgUnit] = {}
    for code, name, name_en, parent in UNITS:
        units[code], _ = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": units.get(parent) if parent else None}
        )
    categories: dict[str, Category] = {}
    for code, name_vi, name_en, parent in CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "parent": categories.get(parent) if parent else None}
        )
    for code, name_vi, name_en, category in PRODUCTS:
        Product.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "category": categories[category]}
        )
    users: dict[str, User] = {}
    for username, full_name, role, unit in DEMO_USERS:
        family, _, given = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": given, "last_name": family, "email": f"{username}@redress.local"},
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


def seed_complaints(
    count: int, *, seed: int = 2026, batch: int = 5000, progress: Callable[[int], None] | None = None
) -> SeedResult:
    """Generate ``count`` complaints over the last 24 months in every state, category,
    channel and unit. Runs in batches, each in its own transaction."""
    import time

    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    demo_organisation()
    organisation = organisation_get()
    tz = zoneinfo.ZoneInfo(organisation.time_zone)
    units = list(OrgUnit.objects.all())
    categories = {c.code: c for c in Category.objects.all()}
    products = list(Product.objects.all())
    handlers = list(User.objects.filter(memberships__role=Role.HANDLER).distinct()) or list(User.objects.all()[:1])
    managers = list(User.objects.filter(memberships__role=Role.COMPLAINTS_MANAGER).distinct()) or handlers
    frontline = list(User.objects.filter(memberships__role=Role.FRONTLINE).distinct()) or handlers
    states = list(_STATE_WEIGHTS)
    weights = list(_STATE_WEIGHTS.values())
    channels = [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.IN_PERSON, Channel.LETTER, Channel.SOCIAL, Channel.API]
    channel_weights = [35, 25, 20, 8, 4, 4, 4]
    vulnerable = [v for v in VulnerableGroup.values if v]
    now = timezone.now()
    span = dt.timedelta(days=730)
    events_total = 0
    created = 0
    for size in _chunks(count, batch):
        with transaction.atomic():
            received = sorted(now - span * (rng.random() ** 1.3) for _ in range(size))
            # Reserve references year by year, with the same lock the services take.
            years: dict[int, int] = {}
            for at in received:
                years[at.astimezone(tz).year] = years.get(at.astimezone(tz).year, 0) + 1
            next_number: dict[int, int] = {}
            for year, n in years.items():
                counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
                next_number[year] = counter.last + 1
                counter.last += n
                counter.save(update_fields=["last"])
            complainants = []
            plans = []
            for at in received:
                english = rng.random() < 0.15
                if english:
                    name = rng.choice(EN_NAMES)
                else:
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                login = fold(name).replace(" ", ".")
                complainants.append(
                    Complainant(
                        full_name=name,
                        email=f"{login}{rng.randrange(1000)}@example.vn" if rng.random() < 0.8 else "",
                        phone=f"09{rng.randrange(10**8):08d}",
                        address=f"{rng.randrange(1, 400)} {rng.choice(STREETS)}, {rng.choice(PLACES)}",
                        preferred_language="en" if english else "vi",
                        preferred_channel=rng.choice([Channel.EMAIL, Channel.PHONE]),
                        vulnerable_group=rng.choice(vulnerable) if rng.random() < 0.08 else "",
                    )
                )
                plans.append((at, english))
            Complainant.objects.bulk_create(complainants, batch_size=batch)
            complaints = []
            meta = []
            for (at, english), person in zip(plans, complainants, strict=True):
                year = at.astimezone(tz).year
                reference = f"{organisation.reference_prefix}-{year}-{next_number[year]:06d}"
                next_number[year] += 1
                topic = rng.choice(TOPICS)
                age_days = (now - at).days
                state = rng.choices(states, weights)[0] if age_days > 60 else rng.choice(states[:10])
                channel = rng.choices(channels, channel_weights)[0]
                unit = rng.choice(units)
                safety = topic[0] == "safety"
                severity = Severity.HIGH if safety else rng.choice([Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH])
                amount = Decimal(rng.randrange(1, 400) * 50_000) if rng.random() < 0.6 else None
                subject, description = (topic[3], topic[4]) if english else (topic[1], topic[2])
                complaint = Complaint(
                    reference=reference,
                    # Demo complaints are reached through the back office: their codes are never shown.
                    tracking_code_hash=tracking_code_hash(reference, f"seed-{rng.random()}"),
                    status=state,
                    channel=channel,
                    received_at=at,
                    received_by=rng.choice(frontline) if channel in (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER) else None,
                    language="en" if english else "vi",
                    complainant=person,
                    subject=subject,
                    description=description,
                    occurred_on=(at - dt.timedelta(days=rng.randrange(0, 20))).astimezone(tz).date(),
                    category=categories.get(topic[0]),
                    product=rng.choice(products) if products else None,
                    order_ref=f"DH{rng.randrange(10**7):07d}" if rng.random() < 0.7 else "",
                    remedy_requested=("Refund" if english else "Hoàn tiền") if amount else "",
                    amount_claimed=amount,
                    currency=organisation.currency,
                    is_negotiation_request=rng.random() < 0.1,
                    health_safety=safety,
                    severity=severity,
                    priority=Priority.URGENT if safety else (Priority.HIGH if person.vulnerable_group else rng.choice([Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH])),
                    is_significant=safety or severity in (Severity.HIGH, Severity.CRITICAL) or bool(person.vulnerable_group),
                    unit=unit,
                    owner=rng.choice(handlers) if state not in (Status.RECEIVED,) and rng.random() < 0.9 else None,
                )
                complaint.search_text = fold(
                    " ".join(filter(None, [reference, person.full_name, person.email, person.phone, subject, description, complaint.order_ref]))
                )
                complaints.append(complaint)
                meta.append(state)
            # The lifecycle sets the complaints' stage times, so it runs before their insert.
            events, decisions, remedies_for, messages, referrals = _lifecycle_rows(
                complaints, meta, rng, handlers, managers, now
            )
            Complaint.objects.bulk_create(complaints, batch_size=batch)
            Decision.objects.bulk_create(decisions, batch_size=batch)
            Remedy.objects.bulk_create([build(d) for d, build in remedies_for], batch_size=batch)
            Message.objects.bulk_create(messages, batch_size=batch)
            ExternalReferral.objects.bulk_create(referrals, batch_size=batch)
            ComplaintEvent.objects.bulk_create(events, batch_size=batch)
            events_total += len(events)
            created += size
        if progress:
            progress(size)
    audit_record(
        actor=Actor.system("seed"),
        action="complaints.seed",
        target=organisation,
        target_label="seed",
        after={"complaints": count, "events": events_total},
    )
    return SeedResult(complaints=created, events=events_total, seconds=time.monotonic() - started)


def _lifecycle_rows(complaints, states, rng, handlers, managers, now):  # type: ignore[no-untyped-def]
    """The events, decisions, remedies, messages and referrals of each generated complaint."""
    events: list[ComplaintEvent] = []
    decisions: list[Decision] = []
    remedies_for: list[tuple[Decision, Callable[[Decision], Remedy]]] = []
    messages: list[Message] = []
    referrals: list[ExternalReferral] = []
    for complaint, state in zip(complaints, states, strict=True):
        at = complaint.received_at
        steps = _STEPS[state]
        # Spread the steps between receipt and now (or a few weeks for older complaints).
        room = min((now - at).total_seconds(), 40 * 86400)
        gaps = sorted(rng.random() * room for _ in steps)
        events.append(_event(complaint, at, Action.RECEIVE, "", Status.RECEIVED, Actor.channel(complaint.channel), complaint.channel))
        status = Status.RECEIVED
        decision: Decision | None = None
        handler = complaint.owner or rng.choice(handlers)
        manager = rng.choice(managers)
        for step, offset in zip(steps, gaps, strict=True):
            when = at + dt.timedelta(seconds=offset)
            action = _STEP_ACTION.get(step, step)
            new_status = _STEP_STATUS[step]
            who = Actor.for_user(manager if step in ("approve_decision", "refer_external") else handler)
            data: dict[str, object] = {}
            if step == "acknowledge":
                complaint.acknowledged_at = when
            elif step in ("assess", "not_accepted"):
                complaint.assessed_at = when
                complaint.classification = Classification.COMPLAINT if step == "assess" else Classification.NOT_A_COMPLAINT
                data = {"classification": complaint.classification}
            elif step == "propose_decision":
                amount = complaint.amount_claimed or Decimal(0)
                outcome = rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD])
                decision = Decision(
                    complaint=complaint, state=Decision.State.PROPOSED, outcome=outcome,
                    summary="Hoàn tiền cho khách hàng" if outcome != Outcome.NOT_UPHELD else "Giữ nguyên",
                    reasons="Đã xác minh với bộ phận liên quan.", proposed_by=handler, proposed_at=when,
                )
                decisions.append(decision)
                if outcome != Outcome.NOT_UPHELD:
                    remedy_amount = amount if outcome == Outcome.UPHELD else (amount / 2).quantize(Decimal(1))
                    remedies_for.append((decision, lambda d, a=remedy_amount: Remedy(decision=d, type=RemedyType.REFUND if a else RemedyType.APOLOGY, amount=a)))
                data = {"outcome": outcome}
            elif step == "approve_decision" and decision is not None:
                decision.state, decision.approved_by, decision.approved_at = Decision.State.APPROVED, manager, when
            elif step == "communicate_decision" and decision is not None:
                decision.state, decision.communicated_at, decision.communicated_via = Decision.State.COMMUNICATED, when, Channel.EMAIL
                complaint.decision_communicated_at = when
            elif step in ("accepted", "rejected") and decision is not None:
                decision.reaction = Reaction.ACCEPTED if step == "accepted" else Reaction.REJECTED
                decision.reaction_at = when
                data = {"reaction": decision.reaction}
            elif step == "refer_external":
                referrals.append(ExternalReferral(complaint=complaint, provider=rng.choice(EXTERNAL_BODIES), consent_at=when, referred_at=when, referred_by=manager))
            elif step == "settle_remedy":
                if decision is None or decision.outcome == Outcome.NOT_UPHELD:
                    continue  # nothing to settle
                for index, (d, build) in enumerate(remedies_for):
                    if d is decision:
                        remedies_for[index] = (d, lambda dd, b=build, w=when: _fulfilled(b(dd), w))
            elif step == "close":
                complaint.closed_at = when
            events.append(_event(complaint, when, action, status, new_status, who, ""))
            status = new_status
            data and events[-1].data.update(data)
        if rng.random() < 0.3:
            messages.append(Message(complaint=complaint, direction=Message.Direction.INTERNAL, author=handler, body="Đã gọi điện cho khách hàng để xác minh.", created_at=at + dt.timedelta(hours=2)))
    return events, decisions, remedies_for, messages, referrals


def _fulfilled(remedy: Remedy, when: dt.datetime) -> Remedy:
    remedy.fulfilled_at = when
    return remedy


def _event(complaint, at, action, from_status, to_status, actor, method):  # type: ignore[no-untyped-def]
    return ComplaintEvent(
        complaint=complaint, at=at, action=action, from_status=from_status, to_status=to_status,
        actor_kind=actor.kind, actor_label=actor.label, actor_user=actor.user, method=method,
        data={}, visible_to_complainant=action in VISIBLE_TO_COMPLAINANT,
    )
