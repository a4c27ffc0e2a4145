"""Who is responsible, accountable, consulted and informed at each step of the process
(ISO 10002 clause 5.3 and 5.4): the responsibility matrix."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.core.models import OrgUnit
from redress.core.roles import Role


class ProcessStep(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ASSESSMENT = "assessment", _("Assessment")
    INVESTIGATION = "investigation", _("Investigation")
    DECISION = "decision", _("Decision")
    COMMUNICATION = "communication", _("Communication")
    CLOSURE = "closure", _("Closure")
    ANALYSIS = "analysis", _("Analysis")
    AUDIT = "audit", _("Internal audit")
    REVIEW = "review", _("Management review")


class Raci(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class Responsibility(models.Model):
    """One cell of the matrix: a role (in a unit, or in every unit) has a part in a step, from
    a date. A step has exactly one accountable row in force; ending a row keeps it as history."""

    step = models.CharField(_("process step"), max_length=16, choices=ProcessStep.choices)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: in every unit."),
    )
    part = models.CharField(_("part"), max_length=1, choices=Raci.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["step", "part", "role"]
        indexes = [models.Index(fields=["step", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.part} · {self.get_role_display()}"
