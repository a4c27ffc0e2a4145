"""Admin for the register's vocabularies. Complaints themselves are handled in the back office,
through the services; the admin never edits a complaint or its record."""

from django.contrib import admin

from redress.complaints.models import Category, Product
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
