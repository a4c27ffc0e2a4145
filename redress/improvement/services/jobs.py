"""What the worker runs every minute for continual improvement (``REDRESS_PERIODIC_JOBS``):
effectiveness checks that fell due, overdue CAPA escalated through the escalation ladder, and
once a week the scan of the control charts for signals that open systemic issues."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics import spc
from redress.analytics.cohort import organisation_zone
from redress.analytics.control import BASELINE_WEEKS
from redress.complaints.models import Category, Complaint, Status
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.improvement.models import Capa, CapaEscalation, CapaStatus, IssueSource, SpcScan
from redress.improvement.models.capa import WORK_STATUSES
from redress.improvement.services.capa import capa_check
from redress.improvement.services.common import event_record
from redress.improvement.services.systemic import _open_once
from redress.integrations.models import EventType
from redress.integrations.services import webhooks_publish
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.models import EscalationLevel
from redress.sla.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

# Weeks shown to the scan: the first ``BASELINE_WEEKS`` give the limits, as on the charts.
SPC_WEEKS = 26
# A week needs at least this many complaints of a category to open an issue.
SPC_MIN_COUNT = 2


def capa_checks_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Start the effectiveness check of every implemented CAPA whose window has passed."""
    now = now or timezone.now()
    system = Actor.system("capa-checks")
    ids = list(
        Capa.objects.filter(status=CapaStatus.IMPLEMENTED, check_due_at__lte=now)
        .order_by("check_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        try:
            capa_check(capa=Capa(pk=pk), actor=system, now=now)
        except Exception:
            logger.exception("effectiveness check of CAPA %s failed", pk)
    return len(ids)


def _audience(capa: Capa, audience: str) -> list[User]:
    """The people of one escalation level for a CAPA (the levels of the SLA ladder)."""
    if audience == EscalationLevel.Audience.OWNER and capa.owner.is_active:
        return [capa.owner]
    if audience in (EscalationLevel.Audience.OWNER, EscalationLevel.Audience.UNIT_MANAGERS):
        for unit_id in unit_ancestor_ids(capa.unit_id):
            if managers := users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[unit_id]):
                return managers
        return []
    if audience == EscalationLevel.Audience.ORGANISATION_MANAGERS:
        top_unit = unit_ancestor_ids(capa.unit_id)[-1]
        return users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[top_unit]) or users_with_role(
            Role.COMPLAINTS_MANAGER
        )
    if audience == EscalationLevel.Audience.TOP_MANAGEMENT:
        return users_with_role(Role.TOP_MANAGEMENT)
    return []


def _escalate(capa: Capa, level: EscalationLevel, now: dt.datetime) -> bool:
    assert capa.due_at is not None
    recipients = _audience(capa, level.audience)
    try:
        with transaction.atomic():
            CapaEscalation.objects.create(
                capa=capa,
                level=level.level,
                due_at=capa.due_at,
                audience=level.audience,
                recipients=[user.pk for user in recipients],
                sent_at=now,
            )
            first = (
                not CapaEscalation.objects.filter(capa=capa, due_at=capa.due_at)
                .exclude(level=level.level)
                .exists()
            )
            event_record(
                actor=Actor.system("capa-overdue"),
                action="capa_overdue",
                target=capa,
                label=capa.reference,
                capa=capa,
                data={"level": level.level, "audience": level.audience, "due_at": capa.due_at},
                at=now,
            )
            notify_users(
                users=recipients,
                kind=Notification.Kind.CAPA_OVERDUE,
                dedupe_key=f"capa-overdue:{capa.pk}:{level.level}:{int(capa.due_at.timestamp())}",
                target=(Notification.Target.CAPA, capa.pk, f"{capa.reference} {capa.title}"),
            )
            if first:
                webhooks_publish(
                    EventType.CAPA_OVERDUE,
                    None,
                    {
                        "capa": {
                            "reference": capa.reference,
                            "title": capa.title,
                            "status": capa.status,
                            "type": capa.type,
                            "unit": capa.unit.code,
                            "due_at": capa.due_at,
                            "api_url": f"/api/v1/capa/{capa.pk}",
                        }
                    },
                )
    except IntegrityError:
        return False  # another worker sent it first
    return True


def capa_overdue_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Tell each level of the escalation ladder (``sla.EscalationLevel``, those told of missed
    deadlines) once that a CAPA is past its due date, ``after_hours`` working hours after it
    for each level, and only during the working hours of the CAPA unit's calendar (never at
    night, unless the calendar is 24/7). The first notice of a due date also publishes the
    ``capa.overdue`` webhook. Returns how many notices were sent."""
    now = now or timezone.now()
    levels = list(EscalationLevel.objects.filter(is_active=True, breach=True).order_by("level"))
    if not levels:
        return 0
    overdue = (
        Capa.objects.filter(status__in=WORK_STATUSES, due_at__lt=now)
        .select_related("owner", "unit")
        .order_by("due_at")[:limit]
    )
    sent_before = set(
        CapaEscalation.objects.filter(capa__in=[c.pk for c in overdue]).values_list(
            "capa_id", "level", "due_at"
        )
    )
    sent = 0
    for capa in overdue:
        assert capa.due_at is not None
        calendar = calendar_for_unit(capa.unit_id)
        if not (calendar.always_open or calendar.is_working_instant(now)):
            continue
        for level in levels:
            if (capa.pk, level.level, capa.due_at) in sent_before:
                continue
            when = (
                calendar.add_working_time(capa.due_at, dt.timedelta(hours=level.after_hours))
                if level.after_hours
                else capa.due_at
            )
            if when <= now and _escalate(capa, level, now):
                sent += 1
    return sent


def _weeks(now: dt.datetime) -> list[dt.date]:
    """The Mondays of the last ``SPC_WEEKS`` whole weeks before now, oldest first."""
    today = now.astimezone(organisation_zone()).date()
    last = today - dt.timedelta(days=today.weekday() + 7)
    return [last - dt.timedelta(weeks=n) for n in range(SPC_WEEKS - 1, -1, -1)]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def systemic_spc_scan(*, now: dt.datetime | None = None) -> int:
    """Once a week, chart the complaints per week of the organisation and of each category
    (c-charts, limits from the first ``BASELINE_WEEKS`` weeks, ``analytics.spc``), and open a
    systemic issue for each chart whose last whole week is part of a signal above the centre
    line (at least ``SPC_MIN_COUNT`` complaints that week), with that week's complaints.
    Deduplicated like the rules: one open issue per chart. Returns how many issues opened."""
    now = now or timezone.now()
    weeks = _weeks(now)
    zone = organisation_zone()
    last = weeks[-1]
    if SpcScan.objects.filter(week=last).exists():
        return 0  # this week is scanned already (the job runs every minute)
    try:
        with transaction.atomic():
            scan = SpcScan.objects.create(week=last, scanned_at=now)
    except IntegrityError:
        return 0  # another worker scanned it meanwhile
    start = dt.datetime.combine(weeks[0], dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=7), dt.time.min, tzinfo=zone)
    counted = Complaint.objects.exclude(status__in=(Status.NOT_ACCEPTED, Status.WITHDRAWN)).filter(
        received_at__gte=start, received_at__lt=end
    )
    rows = (
        counted.annotate(week=TruncWeek("received_at", tzinfo=zone))
        .values("week", "category_id")
        .annotate(n=Count("pk"))
    )
    index = {week: i for i, week in enumerate(weeks)}
    series: dict[int | None, list[int]] = {0: [0] * len(weeks)}
    for row in rows:
        i = index.get(_as_date(row["week"]))
        if i is None:
            continue
        series[0][i] += row["n"]
        if row["category_id"] is not None:
            series.setdefault(row["category_id"], [0] * len(weeks))[i] += row["n"]
    labels = [f"{w:%d/%m/%Y}" for w in weeks]
    baseline = (0, min(len(weeks), BASELINE_WEEKS))
    opened = 0
    system = Actor.system("spc-scan")
    names = dict(
        Category.objects.filter(pk__in=[k for k in series if k]).values_list("pk", "name_vi")
    )
    for key, counts in series.items():
        if not sum(counts[: baseline[1]]) or counts[-1] < SPC_MIN_COUNT:
            continue
        chart = spc.c_chart(labels, counts, baseline=baseline)
        fired = [s for s in chart.signals if s.side == spc.ABOVE and len(weeks) - 1 in s.indexes]
        if not fired:
            continue
        week_complaints = counted.filter(
            received_at__gte=dt.datetime.combine(last, dt.time.min, tzinfo=zone)
        )
        if key:
            week_complaints = week_complaints.filter(category_id=key)
        what = names.get(key, "") if key else _("all complaints")
        issue = _open_once(
            actor=system,
            title=_("Control chart signal in the week of %(week)s: %(what)s")
            % {"week": f"{last:%d/%m/%Y}", "what": what},
            source=IssueSource.SPC,
            complaints=list(week_complaints.only("pk")),
            scope_key=f"spc:volume:category:{key}" if key else "spc:volume:all",
            dimension="category" if key else "",
            category=Category.objects.get(pk=key) if key else None,
            evidence={
                "chart": "c",
                "week": last,
                "count": counts[-1],
                "centre": round(chart.points[-1].centre, 3),
                "ucl": round(chart.points[-1].ucl or 0, 3),
                "rules": sorted({s.rule for s in fired}),
                "descriptions": [str(s.description) for s in fired],
            },
        )
        if issue is not None:
            opened += 1
    SpcScan.objects.filter(pk=scan.pk).update(opened=opened)
    return opened


def improvement_sweep() -> int:
    """The periodic job: effectiveness checks due, overdue CAPA, the weekly chart scan."""
    done = 0
    for job in (capa_checks_due, capa_overdue_sweep, systemic_spc_scan):
        try:
            done += job()
        except Exception:
            logger.exception("improvement job %s failed", job.__name__)
    return done
