"""Administration of the organisation: its units, its people and the roles they hold.
Administrators only; every change goes through ``framework.services.organisation``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.admin_org import PeopleFilterForm, PersonForm, RoleGrantForm, UnitForm
from redress.backoffice.views.common import admin_view, create_once, page, save_form
from redress.backoffice.views.queues import _page_number
from redress.complaints.queues import paginate
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import Membership, OrgUnit, User
from redress.core.selectors import people_for_admin, units_for_admin
from redress.framework.services import organisation as services


def _actor(request: HttpRequest) -> Actor:
    user: User = request.user  # type: ignore[assignment]
    return Actor.for_user(user)


def _form(request: HttpRequest, form_class: type, **kwargs: Any) -> Any:
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# ---- units -------------------------------------------------------------------------------


@admin_view
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units, active first, with their parent, calendar and how many people work there."""
    result = paginate(units_for_admin(), _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_units.html",
        {"section": "units", "result": result, "units": result.rows},
    )


@admin_view
def unit_create(request: HttpRequest) -> HttpResponse:
    def done(created: OrgUnit) -> HttpResponse:
        messages.success(request, gettext("Unit “%(name)s” added.") % {"name": created.name})
        return redirect("backoffice:units")

    return create_once(
        request,
        _form(request, UnitForm),
        section="units",
        form_template="backoffice/admin_unit_form.html",
        create=lambda data: services.unit_create(
            actor=_actor(request),
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            parent=data["parent"],
            calendar=data["calendar"],
        ),
        done=done,
        already=gettext("This form was already sent: the unit was added then."),
    )


@admin_view
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    form = _form(request, UnitForm, unit=unit)
    return save_form(
        request,
        form,
        form_template="backoffice/admin_unit_form.html",
        context={"section": "units", "unit": unit},
        save=lambda data: services.unit_update(
            actor=_actor(request),
            unit=unit,
            name=data["name"],
            name_en=data["name_en"],
            parent=data["parent"],
            calendar=data["calendar"],
            is_active=data["is_active"],
        ),
        saved=gettext("Unit “%(name)s” saved.") % {"name": form.data.get("name", "").strip()},
        to="backoffice:units",
    )


# ---- people ------------------------------------------------------------------------------


@admin_view
def person_list(request: HttpRequest) -> HttpResponse:
    """People with their current and past roles; searched by name, user name or email."""
    filters = PeopleFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    people = people_for_admin(query=data.get("q", ""), show=data.get("show", ""))
    result = paginate(people, _page_number(request))  # type: ignore[arg-type]
    return page(
        request,
        "backoffice/admin_people.html",
        {
            "section": "people",
            "result": result,
            "people": result.rows,
            "filters": filters,
            "today": timezone.localdate(),
        },
    )


@admin_view
def person_create(request: HttpRequest) -> HttpResponse:
    def done(created: User) -> HttpResponse:
        messages.success(
            request,
            gettext(
                "%(name)s was added. They set their password with “Forgot your password?” on "
                "the sign-in page."
            )
            % {"name": created.get_full_name() or created.username},
        )
        return redirect("backoffice:person", pk=created.pk)

    return create_once(
        request,
        _form(request, PersonForm),
        section="people",
        form_template="backoffice/admin_person_form.html",
        create=lambda data: services.person_create(
            actor=_actor(request),
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            unit=data["unit"],
            role=data["role"],
        ),
        done=done,
        already=gettext("This form was already sent: the person was added then."),
    )


def _person_page(
    request: HttpRequest,
    person: User,
    *,
    form: PersonForm | None = None,
    grant: RoleGrantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    roles = Membership.objects.filter(user=person).select_related("unit").order_by("-pk")
    return page(
        request,
        "backoffice/admin_person.html",
        {
            "section": "people",
            "person": person,
            "form": form or PersonForm(person=person),
            "grant": grant or RoleGrantForm(),
            "memberships": roles,
            "today": timezone.localdate(),
        },
        status=status,
    )


@admin_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person: their details (editable), their roles (given and ended here), and whether
    they may sign in."""
    person = get_object_or_404(User, pk=pk)
    if request.method != "POST":
        return _person_page(request, person)
    form = PersonForm(request.POST, person=person)
    if not form.is_valid():
        return _person_page(request, person, form=form, status=422)
    try:
        services.person_update(actor=_actor(request), person=person, **form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return _person_page(request, person, form=form, status=error.http_status)
    messages.success(request, gettext("The changes were saved."))
    return redirect("backoffice:person", pk=person.pk)


@admin_view
@require_POST
def person_role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    grant = RoleGrantForm(request.POST)
    if not grant.is_valid():
        return _person_page(request, person, grant=grant, status=422)
    try:
        membership = services.role_grant(
            actor=_actor(request),
            person=person,
            unit=grant.cleaned_data["unit"],
            role=grant.cleaned_data["role"],
        )
    except ApplicationError as error:
        form_add_error(grant, error)
        return _person_page(request, person, grant=grant, status=error.http_status)
    messages.success(
        request,
        gettext("Role “%(role)s” in %(unit)s given.")
        % {"role": membership.get_role_display(), "unit": membership.unit.name},
    )
    return redirect("backoffice:person", pk=person.pk)


@admin_view
@require_POST
def person_role_end(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    held = get_object_or_404(Membership.objects.select_related("unit"), pk=membership, user_id=pk)
    try:
        services.role_end(actor=_actor(request), membership=held)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("Role “%(role)s” in %(unit)s ended.")
            % {"role": held.get_role_display(), "unit": held.unit.name},
        )
    return redirect("backoffice:person", pk=pk)


@admin_view
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) a person."""
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(actor=_actor(request), person=person, active=active)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        name = person.get_full_name() or person.username
        messages.success(
            request,
            (
                gettext("%(name)s can sign in again.")
                if active
                else gettext("%(name)s was deactivated and can no longer sign in.")
            )
            % {"name": name},
        )
    return redirect("backoffice:person", pk=pk)
