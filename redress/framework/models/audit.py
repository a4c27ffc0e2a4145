"""Internal audit of the complaints-handling process (ISO 10002 clause 8.5): the yearly
programme of audits, each with its scope, independent auditors, a checklist copied from the
ISO 10002 clauses, a reproducible sample of closed complaints, findings (a nonconformity opens a
CAPA), and the reminders sent before and after its planned date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.core.models import OrgUnit


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Answer(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NONCONFORMING = "nonconforming", _("Nonconforming")
    OBSERVATION = "observation", _("Observation")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class CheckResult(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NONCONFORMING = "nonconforming", _("Nonconforming")


class CheckAspect(models.TextChoices):
    """What an auditor may check on one sampled complaint (ISO 10002 7.2–7.9)."""

    RECORDED = "recorded", _("Received and recorded with a reference")
    ACKNOWLEDGED_IN_TIME = "acknowledged_in_time", _("Acknowledged in time")
    ASSESSED = "assessed", _("Assessed and prioritised")
    INVESTIGATED = "investigated", _("Investigated with evidence")
    DECISION_COMMUNICATED = "decision_communicated", _("Decision communicated with reasons")
    RECOURSE_EXPLAINED = "recourse_explained", _("How to contest the decision explained")
    CLOSED_PROPERLY = "closed_properly", _("Closed with the complainant's reaction recorded")
    RECORDS_COMPLETE = "records_complete", _("Records complete")


class FindingType(models.TextChoices):
    MAJOR_NC = "major_nc", _("Major nonconformity")
    MINOR_NC = "minor_nc", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    OPPORTUNITY = "opportunity", _("Opportunity for improvement")


NONCONFORMITIES = frozenset({FindingType.MAJOR_NC, FindingType.MINOR_NC})


class Audit(models.Model):
    """One internal audit of the programme of its year. The sample's rule (confidence and
    tolerable deviation rate, or a size chosen by the auditor), its seed and the population it
    was drawn from are kept so that the same draw can be made again and compared."""

    year = models.PositiveIntegerField(_("programme year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("audited unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit and every unit below it."),
    )
    categories = models.ManyToManyField(
        "complaints.Category",
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every category."),
    )
    period_start = models.DateField(_("complaints closed from"))
    period_end = models.DateField(_("complaints closed until"))
    planned_on = models.DateField(_("planned date"))
    risk_level = models.CharField(_("risk"), max_length=8, choices=RiskLevel.choices)
    rationale = models.TextField(_("why this audit (risk)"))
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("auditors"), related_name="+"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    created_at = models.DateTimeField(_("created at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The sample of closed complaints (docs/management-system.md, "The audit sample").
    sample_confidence = models.PositiveSmallIntegerField(_("confidence (%)"), null=True)
    sample_tolerable_pct = models.DecimalField(
        _("tolerable deviation rate (%)"), max_digits=5, decimal_places=2, null=True
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True)
    sample_seed = models.BigIntegerField(_("random seed"), null=True)
    population_size = models.PositiveIntegerField(_("population"), null=True)
    population_digest = models.CharField(_("population fingerprint"), max_length=64, blank=True)
    sampled_at = models.DateTimeField(_("sample drawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["-year", "planned_on", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="audit_unique_reference")
        ]
        indexes = [models.Index(fields=["status", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"IA-{self.year}-{self.sequence:03d}"


class AuditQuestion(models.Model):
    """One question of an audit's checklist (copied from the default list when the audit
    starts; the auditor may add, edit and remove questions) and its answer."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    clause = models.CharField(_("ISO 10002 clause"), max_length=12)
    text = models.TextField(_("question (Vietnamese)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by_label = models.CharField(_("answered by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["audit", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.clause} {self.text[:60]}"

    def display_text(self, language: str = "vi") -> str:
        return self.text_en if language == "en" and self.text_en else self.text


class AuditSampleItem(models.Model):
    """One closed complaint of an audit's sample, and what the auditor found checking it."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="sample_items")
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"))
    checks = models.JSONField(_("what was checked"), default=list, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by_label = models.CharField(_("checked by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("sampled complaint")
        verbose_name_plural = _("sampled complaints")
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "complaint"], name="audit_sample_unique_complaint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} #{self.position}"


class AuditFinding(models.Model):
    """A finding of an audit; a nonconformity (major or minor) has the CAPA it opened."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(_("number"))
    type = models.CharField(_("type"), max_length=12, choices=FindingType.choices)
    statement = models.TextField(_("finding"))
    clause = models.CharField(_("ISO 10002 clause"), max_length=12, blank=True)
    question = models.ForeignKey(
        AuditQuestion,
        verbose_name=_("checklist question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    sample_item = models.ForeignKey(
        AuditSampleItem,
        verbose_name=_("sampled complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    capa = models.ForeignKey(
        "improvement.Capa",
        verbose_name=_("CAPA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))
    created_by_label = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="audit_finding_unique_number")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.audit.reference}/F{self.number}"

    @property
    def is_nonconformity(self) -> bool:
        return self.type in NONCONFORMITIES


class AuditReminder(models.Model):
    """A reminder sent about an audit: once per audit, kind and planned date."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", _("Audit coming up")
        OVERDUE = "overdue", _("Audit past its planned date")

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    planned_on = models.DateField(_("planned date"))
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("audit reminder")
        verbose_name_plural = _("audit reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "kind", "planned_on"], name="audit_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.kind} {self.planned_on}"
