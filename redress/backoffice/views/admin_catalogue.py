"""Administration of categories, products and services (``complaints.catalogue``) and of the
business calendars' days off (``sla.services.calendars``). Administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.admin_catalogue import CalendarDayForm, CategoryForm, ProductForm
from redress.backoffice.views.common import admin_view, create_once, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints import catalogue
from redress.complaints.models import Category, Product
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.sla.models import BusinessCalendar, CalendarOverride
from redress.sla.selectors import holiday_names, work_calendar
from redress.sla.services.calendars import calendar_day_add, calendar_day_remove


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# ---- categories --------------------------------------------------------------------------


@admin_view
def category_list(request: HttpRequest) -> HttpResponse:
    """Categories, active first, in the alphabetical order of their names (Vietnamese
    collation in Vietnamese)."""
    rows = catalogue.categories_for_admin(language=get_language() or "vi")
    result = paginate(rows, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_categories.html",
        {"section": "categories", "result": result, "categories": result.rows},
    )


@admin_view
def category_create(request: HttpRequest) -> HttpResponse:
    def done(created: Category) -> HttpResponse:
        messages.success(request, gettext("Category “%(name)s” added.") % {"name": created.name_vi})
        return redirect("backoffice:categories")

    return create_once(
        request,
        CategoryForm(_data(request)),
        section="categories",
        form_template="backoffice/admin_category_form.html",
        create=lambda data: catalogue.category_create(
            actor=_actor(request),
            code=data["code"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            parent=data["parent"],
        ),
        done=done,
        already=gettext("This form was already sent: the category was added then."),
    )


@admin_view
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(_data(request), category=category)
    return save_form(
        request,
        form,
        form_template="backoffice/admin_category_form.html",
        context={"section": "categories", "category": category},
        save=lambda data: catalogue.category_update(
            actor=_actor(request), category=category, **data
        ),
        saved=gettext("Category “%(name)s” saved.")
        % {"name": form.data.get("name_vi", "").strip()},
        to="backoffice:categories",
    )


# ---- products and services ---------------------------------------------------------------


@admin_view
def product_list(request: HttpRequest) -> HttpResponse:
    rows = catalogue.products_for_admin(language=get_language() or "vi")
    result = paginate(rows, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_products.html",
        {"section": "products", "result": result, "products": result.rows},
    )


@admin_view
def product_create(request: HttpRequest) -> HttpResponse:
    def done(created: Product) -> HttpResponse:
        messages.success(
            request, gettext("Product or service “%(name)s” added.") % {"name": created.name_vi}
        )
        return redirect("backoffice:products")

    return create_once(
        request,
        ProductForm(_data(request)),
        section="products",
        form_template="backoffice/admin_product_form.html",
        create=lambda data: catalogue.product_create(
            actor=_actor(request),
            code=data["code"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            category=data["category"],
        ),
        done=done,
        already=gettext("This form was already sent: the product or service was added then."),
    )


@admin_view
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    form = ProductForm(_data(request), product=product)
    return save_form(
        request,
        form,
        form_template="backoffice/admin_product_form.html",
        context={"section": "products", "product": product},
        save=lambda data: catalogue.product_update(actor=_actor(request), product=product, **data),
        saved=gettext("Product or service “%(name)s” saved.")
        % {"name": form.data.get("name_vi", "").strip()},
        to="backoffice:products",
    )


# ---- calendars and days off --------------------------------------------------------------


@admin_view
def calendar_list(request: HttpRequest) -> HttpResponse:
    """The business calendars (few: one per way of working), the default first."""
    calendars = BusinessCalendar.objects.order_by("-is_default", "name")
    result = paginate(calendars, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_calendars.html",
        {"section": "calendars", "result": result, "calendars": result.rows},
    )


def _calendar_page(
    request: HttpRequest,
    calendar: BusinessCalendar,
    form: CalendarDayForm,
    *,
    year: int,
    status: int = 200,
) -> HttpResponse:
    """A calendar's year: every day off and swapped working day (public holidays, Tết, the
    organisation's own changes) with its reason, and the form to change a day."""
    work = work_calendar(calendar)
    overrides = {o.date: o for o in calendar.overrides.filter(date__year=year)}
    names = holiday_names(calendar.country.upper(), get_language() or "vi")
    days = [
        {
            "date": day,
            "working": working,
            "reason": overrides[day].name if day in overrides else names.holiday_name(day),
            "override": overrides.get(day),
        }
        for day, working in work.special_days(year)
    ]
    return page(
        request,
        "backoffice/admin_calendar.html",
        {
            "section": "calendars",
            "calendar": calendar,
            "form": form,
            "year": year,
            "days": days,
            "working_days": work.working_days_in_year(year),
            "years": [year - 1, year + 1],
        },
        status=status,
    )


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    today = timezone.localdate().year
    return int(value) if value.isdigit() and abs(int(value) - today) <= 2 else today


@admin_view
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=pk)
    year = _year(request)
    if request.method != "POST":
        return _calendar_page(request, calendar, CalendarDayForm(), year=year)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, calendar, form, year=year, status=422)
    try:
        added = calendar_day_add(
            actor=_actor(request),
            calendar=calendar,
            date=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            today=timezone.localdate(),
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return _calendar_page(request, calendar, form, year=year, status=error.http_status)
    if added.kind == CalendarOverride.Kind.DAY_OFF:
        done = gettext("%(date)s is now a day off; the deadlines of open complaints follow.")
    else:
        done = gettext("%(date)s is now a working day; the deadlines of open complaints follow.")
    messages.success(request, done % {"date": added.date.strftime("%d/%m/%Y")})
    return _to_year(calendar.pk, added.date.year)


def _to_year(pk: int, year: int) -> HttpResponse:
    return redirect(reverse("backoffice:calendar", args=[pk]) + f"?year={year}")


@admin_view
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int, day: int) -> HttpResponse:
    override = get_object_or_404(
        CalendarOverride.objects.select_related("calendar"), pk=day, calendar_id=pk
    )
    try:
        calendar_day_remove(actor=_actor(request), override=override)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("The change of %(date)s was removed.")
            % {"date": override.date.strftime("%d/%m/%Y")},
        )
    return _to_year(pk, override.date.year)
