"""The queues' filters and the bulk actions on the selected complaints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import BLANK, LocalizedChoiceField, PlainSelect
from redress.complaints.models import Category, Channel, Priority, Status
from redress.complaints.queues import DeadlineFilter, Sort
from redress.core.models import OrgUnit, User


class QueueFilterForm(forms.Form):
    # The selects are written in Python (PlainSelect): the form is on every page of a queue.
    status = forms.ChoiceField(
        label=_("Status"), choices=[*BLANK, *Status.choices], required=False, widget=PlainSelect
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[*BLANK, *Priority.choices],
        required=False,
        widget=PlainSelect,
    )
    category = LocalizedChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label="—",
        widget=PlainSelect,
    )
    unit = LocalizedChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="—",
        widget=PlainSelect,
    )
    owner = forms.ChoiceField(label=_("Owner"), choices=BLANK, required=False, widget=PlainSelect)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[*BLANK, *Channel.choices], required=False, widget=PlainSelect
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        choices=[*BLANK, *DeadlineFilter.choices],
        required=False,
        widget=PlainSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort"), choices=Sort.choices, required=False, widget=PlainSelect
    )

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
        data = super().clean() or {}
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
    priority = forms.ChoiceField(choices=[*BLANK, *Priority.choices], required=False)

    def __init__(self, *args: Any, references: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.references = references or []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        operation = data.get("operation")
        if operation in ("assign", "priority") and not self.references:
            raise forms.ValidationError(_("Select at least one complaint."))
        if operation == "assign" and not data.get("owner"):
            self.add_error("owner", _("Choose who takes the selected complaints."))
        if operation == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose the new priority."))
        return data
