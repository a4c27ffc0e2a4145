"""Forms of management review: they take input and show the services' refusals; the rules are
in ``redress.framework.services.reviews``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import BLANK, LocalizedChoiceField, UserChoiceField
from redress.core.models import OrgUnit, User
from redress.framework.models.review import OutputType, ReviewStatus
from redress.improvement.models import CapaType

DATE = forms.DateInput(attrs={"type": "date"})


def _staff() -> Any:
    return (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.get_username()


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *ReviewStatus.choices], required=False
    )


class ReviewPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    review_date = forms.DateField(label=_("Review date"), widget=DATE)
    participants = PeopleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one member of top management."),
    )
    period_start = forms.DateField(
        label=_("Review period from"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the day after the previous review (else a year before)."),
    )
    period_end = forms.DateField(
        label=_("Review period to"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the review date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _staff()  # type: ignore[attr-defined]


class ReviewInputsForm(forms.Form):
    context_changes = forms.CharField(
        label=_("Changes in law or context"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resources = forms.CharField(
        label=_("Resources"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    other = forms.CharField(
        label=_("Other inputs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUp:
    TASK = "task"
    CAPA = "capa"


class ReviewOutputForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=OutputType.choices)
    text = forms.CharField(label=_("Output"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = UserChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For an action."),
    )
    due_on = forms.DateField(
        label=_("Due"), widget=DATE, required=False, help_text=_("For an action.")
    )
    follow_up = forms.ChoiceField(
        label=_("Followed by"),
        choices=[
            (FollowUp.TASK, _("A task tracked on the review")),
            (FollowUp.CAPA, _("A CAPA (corrective or preventive action)")),
        ],
        initial=FollowUp.TASK,
        widget=forms.RadioSelect,
    )
    capa_type = forms.ChoiceField(
        label=_("CAPA type"), choices=CapaType.choices, initial=CapaType.CORRECTIVE
    )
    unit = LocalizedChoiceField(
        label=_("CAPA unit"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Empty: the owner's unit."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff()  # type: ignore[attr-defined]


class ReviewMinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
