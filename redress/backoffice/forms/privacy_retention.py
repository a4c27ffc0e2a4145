"""The form of a retention rule (docs/privacy.md, "Retention"). The period's limits are the
service's (``privacy.retention_rules.retention_rule_change``), so a refusal reads the same from
every interface."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.privacy.models import RetentionRule
from redress.privacy.retention_rules import retention_rule_choices


class RetentionRuleForm(forms.Form):
    months = forms.IntegerField(label=_("Period (months)"), required=False)
    expiry = forms.ChoiceField(label=_("At the end"))

    def __init__(self, *args: Any, rule: RetentionRule, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"months": rule.months, "expiry": rule.expiry})
        kwargs.setdefault("prefix", f"rule-{rule.pk}")
        super().__init__(*args, **kwargs)
        self.fields["expiry"].choices = retention_rule_choices(rule)  # type: ignore[attr-defined]
