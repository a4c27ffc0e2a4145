"""Systemic issues (ISO 10002 8.2): a problem that keeps coming back, noticed by a rule, by a
control chart or by a person, followed to a decision."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Category, Complaint, Product
from redress.core.models import OrgUnit
from redress.improvement.models.causes import Cause


class Dimension(models.TextChoices):
    """What "the same problem" means for a rule: the same category, product or root cause."""

    CATEGORY = "category", _("Category")
    PRODUCT = "product", _("Product or service")
    CAUSE = "cause", _("Root cause")


class SystemicRule(models.Model):
    """ "At least ``threshold`` complaints with the same category, product or root cause
    received within ``window_days`` days" (per unit or organisation-wide) opens a systemic
    issue. Configured by an administrator; checked by ``systemic.rules_apply``."""

    name = models.CharField(_("name"), max_length=200)
    dimension = models.CharField(_("same"), max_length=16, choices=Dimension.choices)
    threshold = models.PositiveIntegerField(_("complaints (N)"), validators=[MinValueValidator(2)])
    window_days = models.PositiveIntegerField(_("days (M)"), validators=[MinValueValidator(1)])
    per_unit = models.BooleanField(
        _("per unit"),
        default=False,
        help_text=_("Count each unit's complaints apart; otherwise the whole organisation's."),
    )
    is_significant = models.BooleanField(
        _("significant"),
        default=False,
        help_text=_("Issues this rule opens are also told to top management."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("systemic issue rule")
        verbose_name_plural = _("systemic issue rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=2), name="rule_threshold_min_2"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="rule_window_min_1"),
        ]

    def __str__(self) -> str:
        return self.name


class IssueSource(models.TextChoices):
    RULE = "rule", _("A rule")
    SPC = "spc", _("A control chart signal")
    MANUAL = "manual", _("Opened by hand")
    SIMILAR = "similar", _("Similar complaints, confirmed by a person")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTION = "action", _("Corrective action opened")
    CLOSED = "closed", _("Closed")


class IssueDecision(models.TextChoices):
    CAPA = "capa", _("Corrective action opened")
    NO_ACTION = "no_action", _("No action")


# The statuses in which an issue collects the complaints that match it.
OPEN_STATUSES = (IssueStatus.OPEN, IssueStatus.ACTION)


class SystemicIssue(models.Model):
    """A recurring or systemic problem. ``scope_key`` names what it is about (the rule and the
    value, or the control chart); one issue at a time is open per scope, and later matching
    complaints attach to it. It ends in a decision: a corrective action, or no action with a
    reason."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=IssueSource.choices)
    rule = models.ForeignKey(
        SystemicRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    scope_key = models.CharField(_("scope"), max_length=120, blank=True)
    dimension = models.CharField(_("same"), max_length=16, choices=Dimension.choices, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product or service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cause = models.ForeignKey(
        Cause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole organisation."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_significant = models.BooleanField(_("significant"), default=False)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    opened_by_label = models.CharField(_("opened by"), max_length=150)
    evidence = models.JSONField(_("what opened it"), default=dict, blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=IssueDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    complaints = models.ManyToManyField(
        Complaint, through="SystemicIssueComplaint", related_name="systemic_issues"
    )

    class Meta:
        verbose_name = _("systemic issue")
        verbose_name_plural = _("systemic issues")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["status", "opened_at"])]
        constraints = [
            # One open issue per scope (a rule and its value, a chart): later complaints attach.
            models.UniqueConstraint(
                fields=["scope_key"],
                condition=Q(status__in=["open", "action"]) & ~Q(scope_key=""),
                name="systemic_issue_one_open_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"VD-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SystemicIssueComplaint(models.Model):
    """A complaint linked to a systemic issue, when and by whom."""

    issue = models.ForeignKey(SystemicIssue, on_delete=models.CASCADE, related_name="links")
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="systemic_links"
    )
    attached_at = models.DateTimeField(_("attached"))
    attached_by_label = models.CharField(_("attached by"), max_length=150)

    class Meta:
        verbose_name = _("complaint of a systemic issue")
        verbose_name_plural = _("complaints of systemic issues")
        constraints = [
            models.UniqueConstraint(fields=["issue", "complaint"], name="issue_complaint_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} ← {self.complaint_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    CONFIRMED = "confirmed", _("Confirmed: a systemic issue was opened")
    DISMISSED = "dismissed", _("Dismissed")


class SystemicProposal(models.Model):
    """A systemic issue proposed, not opened: complaints found alike by their text (triage's
    clusters of similar complaints), named, for a person to confirm (which opens the issue with
    them) or dismiss with a reason. Nothing is opened without a person (ISO 10002 4.7)."""

    title = models.CharField(_("title"), max_length=300)
    proposed_at = models.DateTimeField(_("proposed"), db_index=True)
    proposed_by_label = models.CharField(_("proposed by"), max_length=150)
    evidence = models.JSONField(_("why it is proposed"), default=dict, blank=True)
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), related_name="systemic_proposals"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    issue = models.ForeignKey(
        SystemicIssue,
        verbose_name=_("systemic issue opened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )

    class Meta:
        verbose_name = _("proposed systemic issue")
        verbose_name_plural = _("proposed systemic issues")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"DX-{self.pk:05d}"
