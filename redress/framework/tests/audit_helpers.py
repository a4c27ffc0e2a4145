"""Test helpers for internal audits: a team with a second, independent auditor, closed
complaints of a unit, and an audit planned by the team's manager."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.complaints.models import Complaint, Status
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.framework.models import Audit
from redress.framework.services.audits import audit_plan, audit_start
from redress.handling.testing import Team, receive

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def auditor(team: Team) -> User:
    """An auditor of another unit (independent of the team's)."""
    return staff(Role.AUDITOR, UnitFactory.create())


def closed_complaints(
    team: Team, count: int, *, closed_on: dt.date = dt.date(2026, 3, 2)
) -> list[int]:
    """``count`` complaints of the team's unit, closed on ``closed_on`` (set directly: only the
    audit's population is under test)."""
    ids = [receive(team, subject=f"Khiếu nại số {n}").complaint.pk for n in range(count)]
    closed_at = dt.datetime.combine(closed_on, dt.time(10), tzinfo=timezone.get_current_timezone())
    Complaint.objects.filter(pk__in=ids).update(
        status=Status.CLOSED, closed_at=closed_at, owner=None
    )
    return ids


def planned(team: Team, auditors: list[User], **kwargs: object) -> Audit:
    values: dict[str, object] = {
        "actor": Actor.for_user(team.manager),
        "title": "Đánh giá nội bộ quy trình xử lý khiếu nại",
        "unit": team.unit,
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "planned_on": dt.date(2026, 9, 15),
        "risk_level": "high",
        "rationale": "Nhiều khiếu nại quá hạn trong quý trước",
        "auditors": auditors,
    }
    values.update(kwargs)
    return audit_plan(**values)  # type: ignore[arg-type]


def started(team: Team, person: User, **kwargs: object) -> Audit:
    audit = planned(team, [person], **kwargs)
    return audit_start(audit=audit, actor=Actor.for_user(person))
