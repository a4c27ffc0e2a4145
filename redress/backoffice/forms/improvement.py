"""Forms of continual improvement (systemic issues and CAPA): they take input and show the
services' refusals; the rules are in ``redress.improvement``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import (
    BLANK,
    LocalizedChoiceField,
    MultipleFileField,
    UserChoiceField,
)
from redress.complaints.models import Category
from redress.core.models import OrgUnit, User
from redress.improvement.models import (
    CapaSource,
    CapaStatus,
    CapaType,
    Cause,
    IssueDecision,
    IssueSource,
    IssueStatus,
)


class CauseChoiceField(forms.ModelChoiceField):
    """Causes as "family › cause", in the person's language."""

    def label_from_instance(self, obj: Cause) -> str:  # type: ignore[override]
        language = get_language() or "vi"
        if obj.parent is None:
            return obj.display_name(language)
        return f"{obj.parent.display_name(language)} › {obj.display_name(language)}"


def _causes() -> Any:
    return (
        Cause.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__position", "parent__code", "position", "code")
    )


class IssueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *IssueStatus.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[*BLANK, *IssueSource.choices], required=False
    )


class CapaFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *CapaStatus.choices], required=False
    )
    type = forms.ChoiceField(label=_("Type"), choices=[*BLANK, *CapaType.choices], required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class DecisionForm(forms.Form):
    """Closing an issue without action; the other decision, "CAPA opened", is recorded by
    opening a CAPA from the issue."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(IssueDecision.NO_ACTION.value, IssueDecision.NO_ACTION.label)],
        initial=IssueDecision.NO_ACTION,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “no action”."),
    )


class OwnerForm(forms.Form):
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Complaint reference"), max_length=32)


class IssueOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = LocalizedChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("The whole organisation"),
    )
    category = LocalizedChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by("code"),
        required=False,
    )
    cause = CauseChoiceField(label=_("Root cause"), queryset=_causes(), required=False)
    is_significant = forms.BooleanField(
        label=_("Significant (tell top management)"), required=False
    )


class CapaOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=CapaType.choices, initial=CapaType.CORRECTIVE)
    source = forms.ChoiceField(label=_("Source"), choices=CapaSource.choices)
    source_note = forms.CharField(
        label=_("Source details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For an audit finding, a management-review decision or a suggestion."),
    )
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none())
    unit = LocalizedChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.filter(is_active=True).order_by("name")
    )
    cause = CauseChoiceField(
        label=_("Root cause"),
        queryset=_causes(),
        required=False,
        help_text=_("What the effectiveness check compares (empty: taken from the source)."),
    )
    category = LocalizedChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True).order_by("code"),
        required=False,
    )
    check_window_days = forms.IntegerField(
        label=_("Effectiveness window (days)"), min_value=1, max_value=3660, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(  # type: ignore[attr-defined]
                is_active=True, memberships__isnull=False
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class PlanForm(forms.Form):
    plan = forms.CharField(
        label=_("Plan"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    due_working_days = forms.IntegerField(
        label=_("Working days to complete"), min_value=1, max_value=1000
    )


class VerifyForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Conclusion"),
        choices=[("yes", _("Effective: close the CAPA")), ("no", _("Not effective: reopen it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you do not follow the proposal."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(  # type: ignore[attr-defined]
                is_active=True, memberships__isnull=False
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class LinkCapaForm(forms.Form):
    capa = forms.IntegerField(label=_("CAPA"), min_value=1)


class ActivityForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    checked = forms.CharField(
        label=_("What was checked"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    result = forms.CharField(
        label=_("What it showed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = MultipleFileField(label=_("Evidence files"), required=False)


class ConclusionForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    root_cause = CauseChoiceField(label=_("Root cause"), queryset=_causes(), required=False)
    root_cause_text = forms.CharField(
        label=_("Root cause, in words"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class WhyRowForm(forms.Form):
    why = forms.CharField(label=_("Why?"), max_length=2000, required=False)
    answer = forms.CharField(label=_("Because"), max_length=2000, required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, required=False)


class FishboneRowForm(forms.Form):
    family = LocalizedChoiceField(
        label=_("Category"),
        queryset=Cause.objects.filter(is_active=True, parent__isnull=True).order_by("position"),
        required=False,
    )
    text = forms.CharField(label=_("Cause"), max_length=2000, required=False)


WhyFormSet = forms.formset_factory(WhyRowForm, extra=0, max_num=10, absolute_max=10)
FishboneFormSet = forms.formset_factory(FishboneRowForm, extra=0, max_num=60, absolute_max=60)
