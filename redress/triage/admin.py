"""The keyword rules an administrator edits (cold start, and the yardstick of the learned
model); every change is audited by the admin site. The versions of the model are shown and
evaluated in the back office (/staff/admin/triage/), never edited."""

from django.contrib import admin

from redress.triage.models import KeywordRule


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "product", "unit", "priority", "health_safety", "is_active"]
    list_filter = ["is_active", "priority", "health_safety"]
    search_fields = ["name", "keywords"]
