"""The certification map as data (docs/certification.md): a standard, its clauses and guiding
principles, and the evidence rules that say which named evaluator reads which records for an
item; and the daily readiness snapshots that give the self-assessment its history.

A map is loaded from a JSON file of the app (``certification.maps``) by a data migration; a
second standard (ISO 9001) names no evaluators of its own but refers to the items of another
map whose evidence feeds it (``Item.references``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Standard(models.Model):
    """A management-system standard the organisation is (or will be) certified against."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    edition = models.CharField(_("edition"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "code")
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    CLAUSE = "clause", _("Clause")
    PRINCIPLE = "principle", _("Guiding principle")


class Item(models.Model):
    """A clause, sub-clause or guiding principle of a standard. A clause's score gathers its
    own rules and those of its sub-clauses (``parent``)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Items of another standard whose evidence feeds this one (the ISO 9001 cross-references).
    references = models.ManyToManyField("self", symmetrical=False, blank=True)

    class Meta:
        ordering = ("standard", "order")
        constraints = [
            models.UniqueConstraint(fields=("standard", "code"), name="certification_item_code")
        ]
        verbose_name = _("clause or principle")
        verbose_name_plural = _("clauses and principles")

    def __str__(self) -> str:
        return f"{self.code} {self.title_in()}"

    def title_in(self, language: str | None = None) -> str:
        language = language or get_language() or "vi"
        return self.title_en if language.startswith("en") and self.title_en else self.title


class EvidenceRule(models.Model):
    """One piece of evidence an item asks for: the evaluator (by its registered name) that reads
    the records, and its parameters (a target, a maximum age, a KPI code…)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="rules")
    evaluator = models.CharField(_("evaluator"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("evidence (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("evidence (English)"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("item", "order")
        verbose_name = _("evidence rule")
        verbose_name_plural = _("evidence rules")

    def __str__(self) -> str:
        return f"{self.item.code}: {self.evaluator}"

    def title_in(self, language: str | None = None) -> str:
        language = language or get_language() or "vi"
        return self.title_en if language.startswith("en") and self.title_en else self.title


class ReadinessSnapshot(models.Model):
    """The readiness of one standard as computed on one day (the organisation's day): its score
    and, per item, the status and score, so that the history survives changes to the records.
    One row per standard and day, whichever worker takes it."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField(_("day"))
    taken_at = models.DateTimeField(_("taken at"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1)
    evidenced = models.PositiveIntegerField(_("evidenced"))
    weak = models.PositiveIntegerField(_("weak"))
    missing = models.PositiveIntegerField(_("missing"))
    items = models.JSONField(_("items"), default=dict)

    class Meta:
        ordering = ("standard", "day")
        constraints = [
            models.UniqueConstraint(fields=("standard", "day"), name="certification_snapshot_day")
        ]
        verbose_name = _("readiness snapshot")
        verbose_name_plural = _("readiness snapshots")

    def __str__(self) -> str:
        return f"{self.standard.code} {self.day}: {self.score}%"
