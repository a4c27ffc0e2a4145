"""The organisation edits its public information here. A published version is read-only
and cannot be deleted; to change it, copy it into a new draft, edit, and publish that."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.transparency.models import ExternalBody, Notice, NoticeConsent, NoticeStep
from redress.transparency.services import notice_copy, notice_next_version, notice_publish


class NoticeStepInline(admin.StackedInline):
    model = NoticeStep
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_published


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "published_at", "published_by", "change_note"]
    list_filter = ["state"]
    readonly_fields = [
        "version",
        "state",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
    ]
    inlines = [NoticeStepInline]
    actions = ["publish", "copy"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "version",
                    "state",
                    "change_note",
                    "created_at",
                    "created_by",
                    "published_at",
                    "published_by",
                ]
            },
        ),
        (_("Introduction"), {"fields": ["intro_vi", "intro_en"]}),
        (_("How to complain"), {"fields": ["how_vi", "how_en"]}),
        (_("Charges"), {"fields": ["charges_vi", "charges_en"]}),
        (
            _("Personal data"),
            {
                "fields": ["privacy_vi", "privacy_en"],
                "description": _(
                    "Write {retention} where the notice says how long data is kept: the public "
                    "page puts there the periods of the retention rules as they are set."
                ),
            },
        ),
        (_("Internal review"), {"fields": ["review_vi", "review_en"]}),
    ]

    def has_change_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Notice, form: Any, change: bool) -> None:
        if not change:
            obj.version = notice_next_version()
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected version"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version to publish."), messages.ERROR)
            return
        try:
            notice = notice_publish(notice=queryset.get(), actor=Actor.for_user(request.user))  # type: ignore[arg-type]
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("%(notice)s is now on the public page.") % {"notice": notice})

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("transparency.publish_notice")

    @admin.action(description=_("Copy into a new draft"), permissions=["add"])
    def copy(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        for notice in queryset:
            draft = notice_copy(notice=notice, actor=Actor.for_user(request.user))  # type: ignore[arg-type]
            self.message_user(request, _("%(draft)s created as a draft.") % {"draft": draft})


@admin.register(ExternalBody)
class ExternalBodyAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "order", "is_active", "is_negotiation_or_mediation"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]


@admin.register(NoticeConsent)
class NoticeConsentAdmin(admin.ModelAdmin):
    """Consent evidence is read, never edited."""

    list_display = ["complaint", "notice", "method", "channel", "given_at", "withdrawn_at"]
    list_filter = ["method", "withdrawal_method"]
    list_select_related = ["complaint", "notice"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
