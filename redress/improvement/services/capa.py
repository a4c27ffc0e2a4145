"""Corrective and preventive actions (ISO 10002 8.7): opening, planning with a working-day due
date from the SLA calendar, tasks, implementation, the effectiveness check and its
verification, and reopening. The lifecycle is ``transitions.CAPA_TRANSITIONS``; every step
writes its event and audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from redress.audit.services import jsonable
from redress.complaints.models import Category, Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.improvement.effectiveness import recurrence
from redress.improvement.models import (
    Capa,
    CapaSource,
    CapaStatus,
    CapaTask,
    CapaType,
    Cause,
    SystemicIssue,
)
from redress.improvement.selectors import may
from redress.improvement.services.common import (
    allowed,
    choice_check,
    event_record,
    linkable_check,
    required,
)
from redress.improvement.services.systemic import issue_capa_closed, issue_capa_opened
from redress.improvement.transitions import (
    CAPA_ACTION_PERMISSION,
    CapaAction,
    Permission,
    capa_transition_check,
)
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.selectors import calendar_for_unit

MAX_WORKING_DAYS = 1000


def check_window_default() -> int:
    return int(getattr(settings, "REDRESS_CAPA_CHECK_DAYS", 90))


def _lock(capa: Capa) -> Capa:
    return Capa.objects.select_for_update().get(pk=capa.pk)


def _may_step(capa: Capa, actor: Actor, action: str) -> None:
    """Refuse a person who may not take ``action`` on the CAPA before its state is looked at,
    so a refusal by role (403) says nothing about where the CAPA is in its lifecycle."""
    allowed(actor, CAPA_ACTION_PERMISSION[action], unit_id=capa.unit_id, owner_id=capa.owner_id)


def _step(
    capa: Capa,
    actor: Actor,
    action: str,
    *,
    target: str | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    before: dict[str, Any] | None = None,
) -> Capa:
    """Check the lifecycle table and the role matrix, move the CAPA, record the step. The
    caller has changed the other fields of the locked ``capa`` already."""
    allowed(actor, CAPA_ACTION_PERMISSION[action], unit_id=capa.unit_id, owner_id=capa.owner_id)
    from_status = capa.status
    capa.status = capa_transition_check(from_status, action, target)
    capa.save()
    event_record(
        actor=actor,
        action=f"capa_{action}",
        target=capa,
        label=capa.reference,
        capa=capa,
        from_status=from_status,
        to_status=capa.status,
        data=data,
        before=before,
        at=at,
    )
    return capa


def _owner_check(owner: User, unit_id: int) -> None:
    if not owner.is_active or not (
        may(owner, Permission.CAPA_WORK, unit_id=unit_id)
        or may(owner, Permission.INVESTIGATE, unit_id=unit_id)
    ):
        raise ValidationFailed(
            _("This person cannot own the CAPA."),
            fields={"owner": [_("Choose an active handler or complaints manager of the unit.")]},
        )


@transaction.atomic
def capa_open(
    *,
    actor: Actor,
    title: str,
    type: str,
    source: str,
    owner: User,
    unit: OrgUnit,
    source_complaint: Complaint | None = None,
    source_issue: SystemicIssue | None = None,
    source_note: str = "",
    cause: Cause | None = None,
    category: Category | None = None,
    check_window_days: int | None = None,
    complaints: Sequence[Complaint] = (),
) -> Capa:
    """Open a CAPA as a draft (complaints managers, top management). Its source is a complaint
    or a systemic issue (which must be given), or an audit finding, a management-review
    decision or a suggestion (described in ``source_note``). The root cause and category come
    from the source when not given; they are what the effectiveness check compares. Opening one
    from an open systemic issue records the issue's decision, "corrective action opened"."""
    allowed(actor, Permission.CAPA_OPEN, unit_id=unit.pk)
    required({"title": title})
    choice_check("type", type, CapaType)
    choice_check("source", source, CapaSource)
    if source == CapaSource.COMPLAINT and source_complaint is None:
        raise ValidationFailed(
            _("Name the complaint this action comes from."),
            fields={"source_complaint": [_("This field is required.")]},
        )
    if source == CapaSource.SYSTEMIC_ISSUE and source_issue is None:
        raise ValidationFailed(
            _("Name the systemic issue this action comes from."),
            fields={"source_issue": [_("This field is required.")]},
        )
    if source not in (CapaSource.COMPLAINT, CapaSource.SYSTEMIC_ISSUE):
        required({"source_note": source_note})
    window = check_window_default() if check_window_days is None else check_window_days
    if window < 1 or window > 3660:
        raise ValidationFailed(
            _("The effectiveness window must be between 1 and 3,660 days."),
            fields={"check_window_days": [_("Enter a number of days from 1 to 3,660.")]},
        )
    _owner_check(owner, unit.pk)
    linked = list(complaints)
    if source_complaint is not None:
        investigation = getattr(source_complaint, "investigation", None)
        cause = cause or (investigation.root_cause if investigation else None)
        category = category or source_complaint.category
        linked.append(source_complaint)
    if source_issue is not None:
        cause = cause or source_issue.cause
        category = category or source_issue.category
        linked += list(source_issue.complaints.all())
    linkable_check(actor, complaints)
    now = timezone.now()
    capa = Capa.objects.create(
        title=title.strip()[:300],
        type=type,
        source=source,
        source_complaint=source_complaint if source == CapaSource.COMPLAINT else None,
        source_issue=source_issue if source == CapaSource.SYSTEMIC_ISSUE else None,
        source_note=source_note.strip(),
        owner=owner,
        unit=unit,
        cause=cause,
        category=category,
        check_window_days=window,
        created_at=now,
        created_by_label=actor.label[:150],
    )
    if linked:
        capa.complaints.add(*{c.pk for c in linked})
    event_record(
        actor=actor,
        action="capa_open",
        target=capa,
        label=capa.reference,
        capa=capa,
        complaint=source_complaint,
        issue=source_issue,
        to_status=capa.status,
        data={
            "type": type,
            "source": source,
            "owner": owner.pk,
            "unit": unit.pk,
            "cause": cause.pk if cause else None,
            "category": category.pk if category else None,
            "complaints": sorted({c.pk for c in linked}),
        },
        at=now,
    )
    if capa.source_issue is not None:
        issue_capa_opened(capa.source_issue, actor)
    return capa


@transaction.atomic
def capa_plan(*, capa: Capa, actor: Actor, plan: str, due_working_days: int) -> Capa:
    """Write (or rewrite) the plan and set the due date: ``due_working_days`` working days from
    today on the calendar of the CAPA's unit (Civil Code count, as every deadline). A CAPA
    without a plan cannot be planned, so it cannot start."""
    capa = _lock(capa)
    _may_step(capa, actor, CapaAction.PLAN)
    capa_transition_check(capa.status, CapaAction.PLAN)
    required({"plan": plan})
    if not 1 <= due_working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed(
            _("The time to complete must be between 1 and %(max)d working days.")
            % {"max": MAX_WORKING_DAYS},
            fields={"due_working_days": [_("Enter a number of working days.")]},
        )
    now = timezone.now()
    before = {"plan_set": bool(capa.plan), "due_at": capa.due_at}
    capa.plan = plan.strip()
    capa.due_working_days = due_working_days
    capa.due_at = calendar_for_unit(capa.unit_id).add_working_days(now, due_working_days)
    capa.planned_at = now
    return _step(
        capa,
        actor,
        CapaAction.PLAN,
        data={"due_working_days": due_working_days, "due_at": capa.due_at},
        before=before,
        at=now,
    )


@transaction.atomic
def capa_start(*, capa: Capa, actor: Actor) -> Capa:
    """Start the planned work (the owner, or a complaints manager of the unit)."""
    capa = _lock(capa)
    _may_step(capa, actor, CapaAction.START)
    capa_transition_check(capa.status, CapaAction.START)
    if not capa.plan.strip():
        raise ValidationFailed(
            _("A CAPA without a plan cannot start."), fields={"plan": [_("Write the plan first.")]}
        )
    capa.started_at = timezone.now()
    return _step(capa, actor, CapaAction.START)


@transaction.atomic
def capa_implement(*, capa: Capa, actor: Actor) -> Capa:
    """The work is done: the effectiveness check falls due after the CAPA's window."""
    capa = _lock(capa)
    now = timezone.now()
    capa.implemented_at = now
    capa.check_due_at = now + dt.timedelta(days=capa.check_window_days)
    return _step(
        capa, actor, CapaAction.IMPLEMENT, data={"check_due_at": capa.check_due_at}, at=now
    )


def _verifiers(capa: Capa) -> list[User]:
    managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(capa.unit_id))
    return [user for user in managers if user.pk != capa.owner_id]


@transaction.atomic
def capa_check(*, capa: Capa, actor: Actor, now: dt.datetime | None = None) -> Capa:
    """Compute the recurrence once the window after implementation has passed
    (``effectiveness.recurrence``), store the figures and the proposal, and ask the unit's
    complaints managers (not the owner) to verify. Run by the periodic job, or by a verifier.
    Refused before the window ends, naming the date."""
    capa = _lock(capa)
    now = now or timezone.now()
    _may_step(capa, actor, CapaAction.CHECK)
    capa_transition_check(capa.status, CapaAction.CHECK)
    assert capa.check_due_at is not None
    if now < capa.check_due_at:
        when = formats.date_format(timezone.localtime(capa.check_due_at), "DATE_FORMAT")
        raise Conflict(
            _("The effectiveness window ends on %(date)s; check after it.") % {"date": when}
        )
    found = recurrence(capa)
    capa.check_figures = jsonable(found.as_data())
    capa.proposed_effective = found.proposed_effective
    _step(capa, actor, CapaAction.CHECK, data={"figures": capa.check_figures}, at=now)
    notify_users(
        users=_verifiers(capa),
        kind=Notification.Kind.CAPA_VERIFY,
        dedupe_key=f"capa-verify:{capa.pk}:{capa.reopen_count}",
        target=(Notification.Target.CAPA, capa.pk, f"{capa.reference} {capa.title}"),
    )
    return capa


@transaction.atomic
def capa_verify(*, capa: Capa, actor: Actor, effective: bool, reason: str = "") -> Capa:
    """The verifier's conclusion on the effectiveness check. The verifier is never the owner.
    Agreeing with the proposal needs no reason; overriding it (or concluding where nothing
    could be proposed) does. Effective closes the CAPA, which needs every task done, and
    closes its systemic issue when no other CAPA of it is open; not effective reopens it."""
    capa = _lock(capa)
    allowed(actor, Permission.CAPA_VERIFY, unit_id=capa.unit_id)
    capa_transition_check(capa.status, CapaAction.VERIFY)
    if actor.user_id is not None and actor.user_id == capa.owner_id:
        raise ValidationFailed(
            _("The owner of a CAPA cannot verify it; another person must."),
            fields={"verifier": [_("Someone other than the owner must verify.")]},
        )
    if capa.proposed_effective is None or effective != capa.proposed_effective:
        required({"reason": reason})
    if effective and capa.tasks.filter(done_at__isnull=True).exists():
        raise ValidationFailed(
            _("Every task must be done before the CAPA is closed."),
            fields={"tasks": [_("Some tasks are not done.")]},
        )
    now = timezone.now()
    capa.verifier = actor.user
    capa.verified_at = now
    capa.effective = effective
    capa.verification_reason = reason.strip()
    data: dict[str, Any] = {
        "effective": effective,
        "proposed_effective": capa.proposed_effective,
        "overridden": capa.proposed_effective is not None and effective != capa.proposed_effective,
        "reason": capa.verification_reason,
    }
    if effective:
        capa.closed_at = now
        capa.closed_on_time = (
            capa.due_at is None
            or capa.implemented_at is not None
            and capa.implemented_at <= capa.due_at
        )
        target = CapaStatus.CLOSED
    else:
        capa.reopen_count += 1
        target = CapaStatus.REOPENED
    _step(capa, actor, CapaAction.VERIFY, target=target, data=data, at=now)
    if effective and capa.source_issue_id is not None:
        issue_capa_closed(capa.source_issue_id, actor)
    return capa


@transaction.atomic
def capa_reopen(*, capa: Capa, actor: Actor, reason: str) -> Capa:
    """A closed CAPA changes only by reopening, with a reason (complaints managers, top
    management). It is planned again from there."""
    capa = _lock(capa)
    _may_step(capa, actor, CapaAction.REOPEN)
    capa_transition_check(capa.status, CapaAction.REOPEN)
    required({"reason": reason})
    before = {"closed_at": capa.closed_at, "effective": capa.effective}
    capa.reopen_count += 1
    capa.closed_at = None
    capa.closed_on_time = None
    capa.effective = None
    return _step(capa, actor, CapaAction.REOPEN, data={"reason": reason.strip()}, before=before)


def _not_closed(capa: Capa) -> None:
    if capa.status == CapaStatus.CLOSED:
        raise Conflict(_("A closed CAPA is changed only by reopening it, with a reason."))


@transaction.atomic
def capa_task_add(
    *, capa: Capa, actor: Actor, title: str, owner: User, due_on: dt.date
) -> CapaTask:
    """Add a task to the plan (the owner, or a complaints manager of the unit), with its owner
    and due date (not in the past)."""
    capa = _lock(capa)
    allowed(actor, Permission.CAPA_PLAN, unit_id=capa.unit_id, owner_id=capa.owner_id)
    _not_closed(capa)
    required({"title": title})
    if due_on < timezone.localdate():
        raise ValidationFailed(
            _("The due date cannot be in the past."),
            fields={"due_on": [_("The due date cannot be in the past.")]},
        )
    if not owner.is_active:
        raise ValidationFailed(
            _("This person's account is not active."),
            fields={"owner": [_("This person's account is not active.")]},
        )
    task = CapaTask.objects.create(capa=capa, title=title.strip()[:300], owner=owner, due_on=due_on)
    event_record(
        actor=actor,
        action="capa_task_add",
        target=capa,
        label=capa.reference,
        capa=capa,
        data={"task": task.pk, "owner": owner.pk, "due_on": due_on},
    )
    return task


@transaction.atomic
def capa_task_done(*, task: CapaTask, actor: Actor) -> CapaTask:
    """Mark a task done (its owner, the CAPA's owner, or a complaints manager of the unit).
    Marking it twice changes nothing."""
    task = CapaTask.objects.select_for_update().select_related("capa").get(pk=task.pk)
    capa = task.capa
    if actor.user_id != task.owner_id:
        allowed(actor, Permission.CAPA_WORK, unit_id=capa.unit_id, owner_id=capa.owner_id)
    _not_closed(capa)
    if task.done_at is not None:
        return task
    task.done_at = timezone.now()
    task.done_by_label = actor.label[:150]
    task.save(update_fields=["done_at", "done_by_label"])
    event_record(
        actor=actor,
        action="capa_task_done",
        target=capa,
        label=capa.reference,
        capa=capa,
        data={"task": task.pk},
        at=task.done_at,
    )
    return task


@transaction.atomic
def capa_link_complaint(*, capa: Capa, actor: Actor, complaint: Complaint) -> Capa:
    """Link a complaint to a CAPA ("link to CAPA" from the complaint): the person must see the
    complaint and may carry out the CAPA. Linking twice changes nothing."""
    capa = _lock(capa)
    allowed(actor, Permission.CAPA_WORK, unit_id=capa.unit_id, owner_id=capa.owner_id)
    _not_closed(capa)
    linkable_check(actor, [complaint], one=True)
    if capa.complaints.filter(pk=complaint.pk).exists():
        return capa
    capa.complaints.add(complaint)
    event_record(
        actor=actor,
        action="capa_link",
        target=capa,
        label=capa.reference,
        capa=capa,
        complaint=complaint,
        data={"complaint": complaint.pk},
    )
    return capa
