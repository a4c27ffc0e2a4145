"""Evaluators of confidentiality and information integrity (ISO 10002 4.9, 4.10, personal data
under Law 91/2025): the personal-data access log in use, data-subject requests answered on
time, the breach register and its 72-hour clock, the appointed data-protection officer, and
the append-only audit trail. Counts and latest dates only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from redress.audit.models import AuditEntry
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
from redress.core.selectors import users_with_role
from redress.privacy.models import BreachIncident, DataSubjectRequest, PersonalDataAccess


@evaluator("access_log_in_use")
def access_log_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Personal data shown unmasked is logged: the access log has entries within
    ``max_age_days`` (masking is on by default; the log shows that unmasked reads are kept)."""
    source = page("access_log", _("Personal-data access log"))
    last = PersonalDataAccess.objects.order_by("-at").values_list("at", flat=True).first()
    if last is None:
        gap = _("No read of personal data has ever been logged.")
        return missing(gap, source, source=source)
    since = ctx.now - dt.timedelta(days=int(params.get("max_age_days", 30)))
    recent = PersonalDataAccess.objects.filter(at__gte=since, at__lte=ctx.now).count()
    facts = (
        Fact(_("Last logged read"), last.astimezone(ctx.zone).date()),
        Fact(_("Reads logged recently"), recent),
    )
    if not recent:
        gap = _("No read of personal data was logged for %(days)s days.") % {
            "days": params.get("max_age_days", 30)
        }
        return weak(Reason.STALE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("data_protection_officer")
def data_protection_officer_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Someone holds the data-protection officer's role today."""
    officers = len(users_with_role(Role.DPO))
    if not officers:
        gap = _("Nobody is appointed data-protection officer.")
        return missing(gap, page("people", _("Give the role to someone")))
    return evidenced(
        Fact(_("Data-protection officers"), officers), source=page("people", _("People"))
    )


@evaluator("data_requests_on_time")
def data_requests_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Data-subject requests due in the window completed by their deadline, at least
    ``target_pct`` of them. No request due is no evidence against: the register is kept."""
    source = page("privacy_requests", _("Data-subject requests"))
    start, _end = ctx.cohort.period.bounds(ctx.zone)
    due = DataSubjectRequest.objects.filter(
        completion_due_at__gte=start, completion_due_at__lte=ctx.now
    )
    found = due.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(completed_at__lte=F("completion_due_at"))),
    )
    share = round(100 * found["on_time"] / found["due"], 1) if found["due"] else None
    facts = (Fact(_("Requests due"), found["due"]), Fact(_("Completed on time (%)"), share))
    if found["due"] and below(share, params.get("target_pct", 100)):
        gap = _("Data-subject requests were completed late.")
        return weak(Reason.BELOW_TARGET, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("breaches_notified_on_time")
def breaches_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """Breaches found in the window notified to the authority within the 72 hours (or with a
    reason for the delay recorded); none found is no evidence against."""
    source = page("breaches", _("Breach register"))
    start, _end = ctx.cohort.period.bounds(ctx.zone)
    found = BreachIncident.objects.filter(discovered_at__gte=start).aggregate(
        found=Count("pk"),
        late=Count(
            "pk",
            filter=(
                Q(authority_notified_at__gt=F("notify_due_at"))
                | Q(authority_notified_at=None, notify_due_at__lt=ctx.now)
            )
            & Q(late_reason=""),
        ),
    )
    facts = (Fact(_("Breaches recorded"), found["found"]), Fact(_("Notified late"), found["late"]))
    if found["late"]:
        gap = _("Breaches were not notified within 72 hours, with no reason recorded.")
        return weak(Reason.OVERDUE, gap, source, *facts, source=source)
    return evidenced(*facts, source=source)


@evaluator("audit_trail")
def audit_trail_evidence(ctx: Context, params: dict[str, Any]) -> Evaluation:
    """The append-only audit trail records changes: its latest entry is within
    ``max_age_days``."""
    last = AuditEntry.objects.order_by("-seq").values_list("at", flat=True).first()
    if last is None:
        return missing(_("The audit trail is empty."), None)
    facts = (Fact(_("Latest audit entry"), last.astimezone(ctx.zone).date()),)
    if ctx.days_since(last) > int(params.get("max_age_days", 7)):
        gap = _("Nothing was written to the audit trail recently.")
        return weak(Reason.STALE, gap, None, *facts)
    return evidenced(*facts)
