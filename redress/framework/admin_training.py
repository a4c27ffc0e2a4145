"""Competence in the Django admin (administrators): courses are changed through the training
services, so the change is checked and audited like one made in the back office; training
records are read-only there (they are recorded in the back office, which checks their dates and
evidence)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.roles import Role
from redress.framework.models import Course, TrainingRecord
from redress.framework.services.training import MAX_VALID_MONTHS, course_create, course_update


class CourseAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Required of"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Course
        fields = ["code", "name", "name_en", "valid_months", "active"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(
                self.instance.requirements.values_list("role", flat=True)
            )
        # The service's range, shown on the field.
        self.fields["valid_months"].validators.append(_months_check)


def _months_check(months: int | None) -> None:
    if months is not None and not 1 <= months <= MAX_VALID_MONTHS:
        raise forms.ValidationError(
            _("A course is valid for 1 to %(max)d months, or never expires (empty)."),
            params={"max": MAX_VALID_MONTHS},
        )


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ["code", "name", "name_en", "valid_months", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        """Through the service, so the change is audited like any other."""
        data = form.cleaned_data
        values = {
            "code": data["code"],
            "name": data["name"],
            "name_en": data.get("name_en", ""),
            "valid_months": data.get("valid_months"),
            "roles": data.get("roles", []),
        }
        actor = Actor.for_user(request.user)  # type: ignore[arg-type]
        try:
            if change:
                saved = course_update(
                    course=obj, actor=actor, active=data.get("active", True), **values
                )
            else:
                saved = course_create(actor=actor, **values)
        except ApplicationError as error:  # the form checked the same rules already
            raise ValueError(error.message) from error
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a course off instead: its records keep pointing at it


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "completed_on", "expires_on", "recorded_by_label"]
    list_filter = ["course"]
    date_hierarchy = "completed_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
