"""The investigation record of a complaint (ISO 10002 7.6) and the structured methods of root
cause analysis (5 whys, fishbone) on a complaint or a systemic issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.attachments import IncomingFile, attachments_check, attachments_store
from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_roles
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.improvement.models import (
    Cause,
    FishboneItem,
    Investigation,
    InvestigationActivity,
    SystemicIssue,
    WhyStep,
)
from redress.improvement.services.common import allowed, event_record, person, required
from redress.improvement.transitions import IMPROVEMENT_ROLES, Permission

MAX_WHYS = 10
MAX_FISHBONE = 60


def _may_investigate(actor: Actor, complaint: Complaint) -> None:
    if actor.kind == "system":
        return
    if not complaint_roles(person(actor), complaint) & IMPROVEMENT_ROLES[Permission.INVESTIGATE]:
        raise NotPermitted(
            _("Your role does not allow this: %(action)s.")
            % {"action": Permission.INVESTIGATE.label}
        )


def _investigation(complaint: Complaint, now: dt.datetime) -> Investigation:
    investigation, _created = Investigation.objects.select_for_update().get_or_create(
        complaint=complaint, defaults={"started_at": now, "updated_at": now}
    )
    return investigation


@transaction.atomic
def investigation_activity_add(
    *,
    complaint: Complaint,
    actor: Actor,
    done_on: dt.date,
    checked: str,
    result: str = "",
    files: Sequence[IncomingFile] = (),
) -> InvestigationActivity:
    """Record one dated investigation activity: what was checked, what it showed, by whom, with
    evidence files (checked by the attachment rule before anything is written and stored as
    the complaint's attachments). Refuses an empty "what was checked", a date in the future
    and files the attachment rule refuses."""
    _may_investigate(actor, complaint)
    required({"checked": checked})
    if done_on > timezone.localdate():
        raise ValidationFailed(
            _("The date cannot be in the future."),
            fields={"done_on": [_("The date cannot be in the future.")]},
        )
    checked_files = attachments_check(files, field="evidence") if files else []
    now = timezone.now()
    investigation = _investigation(complaint, now)
    activity = InvestigationActivity.objects.create(
        investigation=investigation,
        done_on=done_on,
        checked=checked.strip(),
        result=result.strip(),
        done_by=actor.user,
        done_by_label=actor.label[:150],
        recorded_at=now,
    )
    stored = attachments_store(
        checked_files, complaint=complaint, message=None, uploaded_by=actor.label
    )
    if stored:
        activity.evidence.add(*stored)
    investigation.updated_at = now
    investigation.save(update_fields=["updated_at"])
    event_record(
        actor=actor,
        action="investigation_activity",
        target=investigation,
        label=complaint.reference,
        complaint=complaint,
        data={
            "activity_id": activity.pk,
            "done_on": done_on,
            "evidence": [a.pk for a in stored],
        },
        at=now,
    )
    return activity


@transaction.atomic
def investigation_conclude(
    *,
    complaint: Complaint,
    actor: Actor,
    findings: str,
    root_cause: Cause | None,
    root_cause_text: str = "",
) -> Investigation:
    """Record the findings and the root cause (chosen from the taxonomy, with free text) of a
    complaint's investigation. The findings are required; a cause that is not active is
    refused. A recorded cause counts at once in the Pareto by root cause and in the
    systemic issue rules by cause."""
    _may_investigate(actor, complaint)
    required({"findings": findings})
    if root_cause is not None and not root_cause.is_active:
        raise ValidationFailed(
            _("This cause is no longer in use."),
            fields={"root_cause": [_("Choose an active cause.")]},
        )
    now = timezone.now()
    investigation = _investigation(complaint, now)
    before = {
        "root_cause": investigation.root_cause_id,
        "has_findings": bool(investigation.findings),
    }
    investigation.findings = findings.strip()
    investigation.root_cause = root_cause
    investigation.root_cause_text = root_cause_text.strip()
    investigation.updated_at = now
    if root_cause is not None and before["root_cause"] != root_cause.pk:
        investigation.cause_recorded_at = now
    elif root_cause is None:
        investigation.cause_recorded_at = None
    investigation.save()
    event_record(
        actor=actor,
        action="investigation_conclude",
        target=investigation,
        label=complaint.reference,
        complaint=complaint,
        before=before,
        data={"root_cause": root_cause.pk if root_cause else None},
        at=now,
    )
    if root_cause is not None:
        # A cause just recorded may make the complaint part of a recurring problem.
        from redress.improvement.services.systemic import systemic_rules_apply

        systemic_rules_apply(complaint=complaint, dimensions=("cause",))
    return investigation


@dataclass(frozen=True)
class WhyInput:
    why: str
    answer: str
    evidence: str = ""


@dataclass(frozen=True)
class FishboneInput:
    family: Cause
    text: str


def _subject_check(
    actor: Actor, complaint: Complaint | None, issue: SystemicIssue | None
) -> tuple[str, dict[str, object]]:
    """Who may analyse the subject, and its label and foreign keys."""
    if (complaint is None) == (issue is None):
        raise ValueError("give a complaint or a systemic issue")
    if complaint is not None:
        _may_investigate(actor, complaint)
        return complaint.reference, {"complaint": complaint}
    assert issue is not None
    allowed(actor, Permission.ISSUE_WORK, unit_id=issue.unit_id)
    return issue.reference, {"issue": issue}


@transaction.atomic
def why_steps_save(
    *,
    actor: Actor,
    steps: Sequence[WhyInput],
    complaint: Complaint | None = None,
    issue: SystemicIssue | None = None,
) -> list[WhyStep]:
    """Replace the 5 whys of a complaint or a systemic issue with ``steps``, in order. Every
    row needs its question and its answer (the error names the row); at most ten rows."""
    label, subject = _subject_check(actor, complaint, issue)
    errors: dict[str, list[str]] = {}
    if len(steps) > MAX_WHYS:
        errors["steps"] = [_("At most %(count)d rows.") % {"count": MAX_WHYS}]
    for index, step in enumerate(steps, start=1):
        if not step.why.strip() or not step.answer.strip():
            errors[f"steps.{index}"] = [
                _("Row %(row)d needs both the question and the answer.") % {"row": index}
            ]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    WhyStep.objects.filter(**subject).delete()
    rows = WhyStep.objects.bulk_create(
        WhyStep(
            position=index,
            why=step.why.strip(),
            answer=step.answer.strip(),
            evidence=step.evidence.strip(),
            **subject,
        )
        for index, step in enumerate(steps, start=1)
    )
    target = issue if issue is not None else _investigation(complaint, timezone.now())  # type: ignore[arg-type]
    event_record(
        actor=actor,
        action="five_whys",
        target=target,
        label=label,
        complaint=complaint,
        issue=issue,
        data={"rows": len(rows)},
    )
    return rows


@transaction.atomic
def fishbone_save(
    *,
    actor: Actor,
    items: Sequence[FishboneInput],
    complaint: Complaint | None = None,
    issue: SystemicIssue | None = None,
) -> list[FishboneItem]:
    """Replace the fishbone of a complaint or a systemic issue with ``items``: causes grouped
    under a family of the taxonomy (its top level, active). Empty texts are refused naming the
    row."""
    label, subject = _subject_check(actor, complaint, issue)
    errors: dict[str, list[str]] = {}
    if len(items) > MAX_FISHBONE:
        errors["items"] = [_("At most %(count)d rows.") % {"count": MAX_FISHBONE}]
    for index, item in enumerate(items, start=1):
        if not item.text.strip():
            errors[f"items.{index}"] = [_("Row %(row)d needs a cause.") % {"row": index}]
        elif item.family.parent_id is not None or not item.family.is_active:
            errors[f"items.{index}"] = [
                _("Row %(row)d: group causes under an active top-level category.") % {"row": index}
            ]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    FishboneItem.objects.filter(**subject).delete()
    rows = FishboneItem.objects.bulk_create(
        FishboneItem(family=item.family, text=item.text.strip(), **subject) for item in items
    )
    target = issue if issue is not None else _investigation(complaint, timezone.now())  # type: ignore[arg-type]
    event_record(
        actor=actor,
        action="fishbone",
        target=target,
        label=label,
        complaint=complaint,
        issue=issue,
        data={"rows": len(rows), "families": sorted({item.family.pk for item in items})},
    )
    return rows
