"""Admin for message templates and the outbox (delivery log with retry)."""

import re

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.complaints.masking import mask_email
from redress.core.admin import SettingsAdmin
from redress.notifications.models import MessageTemplate, OutboundEmail
from redress.notifications.services import email_retry


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SettingsAdmin):
    list_display = ["code", "language", "purpose", "name", "is_active", "updated_at"]
    list_filter = ["purpose", "language", "is_active"]
    search_fields = ["code", "name", "subject", "body"]


# Addresses in a delivery error ("550 5.1.1 <lan@example.vn>: user unknown") are personal data.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox as a delivery log. Emails are written by Redress only; staff can only
    ask for another attempt.

    The administrator runs the system and by design sees no complaint (docs/security.md): the
    log shows what was sent to whom only masked, and never a subject or body, which hold the
    complainant's name, what they complained about and, in a receipt, their tracking code.
    """

    list_display = [
        "created_at",
        "recipient",
        "complaint_reference",
        "template_code",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["state", "template_code"]
    # Not by address: searching would tell whether a person has complained.
    search_fields = ["email_message_id", "complaint__reference"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = fields = (
        "recipient",
        "complaint_reference",
        "template_code",
        "email_message_id",
        "in_reply_to",
        "state",
        "attempts",
        "next_attempt_at",
        "delivery_error",
        "created_at",
        "sent_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboundEmail]:
        return super().get_queryset(request).select_related("complaint")

    @admin.display(description=_("to"))
    def recipient(self, email: OutboundEmail) -> str:
        return mask_email(email.to)

    @admin.display(description=_("complaint"))
    def complaint_reference(self, email: OutboundEmail) -> str:
        return email.complaint.reference if email.complaint else "—"

    @admin.display(description=_("last error"))
    def delivery_error(self, email: OutboundEmail) -> str:
        return _ADDRESS.sub(lambda found: mask_email(found.group()), email.last_error)

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
