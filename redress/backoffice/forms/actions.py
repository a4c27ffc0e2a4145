"""The forms of the workspace's lifecycle actions (``backoffice.actions``): each parses and
checks one action's input; the action's service decides."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redress.backoffice.forms.common import (
    BLANK,
    FieldGroups,
    LocalizedChoiceField,
    MultipleFileField,
)
from redress.complaints import rules
from redress.complaints.models import (
    Category,
    Channel,
    Classification,
    Complaint,
    Level,
    Outcome,
    PauseReason,
    Priority,
    Reaction,
    RemedyType,
    Severity,
    Status,
)
from redress.complaints.selectors import priority_matrix_cells
from redress.core.formats import money_format
from redress.core.models import OrgUnit, User
from redress.core.selectors import organisation_get
from redress.framework.roles import Permission, may
from redress.handling.registry import ActionSpec, Field, Kind

REPLY_CHANNELS = [
    (c, Channel(c).label) for c in (Channel.EMAIL, Channel.PHONE, Channel.LETTER, Channel.IN_PERSON)
]


class ActionForm(FieldGroups, forms.Form):
    """An action's form; ``complaint`` and ``user`` are there for choices that depend on them."""

    def __init__(self, *args: Any, complaint: Complaint, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user
        self.use_field_groups()


def _form_field(field: Field) -> forms.Field:
    """A form field for a plain field of the registry."""
    match field.kind:
        case Kind.TEXT:
            return forms.CharField(
                label=field.label,
                required=field.required,
                max_length=field.max_length or 300,
                help_text=field.help,
            )
        case Kind.LONG_TEXT:
            return forms.CharField(
                label=field.label,
                required=field.required,
                max_length=field.max_length,
                help_text=field.help,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        case Kind.FLAG:
            return forms.BooleanField(
                label=field.label, required=field.required, help_text=field.help
            )
        case Kind.CHOICE:
            assert field.choices is not None
            choices = field.choices.choices if field.required else [*BLANK, *field.choices.choices]
            return forms.ChoiceField(
                label=field.label, choices=choices, required=field.required, help_text=field.help
            )
        case Kind.SCORE:
            # A required score starts blank too: nobody records a 1 by not choosing.
            return forms.TypedChoiceField(
                label=field.label,
                choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
                coerce=int,
                empty_value=None,
                required=field.required,
                help_text=field.help,
            )
    raise ValueError(f"{field.name}: a {field.kind} field needs a form written for it")


def action_form(
    spec: ActionSpec,
    *,
    leave_out: frozenset[str] = frozenset(),
    base: type[ActionForm] = ActionForm,
) -> type[ActionForm]:
    """The workspace form of an action, built from its fields in the registry (but those in
    ``leave_out``, which the workspace sets itself)."""
    fields = {
        field.name: _form_field(field) for field in spec.fields if field.name not in leave_out
    }
    name = "".join(word.title() for word in spec.action.split("_")) + "Form"
    return type(name, (base,), fields)


class PhoneAnswerForm(ActionForm):
    """The satisfaction survey answered by phone: the scores and the comment the complainant
    gives, typed in by the person on the call (the workspace records it as given by phone)."""

    intro = _(
        "The complainant's answers given by phone: the overall score is required, the others "
        "only if they gave one (1 = very dissatisfied, 5 = very satisfied). It is recorded as "
        "given by phone, entered by you."
    )


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
    impact = forms.ChoiceField(label=_("Impact"), choices=[*BLANK, *Level.choices], required=False)
    # Left blank, the service takes the matrix's proposal for the severity and impact chosen.
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    priority_reason = forms.CharField(
        label=_("Reason for another priority"),
        required=False,
        help_text=_("Required when the priority is not the proposed one; it is recorded."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=[*BLANK, *Level.choices], required=False
    )
    health_safety = forms.BooleanField(label=_("Health or safety risk"), required=False)
    public_interest = forms.BooleanField(
        label=_("Affects the public or many consumers' interest"),
        required=False,
        help_text=_("Negotiation and mediation are then not offered (Law 19/2023)."),
    )
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
    fee_amount = forms.DecimalField(
        label=_("Fee (VND)"), required=False, min_value=0, decimal_places=0, max_digits=16
    )
    fee_waived = forms.BooleanField(label=_("Fee waived"), required=False)
    fee_waived_reason = forms.CharField(
        label=_("Why the fee is waived"),
        required=False,
        help_text=_("Required when the fee is waived."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        complaint = self.complaint
        cells = priority_matrix_cells()
        proposed = rules.proposed_priority(
            cells,
            severity=complaint.severity,
            impact=complaint.impact,
            health_safety=complaint.health_safety,
            vulnerable=bool(complaint.vulnerable_group),
        )
        self.proposed = proposed
        self.fields["severity"].initial = complaint.severity
        self.fields["impact"].initial = complaint.impact
        self.fields["priority"].choices = [  # type: ignore[attr-defined]
            ("", _("As proposed (%(priority)s)") % {"priority": Priority(proposed).label}),
            *Priority.choices,
        ]
        self.fields["priority"].help_text = _(
            "The matrix proposes a priority from the severity and impact; it is never below "
            "urgent for a health or safety risk, nor below high for a vulnerable complainant. "
            "Another priority needs a reason."
        )
        # For the page's script, which keeps the proposal in step with the choices.
        self.fields["priority"].widget.attrs.update(
            {
                "data-priority-matrix": json.dumps(cells),
                "data-priority-labels": json.dumps(
                    {str(p): str(p.label) for p in Priority}, ensure_ascii=False
                ),
                "data-priority-floor": rules.priority_floor(
                    health_safety=False, vulnerable=bool(complaint.vulnerable_group)
                ),
            }
        )
        self.fields["health_safety"].initial = complaint.health_safety
        self.fields["public_interest"].initial = complaint.public_interest
        self.fields["category"].initial = complaint.category_id
        self.fields["fee_amount"].initial = organisation_get().complaint_fee


class AssignForm(ActionForm):
    field_order = ["unit", "owner", "override_reason"]
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    unit = LocalizedChoiceField(
        label=_("Move to unit"), queryset=OrgUnit.objects.filter(is_active=True), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason to assign without current training"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when the owner lacks a course their role requires; the reason is recorded."
        ),
    )

    def __init__(
        self,
        *args: Any,
        candidates: list[tuple[User, Any]],
        may_move: bool,
        unit_id: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user, _load in candidates}
        self.may_move = may_move
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
        else:
            self.fields["unit"].initial = unit_id
            self.fields["unit"].help_text = _(
                "The owner list shows who may take the complaint in the unit chosen."
            )
        if not may(self.user, Permission.ASSIGN_OVERRIDE):
            del self.fields["override_reason"]

    def clean_owner(self) -> User | None:
        value = self.cleaned_data.get("owner")
        return self.candidates.get(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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


class RemedyForm(FieldGroups, forms.Form):
    type = forms.ChoiceField(
        label=_("Remedy"), choices=[*BLANK, *RemedyType.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount (VND)"), required=False, min_value=0, decimal_places=0, max_digits=16
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    due_at = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.use_field_groups()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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

    def __init__(self, *args: Any, preview: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The decision as the complainant will receive it (``backoffice.decision_preview``).
        self.preview = preview
        way = preview.way if preview else ""
        if way in (Channel.SMS, Channel.ZALO):
            via = self.fields["via"]
            via.choices = [(way, Channel(way).label), *via.choices]  # type: ignore[attr-defined]
            via.initial = way
        elif not way and not self.complaint.complainant.email:
            self.fields["via"].initial = Channel.PHONE


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

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.complaint.public_interest:
            # REQ-VN-3: no negotiation or mediation for a complaint affecting the public interest.
            self.suggestions = [
                body for body in EXTERNAL_BODIES if not rules.is_negotiation_or_mediation(str(body))
            ]
            self.intro = _(
                "This complaint affects the public or many consumers' interest: negotiation and "
                "mediation are not allowed (Law 19/2023); refer it to arbitration, a court or a "
                "State body."
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
                " — ".join(
                    part
                    for part in (
                        str(r.get_type_display()),
                        money_format(r.amount, currency=r.currency) if r.amount else "",
                        r.description,
                    )
                    if part
                ),
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


class SubjectStaffForm(ActionForm):
    """The member of staff the complaint is about. The list is every member of staff, by name
    only: it says nothing about who handles what (ISO 10002 4.7)."""

    person = forms.ChoiceField(
        label=_("Person complained about"),
        required=False,
        help_text=_(
            "A member of staff the complaint is about: they will no longer see it. "
            "Empty: no one (clears a name recorded by mistake)."
        ),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in people}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in people),
        ]
        if self.complaint.subject_staff_id:
            self.fields["person"].initial = str(self.complaint.subject_staff_id)

    def clean_person(self) -> User | None:
        value = self.cleaned_data.get("person")
        return self.people.get(value) if value else None


class WithdrawConflictForm(ActionForm):
    declaration = forms.ChoiceField(label=_("Declaration"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, declarations: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.declarations = {str(d.pk): d for d in declarations}
        self.fields["declaration"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), f"{d.person} — {d.reason[:80]}") for d in declarations
        ]

    def clean_declaration(self) -> Any:
        return self.declarations.get(self.cleaned_data["declaration"])
