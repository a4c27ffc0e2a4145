from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from redress.core.memo import memo_clear
from redress.core.models import Membership, Organisation, OrgUnit, User


class SettingsAdmin(admin.ModelAdmin):
    """Admin of a settings row that processes remember (``redress.core.memo``): this process
    forgets at once what it remembered; the others within a few seconds."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        memo_clear()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        memo_clear()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        memo_clear()


admin.site.site_header = _("Redress administration")
admin.site.site_title = _("Redress")
admin.site.index_title = _("Settings of the organisation")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Redress"), {"fields": ("language", "phone")}),
    )
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "language"]


@admin.register(OrgUnit)
class OrgUnitAdmin(SettingsAdmin):
    list_display = ["name", "code", "parent", "calendar", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Organisation)
class OrganisationAdmin(SettingsAdmin):
    list_display = ["name", "reference_prefix", "four_eyes_threshold", "time_zone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Organisation.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False
