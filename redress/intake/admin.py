"""Admin for intake: mailboxes (with their failing flag), every incoming email with the
quarantine, and the complaint import (``intake.admin_import``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.intake.admin_import import ImportBatchAdmin
from redress.intake.imap import mailbox_poll
from redress.intake.mailboxes import SETTINGS_FIELDS, mailbox_check, mailbox_create, mailbox_update
from redress.intake.models import ImportBatch, InboundEmail, Mailbox
from redress.intake.services import inbound_email_dismiss, inbound_email_reprocess

admin.site.register(ImportBatch, ImportBatchAdmin)


class MailboxForm(forms.ModelForm):
    """Checked and saved by ``intake.mailboxes``, as in the back office (audited, sealed)."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = list(SETTINGS_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        defaults: dict[str, Any] = {"port": None, "unit": None}
        problems = mailbox_check(
            mailbox=self.instance if self.instance.pk else None,
            **{
                field: data.get(field, defaults.get(field, ""))
                for field in SETTINGS_FIELDS
                if field != "is_active"
            },
        )
        for field, messages_ in problems.items():
            if field not in self.errors:
                self.add_error(field, messages_)
        return data

    def validate_unique(self) -> None:
        """The services check the name (ignoring case), and say so on the name field."""


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "host",
        "username",
        "folder",
        "is_active",
        "status",
        "last_success_at",
        "consecutive_failures",
    ]
    list_filter = ["is_active"]
    readonly_fields = [
        "last_polled_at",
        "last_success_at",
        "consecutive_failures",
        "last_error",
        "alert_raised_at",
        "last_uid",
        "uid_validity",
    ]
    actions = ["poll_now"]

    def save_model(
        self, request: HttpRequest, obj: Mailbox, form: MailboxForm, change: bool
    ) -> None:
        """Through ``intake.mailboxes``: the same checks, sealing and audit entry as in the
        back office."""
        fields = {field: form.cleaned_data[field] for field in SETTINGS_FIELDS}
        actor = Actor.for_user(request.user)  # type: ignore[arg-type]
        if change:
            saved = mailbox_update(mailbox=obj, actor=actor, **fields)
        else:
            saved = mailbox_create(actor=actor, **fields)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    @admin.display(description=_("status"))
    def status(self, obj: Mailbox) -> str:
        if obj.is_failing:
            return format_html('<strong style="color:#b00020">⚠ {}</strong>', _("Failing"))
        if obj.consecutive_failures:
            return str(_("Last poll failed"))
        return str(_("OK")) if obj.last_success_at else "—"

    @admin.action(description=_("Read the selected mailboxes now"))
    def poll_now(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        for mailbox in queryset:
            result = mailbox_poll(mailbox)
            if result.ok:
                self.message_user(
                    request,
                    _("%(mailbox)s: %(fetched)s emails read, %(new)s new.")
                    % {"mailbox": mailbox.name, "fetched": result.fetched, "new": result.new},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(mailbox)s: cannot be read: %(error)s")
                    % {"mailbox": mailbox.name, "error": result.error},
                    messages.ERROR,
                )


class QuarantineFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("quarantine", _("In quarantine"))]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "quarantine":
            return queryset.filter(outcome=InboundEmail.Outcome.QUARANTINED)
        return queryset


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every email that came in, with what became of it. Quarantined emails are looked at
    here: download the original, process it again, or dismiss it."""

    list_display = [
        "received_at",
        "from_address",
        "subject",
        "outcome",
        "complaint_link",
        "source",
        "mailbox",
    ]
    list_filter = [QuarantineFilter, "outcome", "source", "mailbox"]
    search_fields = ["from_address", "subject", "email_message_id", "complaint__reference"]
    date_hierarchy = "received_at"
    actions = ["reprocess", "dismiss"]
    readonly_fields = [
        "received_at",
        "source",
        "mailbox",
        "email_message_id",
        "from_address",
        "subject",
        "outcome",
        "reason",
        "complaint",
        "message",
        "size",
        "sha256",
        "original",
        "reviewed_at",
        "reviewed_by",
    ]
    exclude = ["raw", "dedupe_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def complaint_link(self, obj: InboundEmail) -> str:
        return obj.complaint.reference if obj.complaint_id else "—"  # type: ignore[union-attr]

    @admin.display(description=_("original email"))
    def original(self, obj: InboundEmail) -> str:
        url = reverse("admin:intake_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (.eml)"))

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="intake_inboundemail_raw",
            ),
            *super().get_urls(),
        ]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        email = get_object_or_404(InboundEmail, pk=pk)
        return FileResponse(
            default_storage.open(str(email.raw.name), "rb"),
            as_attachment=True,
            filename=f"email-{email.pk}.eml",
            content_type="message/rfc822",
        )

    @admin.action(
        description=_("Process the selected quarantined emails again"), permissions=["view"]
    )
    def reprocess(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        done = 0
        actor = Actor.for_user(request.user)  # type: ignore[arg-type]
        for email in queryset.filter(outcome=InboundEmail.Outcome.QUARANTINED):
            try:
                outcome = inbound_email_reprocess(inbound=email, actor=actor).outcome
            except Conflict:
                continue  # someone else took it out of the quarantine meanwhile
            if outcome != InboundEmail.Outcome.QUARANTINED:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d email left the quarantine.",
                "%(count)d emails left the quarantine.",
                done,
            )
            % {"count": done},
        )

    @admin.action(
        description=_("Dismiss the selected quarantined emails (they stay kept)"),
        permissions=["view"],
    )
    def dismiss(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        count = 0
        actor = Actor.for_user(request.user)  # type: ignore[arg-type]
        for email in queryset.filter(outcome=InboundEmail.Outcome.QUARANTINED):
            try:
                inbound_email_dismiss(inbound=email, actor=actor)
            except Conflict:
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d email dismissed.", "%(count)d emails dismissed.", count)
            % {"count": count},
        )
