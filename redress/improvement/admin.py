"""Admin for the settings of continual improvement: the cause taxonomy and the systemic issue
rules (administrators). Issues and CAPA are worked in the back office through the services;
the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.improvement.models import Capa, Cause, SystemicIssue, SystemicRule
from redress.improvement.services import rule_problems, systemic_rule_save


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name_vi", "name_en"]
    ordering = ["parent__position", "position", "code"]


class SystemicRuleForm(forms.ModelForm):
    class Meta:
        model = SystemicRule
        fields = [
            "name",
            "dimension",
            "threshold",
            "window_days",
            "per_unit",
            "is_significant",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        problems = rule_problems(
            threshold=cleaned.get("threshold"), window_days=cleaned.get("window_days")
        )
        for field, messages in problems.items():
            if field not in self.errors:
                self.add_error(field, messages)
        return cleaned


@admin.register(SystemicRule)
class SystemicRuleAdmin(admin.ModelAdmin):
    form = SystemicRuleForm
    list_display = ["name", "dimension", "threshold", "window_days", "per_unit", "is_active"]
    list_filter = ["dimension", "per_unit", "is_active"]

    def save_model(self, request: HttpRequest, obj: SystemicRule, form: Any, change: bool) -> None:
        """Through the service, so the change is audited like any other."""
        values = {name: form.cleaned_data[name] for name in SystemicRuleForm.Meta.fields}
        try:
            saved = systemic_rule_save(
                actor=Actor.for_user(request.user),  # type: ignore[arg-type]
                rule=obj if change else None,
                **values,
            )
        except ApplicationError as error:  # the form checked the same rules already
            raise ValueError(error.message) from error
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a rule off instead: its issues keep pointing at it


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SystemicIssue)
class SystemicIssueAdmin(ReadOnly):
    list_display = ["__str__", "source", "status", "unit", "opened_at"]
    list_filter = ["status", "source"]


@admin.register(Capa)
class CapaAdmin(ReadOnly):
    list_display = ["__str__", "type", "status", "unit", "owner", "due_at"]
    list_filter = ["status", "type"]
