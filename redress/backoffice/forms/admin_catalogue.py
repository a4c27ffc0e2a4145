"""Administration of what complaints are about (categories, products and services) and of the
business calendars' days off (``complaints.catalogue`` and ``sla.services.calendars`` decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redress.backoffice.forms.common import LocalizedChoiceField, once_field
from redress.complaints.models import Category, Product
from redress.sla.models import CalendarOverride

CODE_HELP = _("Letters without accents, digits and hyphens, e.g. giao-hang. It never changes.")


def _categories(keep: int | None = None, *, exclude: int | None = None) -> Any:
    found = Q(is_active=True)
    if keep is not None:
        found |= Q(pk=keep)
    rows = Category.objects.filter(found).order_by("name_vi")
    return rows.exclude(pk=exclude) if exclude is not None else rows


class _CatalogueForm(forms.Form):
    once = once_field()
    code = forms.CharField(label=_("Code"), max_length=60, help_text=CODE_HELP)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Off: kept on the complaints that have it, no longer offered for new ones."),
    )

    def _editing(self, row: Category | Product | None) -> None:
        if row is not None:
            del self.fields["once"], self.fields["code"]
        else:
            del self.fields["is_active"]


class CategoryForm(_CatalogueForm):
    parent = LocalizedChoiceField(
        label=_("Parent category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— none: a top category —"),
    )

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any):
        if category is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name_vi": category.name_vi,
                    "name_en": category.name_en,
                    "parent": category.parent_id,
                    "is_active": category.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self._editing(category)
        self.fields["parent"].queryset = _categories(  # type: ignore[attr-defined]
            category.parent_id if category else None,
            exclude=category.pk if category else None,
        )


class ProductForm(_CatalogueForm):
    category = LocalizedChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args: Any, product: Product | None = None, **kwargs: Any):
        if product is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name_vi": product.name_vi,
                    "name_en": product.name_en,
                    "category": product.category_id,
                    "is_active": product.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self._editing(product)
        self.fields["category"].queryset = _categories(product.category_id if product else None)  # type: ignore[attr-defined]


class CalendarDayForm(forms.Form):
    """One day to change in a calendar: off (a holiday, Tết) or worked (a swapped Saturday)."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CalendarOverride.Kind.choices,
        initial=CalendarOverride.Kind.DAY_OFF,
    )
    name = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example “Nghỉ Tết Nguyên đán” or “Làm bù thứ Bảy”."),
    )
