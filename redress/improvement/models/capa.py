"""Corrective and preventive actions (CAPA, ISO 10002 8.7), their tasks and the escalation
notices an overdue one has sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Category, Complaint
from redress.core.models import OrgUnit
from redress.improvement.models.causes import Cause
from redress.improvement.models.systemic import SystemicIssue


class CapaSource(models.TextChoices):
    COMPLAINT = "complaint", _("A complaint")
    SYSTEMIC_ISSUE = "systemic_issue", _("A systemic issue")
    AUDIT_FINDING = "audit_finding", _("An audit finding")
    MANAGEMENT_REVIEW = "management_review", _("A management-review decision")
    SUGGESTION = "suggestion", _("A suggestion")


class CapaType(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")
    IMPROVEMENT = "improvement", _("Improvement")


class CapaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    EFFECTIVENESS_CHECK = "effectiveness_check", _("Effectiveness check")
    CLOSED = "closed", _("Closed (effective)")
    REOPENED = "reopened", _("Reopened")


# Statuses in which the work is still to be done by the due date (overdue counts these).
WORK_STATUSES = (
    CapaStatus.DRAFT,
    CapaStatus.PLANNED,
    CapaStatus.IN_PROGRESS,
    CapaStatus.REOPENED,
)


class Capa(models.Model):
    """A corrective or preventive action: what is done about a cause so that it does not come
    back, who does it by when, and whether it worked (the effectiveness check compares the
    complaints with the same cause or category after implementation with those before)."""

    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=24, choices=CapaSource.choices)
    source_complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_issue = models.ForeignKey(
        SystemicIssue,
        verbose_name=_("systemic issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capas",
    )
    source_note = models.TextField(_("source details"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=CapaType.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=CapaStatus.choices, default=CapaStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    cause = models.ForeignKey(
        Cause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capas",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.TextField(_("plan"), blank=True)
    due_working_days = models.PositiveIntegerField(_("working days to complete"), null=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    check_window_days = models.PositiveIntegerField(_("effectiveness window (days)"))
    created_at = models.DateTimeField(_("opened"))
    created_by_label = models.CharField(_("opened by"), max_length=150)
    planned_at = models.DateTimeField(_("planned"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    check_due_at = models.DateTimeField(_("effectiveness check due"), null=True, blank=True)
    # The recurrence figures and the proposal (``effectiveness.recurrence``), as computed.
    check_figures = models.JSONField(_("recurrence figures"), default=dict, blank=True)
    proposed_effective = models.BooleanField(_("proposed: effective"), null=True, blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    effective = models.BooleanField(_("effective"), null=True, blank=True)
    verification_reason = models.TextField(_("verification note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), blank=True, related_name="capas"
    )

    class Meta:
        verbose_name = _("corrective or preventive action")
        verbose_name_plural = _("corrective and preventive actions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"KP-{self.pk:05d}"


class CapaTask(models.Model):
    """One task of a CAPA's plan, with its owner and due date."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by_label = models.CharField(_("done by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("CAPA task")
        verbose_name_plural = _("CAPA tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class CapaEscalation(models.Model):
    """An overdue notice a CAPA sent to one level of the escalation ladder (once per level and
    due date)."""

    capa = models.ForeignKey(Capa, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    due_at = models.DateTimeField(_("due"))
    audience = models.CharField(_("who"), max_length=32)
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("CAPA escalation")
        verbose_name_plural = _("CAPA escalations")
        constraints = [
            models.UniqueConstraint(fields=["capa", "level", "due_at"], name="capa_escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.capa_id} L{self.level}"
