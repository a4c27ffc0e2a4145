"""Forms of the staff site. They only parse and validate input; the services decide."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redress.complaints.models import (
    Category,
    Channel,
    Classification,
    Complaint,
    Level,
    Outcome,
    PauseReason,
    Priority,
    Product,
    Reaction,
    RemedyType,
    Severity,
    Status,
    VulnerableGroup,
)
from redress.complaints.queues import DeadlineFilter, Queue, Sort
from redress.core.models import OrgUnit, User
from redress.intake.mailboxes import mailbox_settings
from redress.intake.models import Mailbox
from redress.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)

BLANK = [("", "—")]
STAFF_CHANNELS = [(c, Channel(c).label) for c in (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER)]
REPLY_CHANNELS = [
    (c, Channel(c).label) for c in (Channel.EMAIL, Channel.PHONE, Channel.LETTER, Channel.IN_PERSON)
]
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.get_username()


class LocalizedChoiceField(forms.ModelChoiceField):
    """Categories, products and units show their name in the person's language."""

    def label_from_instance(self, obj: Any) -> str:
        from django.utils.translation import get_language

        return obj.display_name(get_language() or "vi")


# --------------------------------------------------------------------------------------------
# Queues


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + Status.choices, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=BLANK + Priority.choices, required=False
    )
    category = LocalizedChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label="—"
    )
    unit = LocalizedChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, empty_label="—"
    )
    owner = forms.ChoiceField(label=_("Owner"), choices=BLANK, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=BLANK + Channel.choices, required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"), choices=BLANK + DeadlineFilter.choices, required=False
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=Sort.choices, required=False)

    def __init__(
        self, *args: Any, categories: Any, units: Any, owners: list[User], me: User, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            ("me", _("Me")),
            ("none", _("Nobody (unassigned)")),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in owners if u.pk != me.pk],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data


class BulkForm(forms.Form):
    OPERATIONS = [
        ("assign", _("Assign")),
        ("priority", _("Change priority")),
        ("export_csv", _("Export CSV")),
        ("export_xlsx", _("Export XLSX")),
    ]
    operation = forms.ChoiceField(choices=OPERATIONS)
    selected = forms.CharField(required=False)
    owner = forms.IntegerField(required=False)
    priority = forms.ChoiceField(choices=BLANK + Priority.choices, required=False)

    def __init__(self, *args: Any, references: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.references = references or []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        operation = data.get("operation")
        if operation in ("assign", "priority") and not self.references:
            raise forms.ValidationError(_("Select at least one complaint."))
        if operation == "assign" and not data.get("owner"):
            self.add_error("owner", _("Choose who takes the selected complaints."))
        if operation == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose the new priority."))
        return data


# --------------------------------------------------------------------------------------------
# Workspace actions


class ActionForm(forms.Form):
    """An action's form; ``complaint`` and ``user`` are there for choices that depend on them."""

    def __init__(self, *args: Any, complaint: Complaint, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user


class NoteOptionalForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcknowledgeForm(NoteOptionalForm):
    pass


class AssessForm(ActionForm):
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, initial=Classification.COMPLAINT
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=BLANK + Level.choices, required=False)
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=BLANK + Level.choices, required=False
    )
    health_safety = forms.BooleanField(label=_("Health or safety risk"), required=False)
    immediate_action = forms.CharField(
        label=_("Immediate action taken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = LocalizedChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_(
            "Required when it is not a complaint or out of scope; the complainant is told."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["severity"].initial = self.complaint.severity
        self.fields["priority"].initial = self.complaint.priority
        self.fields["health_safety"].initial = self.complaint.health_safety
        self.fields["category"].initial = self.complaint.category_id


class AssignForm(ActionForm):
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    unit = LocalizedChoiceField(
        label=_("Move to unit"), queryset=OrgUnit.objects.filter(is_active=True), required=False
    )

    def __init__(
        self, *args: Any, candidates: list[tuple[User, Any]], may_move: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user, _load in candidates}
        choices: list[tuple[str, str]] = [("", "—")]
        for user, load in candidates:
            name = user.get_full_name() or user.get_username()
            label = _("%(name)s — %(open)s open, %(overdue)s overdue") % {
                "name": name,
                "open": load.open,
                "overdue": load.overdue,
            }
            choices.append((str(user.pk), label))
        self.fields["owner"].choices = choices  # type: ignore[attr-defined]
        if not may_move:
            del self.fields["unit"]

    def clean_owner(self) -> User | None:
        value = self.cleaned_data.get("owner")
        return self.candidates.get(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("owner") and not data.get("unit"):
            raise forms.ValidationError(_("Choose an owner or a unit."))
        return data


class PrioritiseForm(ActionForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.complaint.priority


class PauseForm(ActionForm):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PauseReason.choices)
    note = forms.CharField(
        label=_("What is needed"),
        required=False,
        help_text=_("When waiting for the complainant, this text is emailed to them."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResumeForm(NoteOptionalForm):
    pass


class StartInvestigationForm(ActionForm):
    plan = forms.CharField(
        label=_("Investigation plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class NoteForm(ActionForm):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Evidence files"), required=False)


class ReplyForm(ActionForm):
    template = forms.ChoiceField(label=_("Start from template"), required=False)
    channel = forms.ChoiceField(label=_("Sent by"), choices=REPLY_CHANNELS)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = BLANK + templates  # type: ignore[attr-defined]
        if not self.complaint.complainant.email:
            self.fields["channel"].initial = Channel.PHONE


class RemedyForm(forms.Form):
    type = forms.ChoiceField(label=_("Remedy"), choices=BLANK + RemedyType.choices, required=False)
    amount = forms.DecimalField(
        label=_("Amount (VND)"), required=False, min_value=0, decimal_places=0, max_digits=16
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    due_at = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("amount") or data.get("description") or data.get("due_at")) and not data.get(
            "type"
        ):
            self.add_error("type", _("Choose the type of remedy."))
        return data


RemedyFormSet = formset_factory(RemedyForm, extra=3, max_num=10)


class ProposeDecisionForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    summary = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(NoteOptionalForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnDecisionForm(ReasonForm):
    pass


class EscalateForm(ReasonForm):
    pass


class ReopenForm(ReasonForm):
    pass


class CommunicateForm(ActionForm):
    via = forms.ChoiceField(label=_("Communicated by"), choices=REPLY_CHANNELS)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReactionForm(ActionForm):
    reaction = forms.ChoiceField(label=_("The complainant's reaction"), choices=Reaction.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Required when the complainant rejects the decision: what they do not accept."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


EXTERNAL_BODIES = [
    pgettext_lazy("external body", "Provincial Department of Industry and Trade"),
    pgettext_lazy("external body", "Consumer protection association"),
    pgettext_lazy("external body", "Commercial mediation centre"),
    pgettext_lazy("external body", "Commercial arbitration"),
    pgettext_lazy("external body", "Court"),
]


class ReferExternalForm(ActionForm):
    provider = forms.CharField(
        label=_("External body"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "external-bodies"}),
    )
    suggestions = EXTERNAL_BODIES
    consent = forms.BooleanField(
        label=_("The complainant consents to the referral"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettleRemedyForm(ActionForm):
    remedy = forms.ChoiceField(label=_("Remedy"))
    waived_reason = forms.CharField(
        label=_("Waived because"),
        required=False,
        help_text=_("Leave empty when the remedy was fulfilled."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, remedies: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.remedies = {str(r.pk): r for r in remedies}
        self.fields["remedy"].choices = [  # type: ignore[attr-defined]
            (
                str(r.pk),
                f"{r.get_type_display()} {r.amount:,.0f} {r.currency} {r.description}".strip(),
            )
            for r in remedies
        ]

    def clean_remedy(self) -> Any:
        return self.remedies.get(self.cleaned_data["remedy"])


class CloseForm(ActionForm):
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        help_text=_("Required for a complaint not accepted or withdrawn: the explanation sent."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    external_options_told = forms.BooleanField(
        label=_("The complainant was told of the external options"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.complaint.status != Status.REFERRED_EXTERNAL:
            del self.fields["external_options_told"]


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --------------------------------------------------------------------------------------------
# Frontline intake


class IntakeForm(forms.Form):
    # The same page sent twice (double click, reload) registers one complaint.
    once = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        required=False,
        initial=lambda: secrets.token_urlsafe(16),
    )
    channel = forms.ChoiceField(
        label=_("Received by"), choices=STAFF_CHANNELS, widget=forms.RadioSelect
    )
    received_by = UserChoiceField(label=_("Taken by"), queryset=User.objects.none())
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Empty: now. For a letter, the day it arrived."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    unit = LocalizedChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    full_name = forms.CharField(label=_("Complainant's full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="vi")
    vulnerable_group = forms.ChoiceField(
        label=_("Vulnerable group"), choices=VulnerableGroup.choices, required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5})
    )
    category = LocalizedChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    product = LocalizedChoiceField(
        label=_("Product or service"),
        queryset=Product.objects.filter(is_active=True),
        required=False,
    )
    order_ref = forms.CharField(
        label=_("Order or contract reference"), max_length=100, required=False
    )
    remedy_requested = forms.CharField(label=_("Remedy requested"), required=False)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (VND)"),
        required=False,
        min_value=0,
        decimal_places=0,
        max_digits=16,
    )
    is_negotiation_request = forms.BooleanField(
        label=_("Negotiation request (Law 19/2023 Art. 57)"), required=False
    )
    health_safety = forms.BooleanField(label=_("Health or safety risk"), required=False)
    consent = forms.BooleanField(
        label=_("The complainant agreed to the personal-data notice (read out or handed to them)"),
        required=False,
        help_text=_("Leave unticked if they were not asked: silence is not consent."),
    )
    not_duplicate = forms.BooleanField(
        label=_("This is a new complaint, not one of those above"), required=False
    )

    def __init__(self, *args: Any, units: Any, takers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["received_by"].queryset = takers  # type: ignore[attr-defined]

    def clean_received_at(self) -> Any:
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("phone") or data.get("email") or data.get("address")):
            message = _("Give at least one way to reach the complainant: phone, email or address.")
            self.add_error("phone", message)
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=LANGUAGES)
    next = forms.CharField(required=False)


QUEUE_CHOICES = Queue


# --------------------------------------------------------------------------------------------
# Administration: API tokens, webhooks, the mail quarantine, the mailboxes


class ApiTokenForm(forms.Form):
    """A new API token; ``integrations.services.token_create`` decides. ``once`` identifies this
    copy of the form, so that sending it again (reload, back) creates no second token."""

    once = forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: secrets.token_urlsafe(16)
    )

    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Call centre 1900”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ApiToken.Kind.choices, initial=ApiToken.Kind.INTEGRATION
    )
    user = UserChoiceField(
        label=_("Acts as"),
        queryset=User.objects.none(),
        help_text=_(
            "The token has this person's roles; an integration acts through a service account."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )
    source_system = forms.CharField(
        label=_("Source system"),
        max_length=64,
        required=False,
        help_text=_("Recorded on the complaints an integration creates (empty: the name)."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: the token works until it is revoked."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only people who hold a role: a token acting for anyone else could do nothing.
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("username")
        )

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data.get("expires_at")
        if value and value <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return value


class WebhookSubscriptionForm(forms.Form):
    """A new webhook subscription; ``integrations.services.webhook_subscription_create``
    decides. ``once``: as on the token form."""

    once = forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: secrets.token_urlsafe(16)
    )
    name = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name"),
        max_length=100,
        help_text=_("Which system receives the events, e.g. “CRM”."),
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("The address the events are posted to (https, except on a test machine)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Leave empty and Redress makes one (shown once, after saving)."),
    )


class WebhookEditForm(forms.Form):
    """A subscription's settings (not its secret, which is only ever replaced);
    ``integrations.services.webhook_subscription_update`` decides."""

    name = WebhookSubscriptionForm.base_fields["name"]
    url = WebhookSubscriptionForm.base_fields["url"]
    events = WebhookSubscriptionForm.base_fields["events"]
    max_attempts = forms.IntegerField(
        label=_("Attempts per event"),
        min_value=1,
        max_value=100,
        help_text=_("How many times an event is sent before it counts as failed."),
    )
    disable_after = forms.IntegerField(
        label=_("Turn off after"),
        min_value=1,
        max_value=100,
        help_text=_("Failed events in a row after which the subscription is turned off."),
    )


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *WebhookDelivery.State.choices], required=False
    )
    subscription = forms.TypedChoiceField(
        label=_("Subscription"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, subscriptions: list[WebhookSubscription], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # From the subscriptions already loaded for the page: no query of its own.
        self.fields["subscription"].choices = BLANK + [(s.pk, s.name) for s in subscriptions]  # type: ignore[attr-defined]


class SubscriptionDisableForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)


class DismissForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MailboxForm(forms.Form):
    """A mailbox's settings; ``intake.mailboxes`` decides. The password is never shown back:
    on a new mailbox ``once`` works as on the token form; on a change, an empty password keeps
    the stored one."""

    once = forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: secrets.token_urlsafe(16)
    )
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
