"""The severity × impact matrix that proposes a complaint's priority at initial assessment
(ISO 10002 7.5: "derives priority"). One per organisation, edited by administrators in the
admin; the rule that reads it is ``complaints.rules.assessed_priority``."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import Level, Priority, Severity

# Severity → impact → priority. An assessment without an impact reads the medium column.
DEFAULT_PRIORITY_MATRIX: dict[str, dict[str, str]] = {
    Severity.LOW: {
        Level.LOW: Priority.LOW,
        Level.MEDIUM: Priority.LOW,
        Level.HIGH: Priority.NORMAL,
    },
    Severity.MEDIUM: {
        Level.LOW: Priority.NORMAL,
        Level.MEDIUM: Priority.NORMAL,
        Level.HIGH: Priority.HIGH,
    },
    Severity.HIGH: {
        Level.LOW: Priority.NORMAL,
        Level.MEDIUM: Priority.HIGH,
        Level.HIGH: Priority.URGENT,
    },
    Severity.CRITICAL: {
        Level.LOW: Priority.HIGH,
        Level.MEDIUM: Priority.URGENT,
        Level.HIGH: Priority.URGENT,
    },
}


def default_priority_matrix() -> dict[str, dict[str, str]]:
    return {
        str(s): {str(i): str(p) for i, p in row.items()}
        for s, row in DEFAULT_PRIORITY_MATRIX.items()
    }


class PriorityMatrix(models.Model):
    """The organisation's priority for each severity and impact. Every cell must be set
    (``complaints.rules.priority_matrix_errors``); the admin's form asks for all of them."""

    organisation = models.OneToOneField(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="priority_matrix",
    )
    cells = models.JSONField(_("priority by severity and impact"), default=default_priority_matrix)

    class Meta:
        verbose_name = _("priority matrix")
        verbose_name_plural = _("priority matrix")

    def __str__(self) -> str:
        return str(_("Priority matrix"))

    def clean(self) -> None:
        from redress.complaints.rules import priority_matrix_errors  # the rule imports this module

        errors = priority_matrix_errors(self.cells)
        if errors:
            raise ValidationError({"cells": errors})
