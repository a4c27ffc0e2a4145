"""Evaluators of the management framework (ISO 10002 5, 6, 8.5, 8.6): the policy, the
responsibility matrix, objectives, training, internal audits and management reviews, read
through ``framework``'s selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from redress.certification.evaluation import (
    Context,
    Evaluation,
    Fact,
    Reason,
    below,
    evaluator,
    evidenced,
    missing,
    page,
    weak,
)
from redress.core.roles import Role
from redress.framework.models import Audit, AuditStatus, ObjectiveResult
from redress.framework.models.review import ManagementReview, ReviewStatus
from redress.framework.selectors_objectives import objectives_active
from redress.framework.selectors_policy import policy_current, staff_active, staff_not_acknowledged
from redress.framework.selectors_responsibility import (
    responsibility_matrix,
    steps_without_accountable,
)
from redress.framework.selectors_training import courses_required, people_with_role, trained_count

MONTH_DAYS = 30


@evaluator("policy_current")
def policy_current_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """An approved policy in force, approved by top management within ``max_age_months``."""
    source = page("policy", _("Policy"))
    version = policy_current(ctx.today)
    if version is None:
        fix = page("policy_draft", _("Draft and approve the policy"))
        return missing(_("No approved policy is in force."), fix, source=source)
    approved = version.approved_at or version.drafted_at
    facts = (
        Fact(_("Version in force"), version.number),
        Fact(_("Approved on"), approved.astimezone(ctx.zone).date()),
        Fact(_("In effect from"), version.effective_from),
    )
    max_days = int(params.get("max_age_months", 12)) * MONTH_DAYS
    if ctx.days_since(approved) > max_days:
        fix = page("policy_draft", _("Review the policy and approve a new version"))
        gap = _("The policy in force was approved more than %(months)s months ago.") % {
            "months": params.get("max_age_months", 12)
        }
        return weak(Reason.STALE, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("policy_read")
def policy_read_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """The share of active staff who have read the policy in force, against ``target_pct``."""
    source = page("policy", _("Policy"))
    version = policy_current(ctx.today)
    if version is None:
        return missing(_("No approved policy is in force."), page("policy_draft", _("Policy")))
    staff = staff_active().count()
    unread = staff_not_acknowledged(version).count()
    share = round(100 * (staff - unread) / staff, 1) if staff else None
    facts = (Fact(_("Staff"), staff), Fact(_("Have read it (%)"), share))
    target = params.get("target_pct", 90)
    if share is None or below(share, target):
        gap = _("Fewer than %(target)s%% of the staff have read the policy in force.") % {
            "target": target
        }
        return weak(Reason.BELOW_TARGET, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("responsibilities_assigned")
def responsibilities_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Every process step has exactly one accountable role in the matrix in force."""
    source = page("responsibilities", _("Responsibilities"))
    matrix = responsibility_matrix(ctx.today)
    assigned = [row for row in matrix if any(row.parts.values())]
    if not assigned:
        gap = _("No responsibility is assigned for the process steps.")
        return missing(gap, page("responsibilities", _("Assign responsibilities")))
    without = steps_without_accountable(matrix)
    facts = (
        Fact(_("Steps with responsibilities"), len(assigned)),
        Fact(_("Steps without one accountable role"), len(without)),
    )
    if without:
        gap = _("Some process steps have no single accountable role: %(steps)s.") % {
            "steps": ", ".join(row.label for row in without)
        }
        return weak(Reason.GAP_IN_PERIOD, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("objectives_measured")
def objectives_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Active objectives, each with a result measured within ``max_age_days``; weak when
    some were not measured for that long."""
    source = page("objectives", _("Objectives"))
    since = ctx.today - dt.timedelta(days=int(params.get("max_age_days", 100)))
    recent = ObjectiveResult.objects.filter(objective=OuterRef("pk"), measured_on__gte=since)
    active = objectives_active().annotate(measured=Exists(recent))
    total = active.count()
    if not total:
        return missing(_("No objective is set."), page("objective_new", _("Set an objective")))
    measured = active.filter(measured=True).count()
    facts = (Fact(_("Active objectives"), total), Fact(_("Measured recently"), measured))
    if measured < total:
        gap = _("%(count)s objectives have no result for more than %(days)s days.") % {
            "count": total - measured,
            "days": params.get("max_age_days", 100),
        }
        return weak(Reason.STALE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("training_current")
def training_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """The share of people holding ``role`` whose training in every course the role needs is
    current, against ``target_pct``."""
    role = params.get("role", Role.HANDLER)
    source = page("training", _("Training and competence"))
    if not courses_required(role):
        gap = _("No training course is required of the role.")
        return missing(gap, page("training_courses", _("Courses")), source=source)
    trained, total = trained_count(people_with_role(role, on=ctx.today), role, on=ctx.today)
    if not total:
        return missing(_("Nobody holds the role."), page("people", _("People")), source=source)
    share = round(100 * trained / total, 1)
    facts = (Fact(_("People in the role"), total), Fact(_("Training current (%)"), share))
    target = params.get("target_pct", 90)
    if below(share, target):
        gap = _("Fewer than %(target)s%% of the role's people have current training.") % {
            "target": target
        }
        fix = page("training_record_new", _("Record training"))
        return weak(Reason.BELOW_TARGET, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("internal_audit_held")
def internal_audit_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """An internal audit reported within ``max_age_months``, and no audit of the programme
    left planned past its date by more than ``grace_days``."""
    source = page("audits", _("Internal audits"))
    reported = Audit.objects.filter(status__in=(AuditStatus.REPORTED, AuditStatus.CLOSED))
    last = reported.exclude(reported_at=None).order_by("-reported_at").first()
    late_before = ctx.today - dt.timedelta(days=int(params.get("grace_days", 30)))
    late = Audit.objects.filter(status=AuditStatus.PLANNED, planned_on__lt=late_before).count()
    planned = Audit.objects.filter(status=AuditStatus.PLANNED, planned_on__gte=ctx.today).count()
    fix = page("audit_plan", _("Plan an internal audit"))
    if last is None:
        return missing(
            _("No internal audit has been reported."),
            fix,
            Fact(_("Audits planned"), planned),
            source=source,
        )
    assert last.reported_at is not None
    facts = (
        Fact(_("Last audit reported"), last.reported_at.astimezone(ctx.zone).date()),
        Fact(_("Audits planned ahead"), planned),
        Fact(_("Audits past their date"), late),
    )
    months = int(params.get("max_age_months", 12))
    if ctx.days_since(last.reported_at) > months * MONTH_DAYS:
        gap = _("No internal audit was reported in the last %(months)s months.") % {
            "months": months
        }
        return weak(Reason.STALE, gap, fix, *facts, source=source)
    if late:
        gap = _("Audits of the programme are past their planned date.")
        return weak(Reason.OVERDUE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("management_review_held")
def management_review_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """A management review held within ``max_age_months`` whose minutes are approved."""
    source = page("reviews", _("Management reviews"))
    fix = page("review_plan", _("Plan a management review"))
    held = ManagementReview.objects.filter(
        status__in=(ReviewStatus.HELD, ReviewStatus.MINUTES_APPROVED), review_date__lte=ctx.today
    ).order_by("-review_date")
    last = held.first()
    if last is None:
        return missing(_("No management review has been held."), fix, source=source)
    facts = (
        Fact(_("Last review"), last.review_date),
        Fact(_("Reviews held"), held.count()),
    )
    months = int(params.get("max_age_months", 12))
    if ctx.days_since(last.review_date) > months * MONTH_DAYS + 5:
        gap = _("No management review was held in the last %(months)s months.") % {"months": months}
        return weak(Reason.STALE, gap, fix, *facts, source=source)
    if last.status != ReviewStatus.MINUTES_APPROVED:
        gap = _("The minutes of the last management review are not approved.")
        fix = page("review", _("Approve the minutes"), last.pk)
        return weak(Reason.GAP_IN_PERIOD, gap, fix, *facts, source=source)
    return evidenced(*facts, source=source)
