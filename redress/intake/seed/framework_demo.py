"""The demo's management system: a policy approved by top management, the standard
responsibility matrix and objectives measured from the demo's complaints (once)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.models import Objective, PolicyVersion, Responsibility
from redress.framework.services.objectives import objective_create, objective_measure
from redress.framework.services.policy import policy_approve, policy_draft
from redress.framework.services.responsibility import responsibility_standard

POLICY_TITLE = "Chính sách xử lý khiếu nại"
POLICY_TITLE_EN = "Complaints-handling policy"
POLICY_TEXT = """Chúng tôi coi mỗi khiếu nại là cơ hội để cải tiến.
Mọi khiếu nại được tiếp nhận miễn phí qua mọi kênh và được xác nhận ngay.
Chúng tôi trả lời trong thời hạn luật định (7 ngày làm việc theo Luật Bảo vệ quyền lợi người tiêu dùng 2023) hoặc sớm hơn.
Người xử lý khiếu nại độc lập với sự việc bị khiếu nại và được đào tạo.
Dữ liệu cá nhân của người khiếu nại chỉ được dùng để giải quyết khiếu nại.
Lãnh đạo xem xét kết quả xử lý khiếu nại định kỳ và cải tiến quy trình."""
POLICY_TEXT_EN = """We treat every complaint as a chance to improve.
Every complaint is received free of charge through any channel and acknowledged at once.
We answer within the legal time limit (7 working days under the 2023 Consumer Protection Law) or sooner.
Complaint handlers are independent of the matter complained about, and trained.
Complainants' personal data is used only to resolve their complaint.
Top management reviews complaints handling regularly and improves the process."""


def demo_management_system(users: dict[str, User]) -> None:
    manager = Actor.for_user(users["quanly"])
    today = timezone.localdate()
    if not PolicyVersion.objects.exists():
        version = policy_draft(
            actor=manager,
            title=POLICY_TITLE,
            title_en=POLICY_TITLE_EN,
            text=POLICY_TEXT,
            text_en=POLICY_TEXT_EN,
            change_summary="Phiên bản đầu tiên.",
        )
        policy_approve(
            actor=Actor.for_user(users["lanhdao"]), version=version, effective_from=today
        )
    if not Responsibility.objects.exists():
        responsibility_standard(actor=manager, on=dt.date(today.year, 1, 1))
    if not Objective.objects.exists():
        year = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        for title, title_en, kpi, target in (
            ("Xác nhận đúng hạn", "Acknowledged on time", "ack_on_time_pct", "95"),
            ("Giải quyết đúng hạn", "Resolved on time", "close_on_time_pct", "90"),
            (
                "Hài lòng với việc xử lý",
                "Satisfied with the handling",
                "satisfaction_top2_pct",
                "80",
            ),
        ):
            objective = objective_create(
                actor=manager,
                title=title,
                title_en=title_en,
                owner=users["quanly"],
                kpi=kpi,
                target=target,
                period_start=year[0],
                period_end=year[1],
                frequency="quarterly",
            )
            objective_measure(actor=manager, objective=objective, on=today)
