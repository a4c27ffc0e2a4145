"""Management review (ISO 10002 clause 8.6): a meeting of top management with its participants,
the inputs frozen as a snapshot at the review date, the outputs it decided (decisions, actions,
resource needs, improvements to the policy or objectives), and its minutes, approved by top
management. The lifecycle is ``framework.review_transitions``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    INPUTS_FROZEN = "inputs_frozen", _("Inputs frozen")
    HELD = "held", _("Held")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")


class ManagementReview(models.Model):
    """One management review. Its inputs are what the snapshot holds once frozen; the free-text
    inputs (changes in law or context, resources, other) are written by the preparer before."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    review_date = models.DateField(_("review date"), db_index=True)
    period_start = models.DateField(_("review period from"))
    period_end = models.DateField(_("review period to"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED
    )
    context_changes = models.TextField(_("changes in law or context"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    other_inputs = models.TextField(_("other inputs"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("planned at"))
    frozen_at = models.DateTimeField(_("inputs frozen at"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the participants were reminded of the coming review (once per review).
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-review_date", "-pk"]
        indexes = [models.Index(fields=["status", "review_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ReviewSnapshot(models.Model):
    """The review's inputs as they were when frozen (``framework.review_inputs``), never changed
    afterwards; ``sha256`` is the digest of its canonical JSON, also written in the audit entry
    of the freeze, so that any later change to the row shows."""

    review = models.OneToOneField(
        ManagementReview, on_delete=models.PROTECT, related_name="snapshot"
    )
    taken_at = models.DateTimeField(_("taken at"))
    taken_by_label = models.CharField(_("taken by"), max_length=150)
    data = models.JSONField(_("inputs"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("management-review snapshot")
        verbose_name_plural = _("management-review snapshots")

    def __str__(self) -> str:
        return f"{self.review_id} · {self.sha256[:12]}"


class OutputType(models.TextChoices):
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action")
    RESOURCE_NEED = "resource_need", _("Resource need")
    IMPROVEMENT = "improvement", _("Improvement to the policy or objectives")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ReviewOutput(models.Model):
    """What the review decided. An action has an owner and a due date and is followed either by
    a CAPA it opened or as a task tracked here (open until its owner marks it done)."""

    review = models.ForeignKey(ManagementReview, on_delete=models.CASCADE, related_name="outputs")
    type = models.CharField(_("type"), max_length=16, choices=OutputType.choices)
    text = models.TextField(_("text"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    capa = models.ForeignKey(
        "improvement.Capa",
        verbose_name=_("CAPA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task_status = models.CharField(
        _("task status"), max_length=8, choices=TaskStatus.choices, blank=True
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)
    # When the overdue notice went to the owner and management (once per action).
    escalated_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("management-review output")
        verbose_name_plural = _("management-review outputs")
        ordering = ["review", "pk"]
        indexes = [models.Index(fields=["type", "task_status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.get_type_display()}"
