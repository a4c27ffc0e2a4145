"""Forms of the internal audit pages: they take input and show the services' refusals; the
rules are in ``redress.framework.services.audits`` and ``audit_sample``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import BLANK, LocalizedChoiceField
from redress.complaints.models import Category
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import users_with_role
from redress.framework.models import Answer, CheckAspect, CheckResult, FindingType, RiskLevel
from redress.framework.services.audit_sample import CONFIDENCE_LEVELS, TOLERABLE_RATES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LocalizedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language() or "vi"))


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return obj.get_full_name() or obj.get_username()


class AuditYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2999)


class AuditPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = LocalizedChoiceField(
        label=_("Audited unit"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        help_text=_("The unit and every unit below it."),
    )
    categories = LocalizedMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.filter(is_active=True).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every category."),
    )
    period_start = forms.DateField(label=_("Complaints closed from"), widget=DATE)
    period_end = forms.DateField(label=_("Complaints closed until"), widget=DATE)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    risk_level = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices)
    rationale = forms.CharField(
        label=_("Why this audit (risk)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    auditors = UserMultipleChoiceField(
        label=_("Auditors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Independent of the audited unit: they neither handle nor own its complaints."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [user.pk for user in users_with_role(Role.AUDITOR)]
        self.fields["auditors"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=ids
        ).order_by("last_name", "first_name", "username")


class QuestionForm(forms.Form):
    clause = forms.CharField(label=_("Clause"), max_length=12)
    text = forms.CharField(
        label=_("Question (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Question (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionChoiceForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)


class QuestionEditForm(QuestionForm, QuestionChoiceForm):
    pass


class AnswerForm(QuestionChoiceForm):
    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class SampleForm(forms.Form):
    confidence = forms.TypedChoiceField(
        label=_("Confidence"),
        choices=[*BLANK, *[(c, f"{c} %") for c in CONFIDENCE_LEVELS]],
        coerce=int,
        empty_value=None,
        required=False,
        initial=95,
    )
    tolerable_pct = forms.TypedChoiceField(
        label=_("Tolerable deviation rate"),
        choices=[*BLANK, *[(str(r), f"{r} %") for r in TOLERABLE_RATES]],
        coerce=str,
        empty_value=None,
        required=False,
        initial="5",
    )
    size = forms.IntegerField(
        label=_("Or a size you choose"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to size the sample by the confidence and the rate."),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        help_text=_("Empty: a new random seed. Give a stored seed to draw the same sample again."),
    )


class SampleCheckForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    checks = forms.MultipleChoiceField(
        label=_("What was checked"),
        choices=CheckAspect.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=FindingType.choices)
    statement = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    clause = forms.CharField(label=_("Clause"), max_length=12, required=False)
    question = forms.TypedChoiceField(
        label=_("Checklist question"), required=False, coerce=int, empty_value=None, choices=BLANK
    )
    sample_item = forms.TypedChoiceField(
        label=_("Sampled complaint"), required=False, coerce=int, empty_value=None, choices=BLANK
    )

    def __init__(self, *args: Any, questions: Any = (), items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        self.fields["question"].choices = [  # type: ignore[attr-defined]
            *BLANK,
            *[(q.pk, f"{q.clause} · {q.display_text(language)[:80]}") for q in questions],
        ]
        self.fields["sample_item"].choices = [  # type: ignore[attr-defined]
            *BLANK,
            *[(i.pk, f"#{i.position} {i.complaint.reference}") for i in items],
        ]


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4}))
