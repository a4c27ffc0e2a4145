"""Reads of internal audits. Who reads them: the people who plan audits (complaints managers,
top management) and the auditors, who read every audit of the programme but conduct only those
they are named on. A sampled complaint is shown only through the register's visibility gate
(``complaints_visible_to``): auditors see every complaint, with the complainant masked."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext

from redress.complaints.selectors import complaints_visible_to
from redress.core.errors import NotFound, NotPermitted
from redress.core.models import User
from redress.framework.models import Audit, AuditFinding, AuditSampleItem
from redress.framework.roles import Permission, may


def may_read_audits(user: User) -> bool:
    return may(user, Permission.AUDIT_PLAN) or may(user, Permission.AUDIT_CONDUCT)


def may_plan_audits(user: User) -> bool:
    return may(user, Permission.AUDIT_PLAN)


def audit_read_check(user: User) -> None:
    if not may_read_audits(user):
        raise NotPermitted(gettext("Your role does not let you read internal audits."))


def audits_visible_to(user: User) -> QuerySet[Audit]:
    if not may_read_audits(user):
        return Audit.objects.none()
    return Audit.objects.all()


def audit_list(user: User, *, year: int | None = None) -> QuerySet[Audit]:
    """The programme (of ``year``, or every year), in planned order, with what each row shows."""
    queryset = audits_visible_to(user).select_related("unit", "planned_by")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset.prefetch_related("auditors", "categories").order_by(
        "-year", "planned_on", "sequence"
    )


def audit_years(user: User) -> list[int]:
    return sorted(
        set(audits_visible_to(user).values_list("year", flat=True).distinct()), reverse=True
    )


def audit_get_for_user(user: User, pk: int) -> Audit:
    """One audit; unknown and unreadable look the same (NotFound)."""
    audit = (
        audits_visible_to(user)
        .select_related("unit", "planned_by")
        .prefetch_related("auditors", "categories")
        .filter(pk=pk)
        .first()
    )
    if audit is None:
        raise NotFound(str(pk))
    return audit


def audit_get_by_reference(user: User, reference: str) -> Audit:
    """One audit by its reference (``IA-2026-001``)."""
    parts = reference.strip().upper().split("-")
    if len(parts) != 3 or parts[0] != "IA" or not parts[1].isdigit() or not parts[2].isdigit():
        raise NotFound(reference)
    found = audits_visible_to(user).filter(year=int(parts[1]), sequence=int(parts[2])).first()
    if found is None:
        raise NotFound(reference)
    return audit_get_for_user(user, found.pk)


def is_named_auditor(user: User, audit: Audit) -> bool:
    return audit.auditors.filter(pk=user.pk).exists()


def audit_sample_for_user(user: User, audit: Audit) -> list[AuditSampleItem]:
    """The audit's sampled complaints the person may see (through the visibility gate), in the
    order they were drawn, each with its complaint."""
    visible = complaints_visible_to(user).filter(pk__in=audit.sample_items.values("complaint_id"))
    return list(
        audit.sample_items.filter(complaint__in=visible)
        .select_related("complaint", "complaint__category")
        .order_by("position")
    )


def audit_findings(audit: Audit) -> list[AuditFinding]:
    return list(
        audit.findings.select_related("capa", "question", "sample_item__complaint").order_by(
            "number"
        )
    )


def audits_with_findings() -> QuerySet[Audit]:
    return Audit.objects.select_related("unit").prefetch_related(
        Prefetch("findings", queryset=AuditFinding.objects.select_related("capa"))
    )
