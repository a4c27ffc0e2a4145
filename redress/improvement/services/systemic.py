"""Systemic issues (ISO 10002 8.2): the rules an administrator configures, the issues they,
the control charts and people open, the complaints linked to them and the decision each ends
in. One issue at a time is open per scope (a rule and its value, a chart); later matching
complaints attach to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.audit.services import jsonable
from redress.complaints.models import Category, Complaint, Product, Status
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.improvement.models import (
    Cause,
    Dimension,
    IssueDecision,
    IssueSource,
    IssueStatus,
    SystemicIssue,
    SystemicIssueComplaint,
    SystemicRule,
)
from redress.improvement.models.systemic import OPEN_STATUSES
from redress.improvement.selectors import may
from redress.improvement.services.common import (
    allowed,
    choice_check,
    event_record,
    linkable_check,
    required,
)
from redress.improvement.transitions import Permission
from redress.integrations.models import EventType
from redress.integrations.services import webhooks_publish
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users

# Complaints that are not complaints (or no longer pursued) never make a problem recurrent.
_NOT_COUNTED = (Status.NOT_ACCEPTED, Status.WITHDRAWN)

# ---------------------------------------------------------------------------------------------
# Rules


def rule_problems(*, threshold: Any, window_days: Any) -> dict[str, list[str]]:
    """Why a rule's numbers are refused, by field ({} when they are fine): at least two
    complaints in at least one day."""
    problems: dict[str, list[str]] = {}
    if not isinstance(threshold, int) or threshold < 2:
        problems["threshold"] = [
            _("A rule needs at least 2 complaints (N); a single complaint is not a pattern.")
        ]
    if not isinstance(window_days, int) or window_days < 1:
        problems["window_days"] = [_("The period (M) must be at least 1 day.")]
    return problems


@transaction.atomic
def systemic_rule_save(
    *,
    actor: Actor,
    name: str,
    dimension: str,
    threshold: int,
    window_days: int,
    per_unit: bool = False,
    is_significant: bool = False,
    is_active: bool = True,
    rule: SystemicRule | None = None,
) -> SystemicRule:
    """Create a rule, or change ``rule``: "at least ``threshold`` complaints with the same
    ``dimension`` within ``window_days`` days", per unit or organisation-wide. Administrators
    only. Refuses N < 2 and M < 1 naming the field, an empty name and an unknown dimension;
    nothing is written then."""
    allowed(actor, Permission.CONFIGURE, unit_id=None)
    required({"name": name})
    choice_check("dimension", dimension, Dimension)
    if problems := rule_problems(threshold=threshold, window_days=window_days):
        raise ValidationFailed(next(iter(problems.values()))[0], fields=problems)
    values = {
        "name": name.strip()[:200],
        "dimension": dimension,
        "threshold": threshold,
        "window_days": window_days,
        "per_unit": per_unit,
        "is_significant": is_significant,
        "is_active": is_active,
    }
    before: dict[str, Any] = {}
    if rule is None:
        rule = SystemicRule.objects.create(**values)
        action = "rule_create"
    else:
        rule = SystemicRule.objects.select_for_update().get(pk=rule.pk)
        before = {key: getattr(rule, key) for key in values}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
        action = "rule_change"
    event_record(
        actor=actor, action=action, target=rule, label=rule.name, before=before, data=values
    )
    return rule


# ---------------------------------------------------------------------------------------------
# Opening, linking, notifying


def _audience(issue: SystemicIssue) -> list[User]:
    """The complaints managers over the issue's unit (all of them for an organisation-wide
    issue), and top management too when the issue is significant."""
    if issue.unit_id is None:
        people = list(users_with_role(Role.COMPLAINTS_MANAGER))
    else:
        people = list(
            users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(issue.unit_id))
        )
    if issue.is_significant:
        people += users_with_role(Role.TOP_MANAGEMENT)
    return people


def issue_snapshot(issue: SystemicIssue) -> dict[str, Any]:
    """What a webhook says about an issue: no personal data."""
    return {
        "reference": issue.reference,
        "title": issue.title,
        "source": issue.source,
        "status": issue.status,
        "dimension": issue.dimension,
        "category": issue.category.code if issue.category else None,
        "product": issue.product.code if issue.product else None,
        "cause": issue.cause.code if issue.cause else None,
        "unit": issue.unit.code if issue.unit else None,
        "is_significant": issue.is_significant,
        "opened_at": issue.opened_at,
        "complaints": list(issue.links.values_list("complaint__reference", flat=True)),
        "api_url": f"/api/v1/systemic-issues/{issue.pk}",
    }


def _link(issue: SystemicIssue, complaints: Iterable[Complaint], actor: Actor) -> list[int]:
    """Link the complaints not yet linked; returns their ids."""
    now = timezone.now()
    known = set(issue.links.values_list("complaint_id", flat=True))
    new = [c for c in {c.pk: c for c in complaints}.values() if c.pk not in known]
    SystemicIssueComplaint.objects.bulk_create(
        SystemicIssueComplaint(
            issue=issue, complaint=c, attached_at=now, attached_by_label=actor.label[:150]
        )
        for c in new
    )
    return [c.pk for c in new]


def _open(
    *,
    actor: Actor,
    title: str,
    source: str,
    complaints: Sequence[Complaint] = (),
    description: str = "",
    rule: SystemicRule | None = None,
    scope_key: str = "",
    dimension: str = "",
    category: Category | None = None,
    product: Product | None = None,
    cause: Cause | None = None,
    unit: OrgUnit | None = None,
    owner: User | None = None,
    is_significant: bool = False,
    evidence: dict[str, Any] | None = None,
) -> SystemicIssue:
    now = timezone.now()
    issue = SystemicIssue.objects.create(
        title=title.strip()[:300],
        description=description.strip(),
        source=source,
        rule=rule,
        scope_key=scope_key,
        dimension=dimension,
        category=category,
        product=product,
        cause=cause,
        unit=unit,
        owner=owner,
        is_significant=is_significant,
        opened_at=now,
        opened_by_label=actor.label[:150],
        evidence=jsonable(evidence or {}),
    )
    linked = _link(issue, complaints, actor)
    event_record(
        actor=actor,
        action="issue_open",
        target=issue,
        label=issue.reference,
        issue=issue,
        to_status=issue.status,
        data={
            "source": source,
            "rule": rule.pk if rule else None,
            "scope": scope_key,
            "complaints": linked,
            "evidence": evidence or {},
        },
        at=now,
    )
    kind = (
        Notification.Kind.SYSTEMIC_SIGNIFICANT
        if is_significant
        else Notification.Kind.SYSTEMIC_ISSUE
    )
    notify_users(
        users=_audience(issue),
        kind=kind,
        dedupe_key=f"systemic:{issue.pk}",
        target=(Notification.Target.SYSTEMIC_ISSUE, issue.pk, f"{issue.reference} {issue.title}"),
    )
    webhooks_publish(
        EventType.SYSTEMIC_ISSUE_OPENED, None, {"systemic_issue": issue_snapshot(issue)}
    )
    return issue


def _open_once(**values: Any) -> SystemicIssue | None:
    """Open an issue unless one is already open for its scope (then None). The unique
    constraint settles two jobs racing for the same scope."""
    try:
        with transaction.atomic():
            return _open(**values)
    except IntegrityError:
        return None


@transaction.atomic
def systemic_issue_open(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    unit: OrgUnit | None = None,
    owner: User | None = None,
    category: Category | None = None,
    product: Product | None = None,
    cause: Cause | None = None,
    is_significant: bool = False,
    complaints: Sequence[Complaint] = (),
) -> SystemicIssue:
    """Open a systemic issue by hand (complaints managers, top management), with the
    complaints that show it (each must be visible to the person). The managers over its unit
    are told, and top management when it is significant."""
    allowed(actor, Permission.ISSUE_OPEN, unit_id=unit.pk if unit else None)
    required({"title": title})
    linkable_check(actor, complaints)
    return _open(
        actor=actor,
        title=title,
        description=description,
        source=IssueSource.MANUAL,
        complaints=complaints,
        category=category,
        product=product,
        cause=cause,
        unit=unit,
        owner=owner,
        is_significant=is_significant,
    )


def _value(complaint: Complaint, dimension: str) -> int | None:
    if dimension == Dimension.CATEGORY:
        return complaint.category_id
    if dimension == Dimension.PRODUCT:
        return complaint.product_id
    investigation = getattr(complaint, "investigation", None)
    return investigation.root_cause_id if investigation is not None else None


def _matching(rule: SystemicRule, value: int, unit_id: int | None) -> QuerySet[Complaint]:
    queryset = Complaint.objects.exclude(status__in=_NOT_COUNTED)
    if rule.dimension == Dimension.CATEGORY:
        queryset = queryset.filter(category_id=value)
    elif rule.dimension == Dimension.PRODUCT:
        queryset = queryset.filter(product_id=value)
    else:
        queryset = queryset.filter(investigation__root_cause_id=value)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return queryset


def _rule_value(rule: SystemicRule, complaint: Complaint) -> Category | Product | Cause | None:
    if rule.dimension == Dimension.CATEGORY:
        return complaint.category
    if rule.dimension == Dimension.PRODUCT:
        return complaint.product
    investigation = getattr(complaint, "investigation", None)
    return investigation.root_cause if investigation is not None else None


def _title(rule: SystemicRule, value: Category | Product | Cause | None, count: int) -> str:
    """The issue's title, stored in the organisation's language (settings.LANGUAGE_CODE)."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        return _("%(count)d complaints in %(days)d days: %(what)s") % {
            "count": count,
            "days": rule.window_days,
            "what": value.display_name(language) if value is not None else "",
        }


def systemic_rules_apply(
    *,
    complaint: Complaint,
    dimensions: Sequence[str] = tuple(Dimension.values),
    now: dt.datetime | None = None,
) -> list[SystemicIssue]:
    """Check the active rules of ``dimensions`` against a complaint just classified (or whose
    root cause was just recorded): attach it to the open issue of each matching scope, or open
    one when the rule's count is reached — at least N complaints with the same value received
    in the last M days (in the complaint's unit for a per-unit rule), the complaint included.
    Runs in the caller's transaction. Returns the issues opened or attached to."""
    now = now or timezone.now()
    if complaint.status in _NOT_COUNTED:
        return []
    system = Actor.system("systemic-rules")
    touched: list[SystemicIssue] = []
    rules = SystemicRule.objects.select_for_update().filter(
        is_active=True, dimension__in=list(dimensions)
    )
    for rule in rules.order_by("pk"):
        value = _value(complaint, rule.dimension)
        if value is None:
            continue
        unit_id = complaint.unit_id if rule.per_unit else None
        scope_key = f"rule:{rule.pk}:{rule.dimension}:{value}" + (
            f":unit:{unit_id}" if unit_id is not None else ""
        )
        issue = SystemicIssue.objects.filter(scope_key=scope_key, status__in=OPEN_STATUSES).first()
        if issue is not None:
            if linked := _link(issue, [complaint], system):
                event_record(
                    actor=system,
                    action="issue_attach",
                    target=issue,
                    label=issue.reference,
                    issue=issue,
                    complaint=complaint,
                    data={"complaints": linked, "rule": rule.pk},
                )
            touched.append(issue)
            continue
        since = now - dt.timedelta(days=rule.window_days)
        found = list(
            _matching(rule, value, unit_id)
            .filter(received_at__gt=since, received_at__lte=now)
            .only("pk", "reference")
        )
        if complaint.pk not in {c.pk for c in found} or len(found) < rule.threshold:
            continue
        opened = _open_once(
            actor=system,
            title=_title(rule, _rule_value(rule, complaint), len(found)),
            source=IssueSource.RULE,
            complaints=found,
            rule=rule,
            scope_key=scope_key,
            dimension=rule.dimension,
            category=complaint.category if rule.dimension == Dimension.CATEGORY else None,
            product=complaint.product if rule.dimension == Dimension.PRODUCT else None,
            cause=_rule_value(rule, complaint) if rule.dimension == Dimension.CAUSE else None,
            unit=complaint.unit if rule.per_unit else None,
            is_significant=rule.is_significant,
            evidence={
                "rule": rule.name,
                "threshold": rule.threshold,
                "window_days": rule.window_days,
                "count": len(found),
                "since": since,
                "until": now,
            },
        )
        if opened is not None:
            touched.append(opened)
    return touched


@transaction.atomic
def systemic_issue_attach(
    *, issue: SystemicIssue, complaint: Complaint, actor: Actor
) -> SystemicIssue:
    """Link a complaint to an open issue by hand (the person must see the complaint). Linking
    twice changes nothing."""
    issue = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
    allowed(actor, Permission.ISSUE_WORK, unit_id=issue.unit_id)
    linkable_check(actor, [complaint], one=True)
    if not issue.is_open:
        raise Conflict(_("This systemic issue is closed; open a new one."))
    if linked := _link(issue, [complaint], actor):
        event_record(
            actor=actor,
            action="issue_attach",
            target=issue,
            label=issue.reference,
            issue=issue,
            complaint=complaint,
            data={"complaints": linked},
        )
    return issue


@transaction.atomic
def systemic_issue_assign(*, issue: SystemicIssue, actor: Actor, owner: User) -> SystemicIssue:
    """Give the issue an owner (complaints managers and top management), who must be able to
    work on it (a handler or manager of its unit)."""
    issue = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
    allowed(actor, Permission.ISSUE_DECIDE, unit_id=issue.unit_id)
    if not owner.is_active or not may(owner, Permission.ISSUE_WORK, unit_id=issue.unit_id):
        raise ValidationFailed(
            _("This person cannot own the issue."),
            fields={"owner": [_("Choose a handler or a complaints manager of its unit.")]},
        )
    before = {"owner": issue.owner_id}
    issue.owner = owner
    issue.save(update_fields=["owner"])
    event_record(
        actor=actor,
        action="issue_assign",
        target=issue,
        label=issue.reference,
        issue=issue,
        before=before,
        data={"owner": owner.pk},
    )
    return issue


@transaction.atomic
def systemic_issue_decide(
    *, issue: SystemicIssue, actor: Actor, decision: str, reason: str = ""
) -> SystemicIssue:
    """End an open issue in its decision: ``no_action`` needs a reason and closes it;
    ``capa`` needs a CAPA opened from the issue (opening one from the issue records this
    decision by itself). Complaints managers and top management only."""
    issue = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
    allowed(actor, Permission.ISSUE_DECIDE, unit_id=issue.unit_id)
    choice_check("decision", decision, IssueDecision)
    if issue.status != IssueStatus.OPEN:
        raise Conflict(
            _("This systemic issue has its decision already (“%(status)s”).")
            % {"status": IssueStatus(issue.status).label}
        )
    if decision == IssueDecision.NO_ACTION:
        required({"reason": reason})
        target = IssueStatus.CLOSED
    else:
        if not issue.capas.exists():
            raise ValidationFailed(
                _("Open the corrective action from this issue first."),
                fields={"decision": [_("No CAPA has been opened from this issue.")]},
            )
        target = IssueStatus.ACTION
    return _decide(issue, actor, decision, reason, target)


def _decide(
    issue: SystemicIssue, actor: Actor, decision: str, reason: str, target: str
) -> SystemicIssue:
    now = timezone.now()
    from_status = issue.status
    issue.decision = decision
    issue.decision_reason = reason.strip()
    issue.decided_at = now
    issue.decided_by = actor.user
    issue.status = target
    if target == IssueStatus.CLOSED:
        issue.closed_at = now
    issue.save()
    event_record(
        actor=actor,
        action="issue_decide",
        target=issue,
        label=issue.reference,
        issue=issue,
        from_status=from_status,
        to_status=target,
        data={"decision": decision, "reason": issue.decision_reason},
        at=now,
    )
    return issue


def issue_capa_opened(issue: SystemicIssue, actor: Actor) -> None:
    """A CAPA was opened from the issue: an open issue's decision is now "CAPA opened"."""
    locked = SystemicIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status == IssueStatus.OPEN:
        _decide(locked, actor, IssueDecision.CAPA, "", IssueStatus.ACTION)


def issue_capa_closed(issue_id: int, actor: Actor) -> None:
    """A CAPA of the issue was closed as effective: the issue closes when none of its CAPA is
    still open."""
    from redress.improvement.models import CapaStatus

    locked = SystemicIssue.objects.select_for_update().get(pk=issue_id)
    if locked.status != IssueStatus.ACTION:
        return
    if locked.capas.exclude(status=CapaStatus.CLOSED).exists():
        return
    now = timezone.now()
    locked.status = IssueStatus.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    event_record(
        actor=actor,
        action="issue_close",
        target=locked,
        label=locked.reference,
        issue=locked,
        from_status=IssueStatus.ACTION,
        to_status=IssueStatus.CLOSED,
        data={"reason": "capa_closed"},
        at=now,
    )


__all__ = [
    "issue_capa_closed",
    "issue_capa_opened",
    "issue_snapshot",
    "rule_problems",
    "systemic_issue_assign",
    "systemic_issue_attach",
    "systemic_issue_decide",
    "systemic_issue_open",
    "systemic_rule_save",
    "systemic_rules_apply",
]
