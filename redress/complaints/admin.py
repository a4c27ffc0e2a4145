"""Admin for the register's vocabularies. Complaints themselves are handled in the back office,
through the services; the admin never edits a complaint or its record."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext

from redress.complaints import rules
from redress.complaints.models import (
    Category,
    Level,
    Priority,
    PriorityMatrix,
    Product,
    Severity,
)
from redress.complaints.models.priority import default_priority_matrix
from redress.core.admin import SettingsAdmin


@admin.register(Category)
class CategoryAdmin(SettingsAdmin):
    list_display = ["code", "name_vi", "name_en", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["code", "name_vi", "name_en"]


def _cell(severity: str, impact: str) -> str:
    return f"cell_{severity}_{impact}"


def _cell_label_now(severity: Severity, impact: Level) -> str:
    return gettext("Severity “%(severity)s”, impact “%(impact)s”") % {
        "severity": severity.label,
        "impact": impact.label,
    }


# Translated when shown, in the administrator's language.
_cell_label = lazy(_cell_label_now, str)


class _PriorityMatrixForm(forms.ModelForm):
    """The matrix as one choice per severity and impact, every one required: the matrix is
    complete by construction (``rules.priority_matrix_errors`` checks it again on save)."""

    class Meta:
        model = PriorityMatrix
        fields = ["organisation"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cells = self.instance.cells if self.instance.pk else default_priority_matrix()
        for severity in Severity:
            for impact in Level:
                self.fields[_cell(severity, impact)].initial = (cells.get(severity) or {}).get(
                    impact
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cells = {
            str(severity): {str(impact): data.get(_cell(severity, impact)) for impact in Level}
            for severity in Severity
        }
        errors = rules.priority_matrix_errors(cells)
        if errors:
            raise forms.ValidationError(errors)
        self.instance.cells = cells
        return data


# The admin builds its form from declared fields only: one per cell, declared here.
PriorityMatrixForm = type(
    "PriorityMatrixForm",
    (_PriorityMatrixForm,),
    {
        _cell(severity, impact): forms.ChoiceField(
            label=_cell_label(severity, impact), choices=Priority.choices
        )
        for severity in Severity
        for impact in Level
    },
)


@admin.register(PriorityMatrix)
class PriorityMatrixAdmin(SettingsAdmin):
    """The severity × impact matrix that proposes the priority at assessment (ISO 10002 7.5)."""

    form = PriorityMatrixForm
    list_display = ["__str__", "organisation"]

    fields = ["organisation", *(_cell(s, i) for s in Severity for i in Level)]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not PriorityMatrix.objects.exists() and super().has_add_permission(request)
