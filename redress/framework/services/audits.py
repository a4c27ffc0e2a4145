"""Internal audits (ISO 10002 clause 8.5): planning the programme, starting an audit (its
checklist copied from the ISO 10002 clauses), answering and editing the checklist, findings (a
nonconformity opens a CAPA), the report and closing. The sample of closed complaints is
``services.audit_sample``; the reminders ``services.audit_reminders``.

Rules, each refused with its reason and nothing changed:
- planning is for complaints managers and top management (``Permission.AUDIT_PLAN``);
- independence: an auditor must hold the auditor role, must not hold a frontline, handler or
  complaints-manager membership in the audited unit or a unit below it (nor manage a unit above
  it, whose complaints managers handle the audited unit's complaints too), and must not own any
  complaint of the audited units (and categories, when the scope names some). Checked when the
  audit is planned and again when it starts;
- only the auditors named on an audit conduct it (``Permission.AUDIT_CONDUCT``), and only while
  it is in progress; the lifecycle is ``audit_transitions.AUDIT_TRANSITIONS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import Category, Complaint
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import (
    tree_descendant_ids,
    unit_ancestor_ids,
    unit_descendant_ids,
    users_with_role,
)
from redress.framework.audit_transitions import (
    AUDIT_ACTION_PERMISSION,
    CONDUCT_STATES,
    AuditAction,
    AuditNotInProgress,
    audit_transition_check,
)
from redress.framework.models import (
    Answer,
    Audit,
    AuditFinding,
    AuditQuestion,
    AuditSampleItem,
    AuditStatus,
    FindingType,
    RiskLevel,
)
from redress.framework.models.audit import NONCONFORMITIES
from redress.framework.roles import Permission
from redress.framework.services.audit_checklist import DEFAULT_CHECKLIST
from redress.framework.services.common import (
    allowed,
    choice_check,
    framework_record,
    person,
    required,
)
from redress.improvement.models import CapaSource, CapaType
from redress.improvement.services.capa import capa_open

# Memberships that make a person part of the audited process (independence).
HANDLING_ROLES = (Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER)


def _lock(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().get(pk=audit.pk)


def _today() -> dt.date:
    return timezone.localdate()


def audit_units(audit: Audit) -> set[int]:
    """The audited unit and every unit below it."""
    return unit_descendant_ids([audit.unit_id])


def audit_category_ids(audit: Audit) -> set[int]:
    """The scope's categories and their sub-categories; empty: every category."""
    chosen = list(audit.categories.values_list("pk", flat=True))
    return tree_descendant_ids(Category, chosen) if chosen else set()


def independence_check(*, unit: OrgUnit, category_ids: set[int], auditors: Sequence[User]) -> None:
    """Refuse (on the field ``auditors``) an auditor who is part of what is audited."""
    if not auditors:
        raise ValidationFailed(
            _("Name at least one auditor."), fields={"auditors": [_("This field is required.")]}
        )
    today = _today()
    units = unit_descendant_ids([unit.pk])
    ancestors = set(unit_ancestor_ids(unit.pk)) - {unit.pk}
    current = Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
    )
    auditor_ids = set(
        current.filter(role=Role.AUDITOR, user__in=auditors, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    problems: list[str] = []
    for named in auditors:
        name = named.get_full_name() or named.get_username()
        if named.pk not in auditor_ids:
            problems.append(
                _("%(name)s does not hold the auditor role.") % {"name": name},
            )
            continue
        mine = current.filter(user=named)
        if mine.filter(
            Q(role__in=HANDLING_ROLES, unit_id__in=units)
            | Q(role=Role.COMPLAINTS_MANAGER, unit_id__in=ancestors)
        ).exists():
            problems.append(
                _(
                    "%(name)s works in the complaints handling of the audited unit and cannot "
                    "audit it independently."
                )
                % {"name": name}
            )
            continue
        owned = Complaint.objects.filter(owner=named, unit_id__in=units)
        if category_ids:
            owned = owned.filter(category_id__in=category_ids)
        if owned.exists():
            problems.append(
                _(
                    "%(name)s owns complaints of the audited scope and cannot audit it "
                    "independently."
                )
                % {"name": name}
            )
    if problems:
        raise ValidationFailed(
            _("The auditors are not independent of what is audited."),
            fields={"auditors": problems},
        )


def _named_check(audit: Audit, actor: Actor) -> User:
    """The person conducting ``audit``: an auditor named on it."""
    user = allowed(actor, Permission.AUDIT_CONDUCT)
    if user is None:
        raise NotPermitted(_("Only a named auditor conducts an audit."))
    if not audit.auditors.filter(pk=user.pk).exists():
        raise NotPermitted(_("You are not named as an auditor of this audit."))
    return user


def _conducting(audit: Audit, actor: Actor) -> tuple[Audit, User]:
    """Lock the audit, check the person conducts it and that it is in progress."""
    user = _named_check(audit, actor)
    audit = _lock(audit)
    if audit.status not in CONDUCT_STATES:
        raise AuditNotInProgress(audit.status)
    return audit, user


def _period_check(period_start: dt.date | None, period_end: dt.date | None) -> None:
    if period_start is None or period_end is None:
        raise ValidationFailed(
            _("Give the period of the closed complaints the audit looks at."),
            fields={
                name: [_("This field is required.")]
                for name, value in (("period_start", period_start), ("period_end", period_end))
                if value is None
            },
        )
    if period_end < period_start:
        raise ValidationFailed(
            _("The period ends before it starts."),
            fields={"period_end": [_("Choose a date on or after the start of the period.")]},
        )


@transaction.atomic
def audit_plan(
    *,
    actor: Actor,
    title: str,
    unit: OrgUnit,
    period_start: dt.date,
    period_end: dt.date,
    planned_on: dt.date,
    risk_level: str,
    rationale: str,
    auditors: Sequence[User],
    categories: Sequence[Category] = (),
) -> Audit:
    """Add an audit to the programme of its planned date's year (complaints managers, top
    management), with the next reference of that year (``IA-2026-001``). Refuses auditors who
    are not independent of the scope (``independence_check``)."""
    user = allowed(actor, Permission.AUDIT_PLAN)
    required({"title": title, "rationale": rationale})
    choice_check("risk_level", risk_level, RiskLevel)
    _period_check(period_start, period_end)
    if planned_on is None:
        raise ValidationFailed(
            _("Give the planned date."), fields={"planned_on": [_("This field is required.")]}
        )
    chosen = {category.pk for category in categories}
    independence_check(
        unit=unit,
        category_ids=tree_descendant_ids(Category, chosen) if chosen else set(),
        auditors=list(auditors),
    )
    year = planned_on.year
    last = Audit.objects.select_for_update().filter(year=year).aggregate(n=Max("sequence"))["n"]
    audit = Audit.objects.create(
        year=year,
        sequence=(last or 0) + 1,
        title=title.strip()[:200],
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        planned_on=planned_on,
        risk_level=risk_level,
        rationale=rationale.strip(),
        planned_by=user or person(actor),
        created_at=timezone.now(),
    )
    audit.auditors.set(auditors)
    if chosen:
        audit.categories.set(chosen)
    framework_record(
        actor=actor,
        action="audit_plan",
        target=audit,
        label=audit.reference,
        after={
            "title": audit.title,
            "unit": unit.pk,
            "categories": sorted(chosen),
            "period": [period_start, period_end],
            "planned_on": planned_on,
            "risk_level": risk_level,
            "auditors": sorted(a.pk for a in auditors),
        },
    )
    return audit


@transaction.atomic
def audit_start(*, audit: Audit, actor: Actor) -> Audit:
    """A named auditor starts the audit: independence is checked again (ownership may have
    changed since planning) and the default checklist is copied into the audit."""
    _named_check(audit, actor)
    audit = _lock(audit)
    to_status = audit_transition_check(audit.status, AuditAction.START)
    independence_check(
        unit=audit.unit, category_ids=audit_category_ids(audit), auditors=list(audit.auditors.all())
    )
    AuditQuestion.objects.bulk_create(
        AuditQuestion(audit=audit, position=n, clause=q.clause, text=q.text, text_en=q.text_en)
        for n, q in enumerate(DEFAULT_CHECKLIST, start=1)
    )
    from_status = audit.status
    audit.status = to_status
    audit.started_at = timezone.now()
    audit.save(update_fields=["status", "started_at"])
    framework_record(
        actor=actor,
        action="audit_start",
        target=audit,
        label=audit.reference,
        before={"status": from_status},
        after={"status": to_status, "questions": len(DEFAULT_CHECKLIST)},
    )
    return audit


def _question_texts(clause: str, text: str, text_en: str) -> tuple[str, str, str]:
    required({"clause": clause, "text": text})
    return clause.strip()[:12], text.strip(), (text_en or "").strip()


def _unanswered(question: AuditQuestion) -> None:
    if question.answer:
        raise ValidationFailed(
            _("An answered question cannot be changed or removed; record a finding instead."),
            fields={"text": [_("This question is answered already.")]},
        )


@transaction.atomic
def audit_question_add(
    *, audit: Audit, actor: Actor, clause: str, text: str, text_en: str = ""
) -> AuditQuestion:
    """Add a question to the audit's checklist (its auditors, while it is in progress)."""
    audit, _user = _conducting(audit, actor)
    clause, text, text_en = _question_texts(clause, text, text_en)
    last = audit.questions.aggregate(n=Max("position"))["n"] or 0
    question = AuditQuestion.objects.create(
        audit=audit, position=last + 1, clause=clause, text=text, text_en=text_en
    )
    framework_record(
        actor=actor,
        action="audit_question_add",
        target=audit,
        label=audit.reference,
        after={"question": question.pk, "clause": clause, "text": text, "text_en": text_en},
    )
    return question


@transaction.atomic
def audit_question_edit(
    *, question: AuditQuestion, actor: Actor, clause: str, text: str, text_en: str = ""
) -> AuditQuestion:
    """Reword a question not answered yet."""
    audit, _user = _conducting(question.audit, actor)
    question = AuditQuestion.objects.select_for_update().get(pk=question.pk, audit=audit)
    _unanswered(question)
    clause, text, text_en = _question_texts(clause, text, text_en)
    before = {"clause": question.clause, "text": question.text, "text_en": question.text_en}
    question.clause, question.text, question.text_en = clause, text, text_en
    question.save(update_fields=["clause", "text", "text_en"])
    framework_record(
        actor=actor,
        action="audit_question_edit",
        target=audit,
        label=audit.reference,
        before={"question": question.pk, **before},
        after={"question": question.pk, "clause": clause, "text": text, "text_en": text_en},
    )
    return question


@transaction.atomic
def audit_question_remove(*, question: AuditQuestion, actor: Actor) -> None:
    """Remove a question not answered yet from the audit's checklist."""
    audit, _user = _conducting(question.audit, actor)
    question = AuditQuestion.objects.select_for_update().get(pk=question.pk, audit=audit)
    _unanswered(question)
    before = {"question": question.pk, "clause": question.clause, "text": question.text}
    question.delete()
    framework_record(
        actor=actor,
        action="audit_question_remove",
        target=audit,
        label=audit.reference,
        before=before,
    )


@transaction.atomic
def audit_question_answer(
    *, question: AuditQuestion, actor: Actor, answer: str, evidence: str
) -> AuditQuestion:
    """Record (or correct) the answer to a question with its evidence. Evidence is required
    except for "not applicable", where it says why."""
    audit, _user = _conducting(question.audit, actor)
    question = AuditQuestion.objects.select_for_update().get(pk=question.pk, audit=audit)
    choice_check("answer", answer, Answer)
    required({"evidence": evidence})
    before = {"question": question.pk, "answer": question.answer, "evidence": question.evidence}
    question.answer = answer
    question.evidence = evidence.strip()
    question.answered_at = timezone.now()
    question.answered_by_label = actor.label[:150]
    question.save(update_fields=["answer", "evidence", "answered_at", "answered_by_label"])
    framework_record(
        actor=actor,
        action="audit_question_answer",
        target=audit,
        label=audit.reference,
        before=before,
        after={"question": question.pk, "answer": answer, "evidence": question.evidence},
    )
    return question


def capa_owner_for(unit: OrgUnit) -> User:
    """The complaints manager who owns the CAPA of a nonconformity: an active one of the audited
    unit, else of the nearest unit above it."""
    for unit_id in unit_ancestor_ids(unit.pk):
        managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[unit_id])
        if managers:
            return managers[0]
    raise ValidationFailed(
        _(
            "No active complaints manager of the audited unit or of a unit above it can own the "
            "corrective action of this nonconformity."
        ),
        fields={
            "type": [_("Give the audited unit (or a unit above it) a complaints manager first.")]
        },
    )


@transaction.atomic
def audit_finding_record(
    *,
    audit: Audit,
    actor: Actor,
    type: str,
    statement: str,
    clause: str = "",
    question: AuditQuestion | None = None,
    sample_item: AuditSampleItem | None = None,
) -> AuditFinding:
    """Record a finding, optionally tied to a checklist question and/or a sampled complaint of
    the same audit. A nonconformity (major or minor) opens a corrective action at once, owned by
    a complaints manager of the audited unit (``capa_owner_for``), and keeps it on the finding;
    without such a manager the finding is refused."""
    audit, _user = _conducting(audit, actor)
    choice_check("type", type, FindingType)
    required({"statement": statement})
    if question is not None and question.audit_id != audit.pk:
        raise ValidationFailed(
            _("This question is not on this audit's checklist."),
            fields={"question": [_("Not a valid choice.")]},
        )
    if sample_item is not None and sample_item.audit_id != audit.pk:
        raise ValidationFailed(
            _("This complaint is not in this audit's sample."),
            fields={"sample_item": [_("Not a valid choice.")]},
        )
    clause = (clause or (question.clause if question else "")).strip()[:12]
    number = (audit.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = AuditFinding.objects.create(
        audit=audit,
        number=number,
        type=type,
        statement=statement.strip(),
        clause=clause,
        question=question,
        sample_item=sample_item,
        created_at=timezone.now(),
        created_by_label=actor.label[:150],
    )
    if type in NONCONFORMITIES:
        owner = capa_owner_for(audit.unit)
        note = _("Internal audit %(audit)s, finding %(finding)s (%(type)s): %(statement)s") % {
            "audit": audit.reference,
            "finding": finding.reference,
            "type": FindingType(type).label,
            "statement": finding.statement,
        }
        capa = capa_open(
            actor=Actor.system("internal-audit"),
            title=(f"{finding.reference}: {finding.statement}")[:300],
            type=CapaType.CORRECTIVE,
            source=CapaSource.AUDIT_FINDING,
            owner=owner,
            unit=audit.unit,
            source_note=note,
        )
        finding.capa = capa
        finding.save(update_fields=["capa"])
    after: dict[str, Any] = {
        "finding": finding.reference,
        "type": type,
        "statement": finding.statement,
        "clause": clause,
        "question": question.pk if question else None,
        "sample_item": sample_item.pk if sample_item else None,
        "capa": finding.capa.reference if finding.capa else None,
    }
    framework_record(
        actor=actor, action="audit_finding", target=audit, label=audit.reference, after=after
    )
    return finding


@transaction.atomic
def audit_report(*, audit: Audit, actor: Actor, conclusion: str) -> Audit:
    """A named auditor issues the report with its conclusion; the checklist, sample and
    findings are then frozen (nothing more is recorded)."""
    _named_check(audit, actor)
    audit = _lock(audit)
    to_status = audit_transition_check(audit.status, AuditAction.REPORT)
    required({"conclusion": conclusion})
    from_status = audit.status
    audit.status = to_status
    audit.conclusion = conclusion.strip()
    audit.reported_at = timezone.now()
    audit.save(update_fields=["status", "conclusion", "reported_at"])
    framework_record(
        actor=actor,
        action="audit_report",
        target=audit,
        label=audit.reference,
        before={"status": from_status},
        after={"status": to_status, "conclusion": audit.conclusion},
    )
    return audit


@transaction.atomic
def audit_close(*, audit: Audit, actor: Actor) -> Audit:
    """Complaints managers or top management close a reported audit (its CAPA go on by
    themselves)."""
    allowed(actor, AUDIT_ACTION_PERMISSION[AuditAction.CLOSE])
    audit = _lock(audit)
    to_status = audit_transition_check(audit.status, AuditAction.CLOSE)
    from_status = audit.status
    audit.status = to_status
    audit.closed_at = timezone.now()
    audit.save(update_fields=["status", "closed_at"])
    framework_record(
        actor=actor,
        action="audit_close",
        target=audit,
        label=audit.reference,
        before={"status": from_status},
        after={"status": to_status},
    )
    return audit


__all__ = [
    "AuditStatus",
    "audit_close",
    "audit_finding_record",
    "audit_plan",
    "audit_question_add",
    "audit_question_answer",
    "audit_question_edit",
    "audit_question_remove",
    "audit_report",
    "audit_start",
    "capa_owner_for",
    "independence_check",
]
