"""Administration of email intake: dismissing a quarantined email, a mailbox's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redress.backoffice.forms.common import LocalizedChoiceField, once_field
from redress.core.models import OrgUnit
from redress.intake.mailboxes import mailbox_settings
from redress.intake.models import Mailbox


class DismissForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MailboxForm(forms.Form):
    """A mailbox's settings; ``intake.mailboxes`` decides. The password is never shown back:
    on a new mailbox ``once`` works as on the token form; on a change, an empty password keeps
    the stored one."""

    once = once_field()
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("Shown in lists and alerts, e.g. “Complaints”."),
    )
    host = forms.CharField(
        label=pgettext_lazy("mailbox form", "IMAP server"),
        max_length=200,
        help_text=_("For example imap.gmail.com."),
    )
    port = forms.IntegerField(label=_("Port"), initial=993, min_value=1, max_value=65535)
    security = forms.ChoiceField(
        label=_("Security"), choices=Mailbox.Security.choices, initial=Mailbox.Security.SSL
    )
    username = forms.CharField(label=_("User name"), max_length=200)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored sealed; it is never shown again."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")
    unit = LocalizedChoiceField(
        label=_("Receiving unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— the top unit —"),
        help_text=_("New complaints from this mailbox go to this unit."),
    )
    is_active = forms.BooleanField(
        label=_("Read this mailbox"),
        required=False,
        initial=True,
        help_text=_("Off: it is kept but not read."),
    )

    @property
    def password_dropped(self) -> bool:
        """A password was typed but the form came back: it is not filled in again."""
        return self.is_bound and bool(self.errors) and bool(self.data.get("password"))

    def __init__(self, *args: Any, mailbox: Mailbox | None = None, **kwargs: Any):
        if mailbox is not None:
            kwargs.setdefault("initial", mailbox_settings(mailbox))
        super().__init__(*args, **kwargs)
        units = Q(is_active=True)
        if mailbox is not None:
            # A unit switched off since stays selectable for the mailbox that still has it.
            units |= Q(pk=mailbox.unit_id)
            del self.fields["once"]
            self.fields["password"].help_text = _(
                "Leave empty to keep the current password. Stored sealed; it is never shown."
            )
        self.fields["unit"].queryset = OrgUnit.objects.filter(units).order_by("name")  # type: ignore[attr-defined]
