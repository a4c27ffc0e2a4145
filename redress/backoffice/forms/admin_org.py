"""Administration of the organisation: units, people and their roles
(``framework.services.organisation`` decides)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import LANGUAGES, LocalizedChoiceField, once_field
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.sla.models import BusinessCalendar


def _units(keep: int | None = None) -> Any:
    units = Q(is_active=True)
    if keep is not None:
        units |= Q(pk=keep)  # a unit switched off since stays selectable where it is set
    return OrgUnit.objects.filter(units).order_by("name")


class UnitForm(forms.Form):
    """A unit's settings; on a new unit, its code too (the code never changes)."""

    once = once_field()
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Letters without accents, digits and hyphens, e.g. cskh-hanoi. It never changes."
        ),
    )
    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    parent = LocalizedChoiceField(
        label=_("Parent unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— none: a top unit —"),
    )
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=_("— the organisation's default —"),
        help_text=_("The working days its deadlines count."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Off: the unit is kept with its complaints but receives no new ones."),
    )

    def __init__(self, *args: Any, unit: OrgUnit | None = None, **kwargs: Any):
        if unit is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": unit.name,
                    "name_en": unit.name_en,
                    "parent": unit.parent_id,
                    "calendar": unit.calendar_id,
                    "is_active": unit.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units(unit.parent_id if unit else None)  # type: ignore[attr-defined]
        if unit is not None:
            del self.fields["once"], self.fields["code"]
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=unit.pk)  # type: ignore[attr-defined]
        else:
            del self.fields["is_active"]


class PersonForm(forms.Form):
    """A person's details; on a new person, their user name and first role too."""

    once = once_field()
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("What they sign in with; it never changes."),
    )
    last_name = forms.CharField(label=_("Family and middle names"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("They set their password from the link sent to this address."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="vi")
    unit = LocalizedChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])

    def __init__(self, *args: Any, person: User | None = None, **kwargs: Any):
        if person is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                    "phone": person.phone,
                    "language": person.language,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]
        if person is not None:
            for name in ("once", "username", "unit", "role"):
                del self.fields[name]


class RoleGrantForm(forms.Form):
    """A role to give a person in a unit, from today."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    unit = LocalizedChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, user name or email"), required=False, max_length=100)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Active people")),
            ("inactive", _("Deactivated people")),
            ("all", _("Everyone")),
        ],
    )
