"""Triage: the keyword rules an administrator edits, the versions of the model learned from the
organisation's closed complaints (with their evaluation), and what was suggested against what a
person chose (docs/triage.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Priority


class Field(models.TextChoices):
    """What triage suggests."""

    CATEGORY = "category", _("Category")
    PRODUCT = "product", _("Product or service")
    UNIT = "unit", _("Unit")
    PRIORITY = "priority", _("Priority")
    HEALTH_SAFETY = "health_safety", _("Health or safety risk")


class Source(models.TextChoices):
    MODEL = "model", _("Learned model")
    RULES = "rules", _("Keyword rules")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Frontline intake")
    ASSESSMENT = "assessment", _("Assessment")


class KeywordRule(models.Model):
    """Words that point to a category, product, unit or priority (or to a health or safety
    risk to check): the suggestions before there are enough closed complaints to learn from,
    and the yardstick a learned model must beat. Matched ignoring case and diacritics."""

    name = models.CharField(_("name"), max_length=120)
    keywords = models.TextField(
        _("keywords"),
        help_text=_(
            "One word or phrase per line (or separated by commas), in Vietnamese or English; "
            "case and diacritics are ignored."
        ),
    )
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        "complaints.Product",
        verbose_name=_("product or service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    health_safety = models.BooleanField(_("health or safety risk"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        parts = self.keywords.replace(",", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]


class TriageModel(models.Model):
    """One training run: its version, what it learned from, its evaluation on a held-out split
    (per field: the model against the keyword rules) and the file of the learned model.

    ``is_active`` marks the version in use; a field is suggested by the model only where its
    evaluation says it beats the rules (``metrics[field]["uses_model"]``)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained"))
    trained_by = models.CharField(_("trained by"), max_length=150)
    examples = models.PositiveIntegerField(_("closed complaints learned from"), default=0)
    seconds = models.FloatField(_("training time (seconds)"), default=0)
    metrics = models.JSONField(_("evaluation"), default=dict)
    file = models.CharField(_("model file"), max_length=200, blank=True)
    file_bytes = models.PositiveBigIntegerField(_("file size"), default=0)
    is_active = models.BooleanField(_("in use"), default=False)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="triage_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def uses_model(self, field: str) -> bool:
        return bool(self.metrics.get("fields", {}).get(field, {}).get("uses_model"))


class SuggestionOutcome(models.Model):
    """What was suggested for one field of a complaint at intake or assessment, and what the
    person chose: the acceptance rate of suggestions in use."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    model = models.ForeignKey(
        TriageModel,
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested = models.CharField(_("suggested"), max_length=32)
    confidence = models.FloatField(_("confidence"))
    chosen = models.CharField(_("chosen"), max_length=32, blank=True)
    accepted = models.BooleanField(_("accepted"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("suggestion outcome")
        verbose_name_plural = _("suggestion outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "field"], name="triage_outcome_once"
            )
        ]
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage} {self.field}"


class TrainingState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Training")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class TriageTraining(models.Model):
    """A training asked for on the evaluation page ("Train now"), run by the worker: who asked,
    when it started and ended, the version it made or why it failed. ``in_progress`` holds while
    it waits or runs; one at a time (the constraint)."""

    requested_at = models.DateTimeField(_("asked"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=8, choices=TrainingState.choices, default=TrainingState.QUEUED
    )
    in_progress = models.BooleanField(_("in progress"), default=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    model = models.ForeignKey(
        TriageModel,
        verbose_name=_("version made"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("triage training")
        verbose_name_plural = _("triage trainings")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_progress"],
                condition=models.Q(in_progress=True),
                name="triage_one_training_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.state}"
