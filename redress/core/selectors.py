"""Reads about the organisation, its units and who holds which role."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from redress.core.memo import memo
from redress.core.models import Membership, Organisation, OrgUnit, User
from redress.core.read_memo import remembered
from redress.core.roles import Role


@memo
def organisation_get() -> Organisation:
    """The organisation's settings; the row is created with defaults on first use. Remembered
    for a few seconds (``redress.core.memo``): read-only for callers."""
    organisation, _created = Organisation.objects.get_or_create(pk=1)
    return organisation


def memberships_current(user: User, *, on: date | None = None) -> list[Membership]:
    day = on or timezone.localdate()
    return list(
        Membership.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def user_roles(user: User) -> dict[Role, set[int]]:
    """Each current role of the user with the ids of the units where it is held."""
    roles: dict[Role, set[int]] = {}
    if not user.is_authenticated or not user.is_active:
        return roles
    cache: dict[Role, set[int]] | None = getattr(user, "_redress_roles", None)
    if cache is not None:
        return cache
    for membership in memberships_current(user):
        roles.setdefault(Role(membership.role), set()).add(membership.unit_id)
    user._redress_roles = roles  # type: ignore[attr-defined]  # per-request cache
    return roles


def unit_descendant_ids(unit_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them (units are few; one query)."""
    return tree_descendant_ids(OrgUnit, unit_ids)


def tree_descendant_ids(model: type[models.Model], ids: Iterable[int]) -> set[int]:
    """The given rows of a small tree (a model with a ``parent``) and every row below them,
    from one query."""
    children = remembered(("tree", model._meta.label), lambda: _children(model))
    found: set[int] = set()
    stack = list(ids)
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def _children(model: type[models.Model]) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in model._default_manager.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def unit_ancestor_ids(unit_id: int) -> list[int]:
    """The unit and its parents, nearest first."""
    parents = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def staff_members() -> QuerySet[User]:
    """Active people holding a current role in the organisation (its staff), by name."""
    today = timezone.localdate()
    current = Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
    )
    return User.objects.filter(is_active=True, pk__in=current.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def users_with_role(role: Role, *, unit_ids: Iterable[int] | None = None) -> list[User]:
    today = timezone.localdate()
    memberships = Membership.objects.filter(role=role, user__is_active=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
    )
    if unit_ids is not None:
        memberships = memberships.filter(unit_id__in=list(unit_ids))
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))


def units_for_admin() -> QuerySet[OrgUnit]:
    """Every unit (active first, by name) with its parent and calendar, and how many people
    hold a role in it today (``members``): the administrators' list of units."""
    today = timezone.localdate()
    held = Q(memberships__valid_from__isnull=True) | Q(memberships__valid_from__lte=today)
    held &= Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today)
    return (
        OrgUnit.objects.select_related("parent", "calendar")
        .annotate(members=models.Count("memberships__user", filter=held, distinct=True))
        .order_by("-is_active", "name", "pk")
    )


def people_for_admin(*, query: str = "", show: str = "") -> QuerySet[User]:
    """People (active ones unless ``show`` is ``inactive`` or ``all``), by given then family
    name (as Vietnamese lists go), matching ``query`` in their name, user name or email; their roles come with them
    (one more query for the page)."""
    people = User.objects.all()
    if show == "inactive":
        people = people.filter(is_active=False)
    elif show != "all":
        people = people.filter(is_active=True)
    for word in query.split()[:5]:
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    roles = Membership.objects.select_related("unit").order_by("role", "unit__name")
    return people.prefetch_related(models.Prefetch("memberships", queryset=roles)).order_by(
        "first_name", "last_name", "username"
    )
