"""The portal's forms. They check everything a complainant can get wrong, in the page's
language, before a service is called; the services check again and their errors are put back
on the same fields."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.complaints.attachments import (
    MAX_FILES,
    IncomingFile,
    allowed_types_label,
    attachment_problem,
    attachments_count_problem,
)
from redress.complaints.models import Category, Channel, Product, VulnerableGroup
from redress.core.forms import VietnameseOrder
from redress.portal.scales import (
    CLARITY_CHOICES,
    COURTESY_CHOICES,
    FAIRNESS_CHOICES,
    SCORE_CHOICES,
    SPEED_CHOICES,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")

# Plain words for the groups of Law 19/2023 Art. 8 (the register's labels are for staff).
VULNERABLE_CHOICES = [
    ("", _("None of these, or I prefer not to say")),
    (VulnerableGroup.ELDERLY, _("I am an elderly person")),
    (VulnerableGroup.DISABLED, _("I have a disability")),
    (VulnerableGroup.CHILD, _("I am a child (under 16)")),
    (
        VulnerableGroup.ETHNIC_MINORITY,
        _("I belong to an ethnic minority, or live in a mountain, island or disadvantaged area"),
    ),
    (VulnerableGroup.PREGNANT_OR_CARER, _("I am pregnant, or raising a child under 36 months")),
    (VulnerableGroup.SERIOUSLY_ILL, _("I am seriously ill")),
    (VulnerableGroup.POOR_HOUSEHOLD, _("I am from a poor household")),
]

CHANNEL_CHOICES = [
    (Channel.EMAIL, _("Email")),
    (Channel.PHONE, _("Phone")),
    (Channel.SMS, _("SMS")),
    (Channel.ZALO, _("Zalo")),
    (Channel.LETTER, _("Letter by post")),
]

LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("en", "English")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked for size and real type (sniffed, not by name)."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        # The rule every channel applies (complaints.attachments), checked here first so that
        # the problem shows next to the input, in the same words.
        problems = [attachments_count_problem(len(files))]
        for upload in files:
            upload.seek(0)
            head = upload.read(8192)
            upload.seek(0)
            problems.append(attachment_problem(upload.name, upload.size or 0, head))
        problems = [problem for problem in problems if problem]
        if problems:
            raise forms.ValidationError(problems)
        return files


def incoming_files(files: list[UploadedFile]) -> list[IncomingFile]:
    incoming = []
    for upload in files:
        upload.seek(0)
        incoming.append(IncomingFile(upload.name or "file", upload.read()))
    return incoming


class AccessibleFormMixin:
    """Ties each input to its hint and error message for screen readers, and marks invalid
    inputs, so that an error is announced with the field it belongs to."""

    # Fields rendered as a group of radios or checkboxes inside a fieldset: the fieldset
    # carries the description, not each option.
    grouped: tuple[str, ...] = ()

    def describe(self) -> None:
        # ``_errors`` rather than ``errors``: reading ``errors`` would validate the form early.
        errors = self._errors or {}  # type: ignore[attr-defined]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            ids = []
            if field.help_text:
                ids.append(f"{name}-hint")
            if name in errors:
                ids.append(f"{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids and name not in self.grouped:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe()

    def add_error(self, field: str | None, error: Any) -> None:
        # An error added after validation (a service's refusal) is tied to its input too.
        super().add_error(field, error)  # type: ignore[misc]
        self.describe()

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor of the input, "Field: message") for the error summary at the top of the
        page, in the order of the form, so each line says which field it is about."""
        errors = self._errors or {}  # type: ignore[attr-defined]
        links: list[tuple[str, str]] = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            suffix = "_0" if name in self.grouped else ""
            label = re.sub(r"\s*\([^)]*\)$", "", str(field.label or "")).rstrip("?")
            for message in errors.get(name, []):
                links.append((f"id_{name}{suffix}", f"{label}: {message}"))
        return links


def _clean_amount(value: str) -> int | None:
    # People type "1.500.000", "1,500,000 đ" or "1500000 VND": keep the digits.
    text = re.sub(r"(?i)\s|đ|vnd|dong|đồng", "", value or "")
    if not text:
        return None
    digits = text.replace(".", "").replace(",", "")
    if not digits.isdigit():
        raise forms.ValidationError(
            _("Enter the amount in đồng, using numbers only, for example 1500000.")
        )
    return int(digits)


class ComplaintForm(AccessibleFormMixin, forms.Form):
    """The public complaint form (ISO 10002 form annex; Law 19/2023 Art. 8 and 57)."""

    grouped = ("on_behalf", "preferred_channel", "preferred_language", "vulnerable_group")

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Honeypot: hidden from people by CSS; a script that fills every field fills it.
    hp_contact = forms.CharField(required=False, label=_("Leave this field empty"))

    on_behalf = forms.ChoiceField(
        label=_("Who is complaining?"),
        choices=[
            ("self", _("I am complaining for myself")),
            ("other", _("I am complaining for someone else")),
        ],
        widget=forms.RadioSelect,
        initial="self",
    )
    full_name = forms.CharField(
        label=_("Full name of the person affected"),
        max_length=200,
        help_text=_("If you complain for yourself, this is your name."),
    )
    organisation = forms.CharField(
        label=_("Company or organisation (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if the complaint is made for a company or organisation."),
    )
    representative_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        required=False,
        help_text=_("Only if you complain for someone else."),
    )
    representative_relation = forms.CharField(
        label=_("How are you related to them?"),
        max_length=100,
        required=False,
        help_text=_("For example: son, daughter, carer, lawyer."),
    )
    representative_contact = forms.CharField(
        label=_("Your phone or email"),
        max_length=200,
        required=False,
        help_text=_("So that we can also reach you."),
    )

    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=254,
        help_text=_("We send your reference and tracking code to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=_("Postal address (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    preferred_channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of our messages"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect
    )

    subject = forms.CharField(
        label=_("In a few words, what is the problem?"),
        max_length=200,
        help_text=_("For example: I was charged twice for one order."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=10000,
        help_text=_(
            "Tell us what happened, where, and who was involved. Write it in your own words."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    occurred_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        help_text=_("The date, for example 25/12/2025."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    product = forms.ModelChoiceField(
        label=_("Which product or service? (optional)"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("I don't know, or it is not in the list"),
    )
    category = forms.ModelChoiceField(
        label=_("What is it about? (optional)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("I don't know, or it is not in the list"),
    )
    order_ref = forms.CharField(
        label=_("Order, invoice or contract number (optional)"),
        max_length=100,
        required=False,
        help_text=_("It helps us find your case quickly."),
    )
    remedy_requested = forms.CharField(
        label=_("What would you like us to do? (optional)"),
        max_length=5000,
        required=False,
        help_text=_("For example: a refund, a repair, a replacement, an apology."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount_claimed = forms.CharField(
        label=_("Amount you ask for, in đồng (optional)"),
        max_length=30,
        required=False,
        help_text=_("Numbers only, for example 1500000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    attachments = MultipleFileField(label=_("Photos or documents (optional)"))
    vulnerable_group = forms.ChoiceField(
        label=_("Does one of these apply to you? (optional)"),
        choices=VULNERABLE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        initial="",
        help_text=_(
            "By law (Article 8 of the Consumer Protection Law 2023) we must handle requests from these people first "
            "and may not refuse them. Telling us is your choice; we use it only to help you sooner."
        ),
    )
    is_negotiation_request = forms.BooleanField(
        label=_("I ask to negotiate (Article 57 of the Consumer Protection Law 2023)"),
        required=False,
        help_text=_(
            "Tick this if you want us to negotiate with you about this problem. By law we must take up your request "
            "and start negotiating within 7 working days. If we do not, you can ask the provincial Department of "
            "Industry and Trade or a consumer association for help."
        ),
    )
    consent = forms.BooleanField(
        label=_("I have read how my personal data will be used, and I agree"),
        error_messages={
            "required": _(
                "To send a complaint online, please tick this box. You can also phone or write to us."
            )
        },
    )

    def __init__(
        self, *args: Any, language: str = "vi", new_token: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        if new_token and self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data["form_token"] = uuid.uuid4().hex
            self.data = data
        self.fields["preferred_language"].initial = language
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: %(types)s, at most %(size)s each. If the form shows an error, choose the files again."
        ) % {
            "count": MAX_FILES,
            "types": allowed_types_label(),
            "size": filesizeformat(settings.REDRESS_ATTACHMENT_MAX_BYTES),
        }
        products = Product.objects.filter(is_active=True).order_by("code")
        categories = Category.objects.filter(is_active=True, parent__isnull=True).order_by("code")
        product_field, category_field = self.fields["product"], self.fields["category"]
        assert isinstance(product_field, forms.ModelChoiceField)
        assert isinstance(category_field, forms.ModelChoiceField)
        # Listed in the alphabetical order of the names shown (Vietnamese collation).
        product_field.iterator = category_field.iterator = VietnameseOrder
        product_field.queryset = products
        product_field.label_from_instance = lambda p: p.display_name(language)  # type: ignore[method-assign,assignment]
        category_field.queryset = categories
        category_field.label_from_instance = lambda c: c.display_name(language)  # type: ignore[method-assign,assignment]
        if not products.exists():
            del self.fields["product"]
        if not categories.exists():
            del self.fields["category"]
        if not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4().hex
        self.describe()

    def clean_form_token(self) -> str:
        token = self.cleaned_data.get("form_token", "")
        return token if TOKEN_RE.match(token) else uuid.uuid4().hex

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not re.fullmatch(r"[+0-9 ().\-]+", phone) or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number with 8 to 15 digits, for example 0912 345 678.")
            )
        return phone

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future. Enter the day it happened."))
        return day

    def clean_amount_claimed(self) -> int | None:
        return _clean_amount(self.cleaned_data.get("amount_claimed", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf") == "other":
            for name in ("representative_name", "representative_relation"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Fill this in when you complain for someone else."))
        email, phone, address = (data.get(k, "") for k in ("email", "phone", "address"))
        no_contact = not (email or phone or (address or "").strip())
        if no_contact and "email" not in self.errors and "phone" not in self.errors:
            message = _("Give at least one way to reach you: email, phone or postal address.")
            self.add_error("email", message)
            self.add_error("phone", message)
        channel = data.get("preferred_channel")
        needs = {
            Channel.EMAIL: (
                "email",
                _("You chose email: enter your email address, or choose another way."),
            ),
            Channel.PHONE: (
                "phone",
                _("You chose phone: enter your phone number, or choose another way."),
            ),
            Channel.SMS: (
                "phone",
                _("You chose SMS: enter your phone number, or choose another way."),
            ),
            Channel.ZALO: (
                "phone",
                _(
                    "You chose Zalo: enter the phone number of your Zalo account, or choose another way."
                ),
            ),
            Channel.LETTER: (
                "address",
                _("You chose letter: enter your postal address, or choose another way."),
            ),
        }
        # With no contact at all the message above says it all: one message is enough.
        if channel in needs and not no_contact:
            field, message = needs[channel]
            if not (data.get(field) or "").strip() and field not in self.errors:
                self.add_error("preferred_channel", message)
        return data

    def fingerprint_payload(self) -> dict[str, Any]:
        """What identifies this submission: the answers and the hashes of the files."""
        import hashlib

        skip = {"form_token", "hp_contact", "attachments", "consent"}
        payload: dict[str, Any] = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        payload["product"] = getattr(payload.get("product"), "pk", None)
        payload["category"] = getattr(payload.get("category"), "pk", None)
        hashes = []
        for upload in self.cleaned_data.get("attachments") or []:
            upload.seek(0)
            hashes.append(hashlib.sha256(upload.read()).hexdigest())
            upload.seek(0)
        payload["files"] = sorted(hashes)
        return payload


class TrackForm(AccessibleFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=32,
        help_text=_("It looks like KN-2026-000123."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=32,
        help_text=_("It looks like ABCD-EFGH-JKMN. It is in the email we sent you."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


class ReplyForm(AccessibleFormMixin, forms.Form):
    # One per page view: a double tap on "Send" sends the message once.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(
        label=_("Your message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Add information, answer our questions, or tell us about anything new."),
    )
    attachments = MultipleFileField(label=_("Photos or documents (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: %(types)s, at most %(size)s each."
        ) % {
            "count": MAX_FILES,
            "types": allowed_types_label(),
            "size": filesizeformat(settings.REDRESS_ATTACHMENT_MAX_BYTES),
        }
        if not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4().hex
        self.describe()

    def clean_form_token(self) -> str:
        token = self.cleaned_data.get("form_token", "")
        return token if TOKEN_RE.match(token) else uuid.uuid4().hex


class ReactionForm(AccessibleFormMixin, forms.Form):
    grouped = ("reaction",)

    reaction = forms.ChoiceField(
        label=_("Do you accept our decision?"),
        choices=[
            ("accepted", _("Yes, I accept the decision")),
            ("rejected", _("No, I do not accept the decision")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you accept the decision.")},
    )
    note = forms.CharField(
        label=_("If you do not accept: why not?"),
        max_length=5000,
        required=False,
        help_text=_(
            "Tell us what you disagree with. A more senior person will review your complaint."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reaction") == "rejected" and not (data.get("note") or "").strip():
            self.add_error("note", _("Tell us why you do not accept the decision."))
        return data


def _optional_score(label: StrOrPromise, choices: list[Any]) -> forms.TypedChoiceField:
    """A 1–5 score the complainant may leave blank, on the question's own scale."""
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class SurveyForm(AccessibleFormMixin, forms.Form):
    """Satisfaction with the handling (ISO 10002 8.3); only the overall score is required."""

    grouped = ("overall", "fairness", "clarity", "speed", "courtesy")

    overall = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with how we handled your complaint?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    fairness = _optional_score(_("Were we fair? (optional)"), FAIRNESS_CHOICES)
    clarity = _optional_score(_("Did we explain things clearly? (optional)"), CLARITY_CHOICES)
    speed = _optional_score(_("Were we quick enough? (optional)"), SPEED_CHOICES)
    courtesy = _optional_score(_("Were we polite and respectful? (optional)"), COURTESY_CHOICES)
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()


class WithdrawForm(AccessibleFormMixin, forms.Form):
    """The complainant withdraws the complaint: a reason if they wish, and a confirmation."""

    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw my complaint. I understand that it will not be handled further."),
        error_messages={"required": _("Tick the box to confirm that you withdraw the complaint.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()
