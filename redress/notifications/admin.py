"""Admin for message templates and the outbox (delivery log with retry)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.core.admin import SettingsAdmin
from redress.notifications.models import MessageTemplate, OutboundEmail
from redress.notifications.services import email_retry


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SettingsAdmin):
    list_display = ["code", "language", "purpose", "name", "is_active", "updated_at"]
    list_filter = ["purpose", "language", "is_active"]
    search_fields = ["code", "name", "subject", "body"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox as a delivery log. Emails are written by Redress only; staff can only
    ask for another attempt."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "template_code",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "template_code"]
    search_fields = ["to", "subject", "email_message_id", "complaint__reference"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description=_("Try to send again now"))
    def retry_now(self, request, queryset):  # type: ignore[no-untyped-def]
        count = sum(1 for email in queryset if email_retry(email=email))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
