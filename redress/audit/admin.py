from django.contrib import admin
from django.http import HttpRequest

from redress.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched and read, never edited or deleted."""

    list_display = ["seq", "at", "actor_kind", "actor_label", "action", "target_label"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["target_label", "actor_label", "action"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEntry | None = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
