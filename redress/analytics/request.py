"""From what a person asked (dates, codes) to a cohort, or a refusal naming the parameter.

The API, the ``redress kpi`` command and the dashboards all ask through ``cohort_for``, so the
same question gets the same answer and the same refusal everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics.cohort import (
    MAX_PERIOD_DAYS,
    NONE,
    Cohort,
    Filters,
    Period,
    organisation_zone,
)
from redress.complaints.models import Category, Channel, Priority, Product
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.models import OrgUnit
from redress.core.roles import Role
from redress.core.selectors import user_roles

if TYPE_CHECKING:
    from redress.core.models import User

# The code that asks for complaints without a category or product.
NONE_CODE = "none"
# Who may see figures: everyone who handles or oversees complaints (each within what they see).
ANALYTICS_ROLES = frozenset(
    {Role.HANDLER, Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR}
)


def analytics_allowed(user: User) -> bool:
    return user.is_active and bool(ANALYTICS_ROLES & set(user_roles(user)))


def default_period(today: dt.date) -> Period:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(dt.date(year, month, 1), today)


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _by_code(model: type, field: str, code: str, *, none_allowed: bool = False) -> int | None:
    if not code:
        return None
    if none_allowed and code == NONE_CODE:
        return NONE
    pk = model.objects.filter(code=code).values_list("pk", flat=True).first()  # type: ignore[attr-defined]
    if pk is None:
        raise _refuse(field, _("No entry with the code “%(code)s”.") % {"code": code})
    return int(pk)


def _choice(field: str, value: str, choices: list[str]) -> str | None:
    if not value:
        return None
    if value not in choices:
        raise _refuse(
            field,
            _("Unknown value “%(value)s” (choose among: %(choices)s).")
            % {"value": value, "choices": ", ".join(choices)},
        )
    return value


def period_check(
    first: dt.date | None, last: dt.date | None, *, names: tuple[str, str] = ("from", "to")
) -> Period:
    """The period asked for (either end may be left out: the last twelve months), or a refusal
    naming the parameter."""
    today = timezone.now().astimezone(organisation_zone()).date()
    default = default_period(last or today)
    first, last = first or default.first, last or default.last
    if last < first:
        raise _refuse(names[1], _("The end of the period is before its start."))
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise _refuse(names[1], _("A period may cover at most 10 years."))
    return Period(first, last)


def cohort_for(
    user: User | None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    unit: str = "",
    category: str = "",
    channel: str = "",
    priority: str = "",
    product: str = "",
    now: dt.datetime | None = None,
) -> Cohort:
    """The cohort a person asked for by codes, checked; 403 for a person with no analytics
    role, 422 naming the first parameter that is wrong. Without a person (the command line),
    the whole organisation."""
    if user is not None and not analytics_allowed(user):
        raise NotPermitted(_("Your role does not give access to figures."))
    period = period_check(first, last)
    filters = Filters(
        unit=_by_code(OrgUnit, "unit", unit),
        category=_by_code(Category, "category", category, none_allowed=True),
        channel=_choice("channel", channel, list(Channel.values)),
        priority=_choice("priority", priority, list(Priority.values)),
        product=_by_code(Product, "product", product, none_allowed=True),
    )
    return Cohort(user=user, period=period, filters=filters, now=now or timezone.now())
