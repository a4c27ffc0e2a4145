"""Competence in the analytics catalogue (ISO10002.md §4, "Trained handler %"): registered into
the analytics app's registry when the framework app is ready; analytics never imports this app.

``trained_handler_pct`` is taken as of the period's last day (today, while the period runs):
the active handlers then with current training in every active course the handler role needs,
out of the active handlers then. With no course required every handler counts as trained; with
no handler there is no value. Handlers are those of the units the person looking sees (every
unit for top management, auditors and the command line), narrowed by the unit filter.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from redress.analytics.cohort import Cohort
from redress.analytics.kpis import Better, Figure, Kpi, KpiUnit, kpi_register, percent
from redress.core.models import User
from redress.core.roles import ORGANISATION_WIDE_ROLES, Role
from redress.core.selectors import unit_descendant_ids, user_roles
from redress.framework.selectors_training import people_with_role, trained_count


def _units_seen(user: User | None) -> set[int] | None:
    """The units whose handlers the person counts (None: every unit)."""
    if user is None or user.is_superuser:
        return None
    roles = user_roles(user)
    if set(roles) & ORGANISATION_WIDE_ROLES:
        return None
    units: set[int] = set()
    for role, unit_ids in roles.items():
        units |= unit_descendant_ids(unit_ids) if role == Role.COMPLAINTS_MANAGER else unit_ids
    return units


def _as_of(cohort: Cohort) -> dt.date:
    return min(cohort.period.last, cohort.now.astimezone(cohort.zone).date())


def _handlers(cohort: Cohort, day: dt.date) -> QuerySet[User]:
    units = _units_seen(cohort.user)
    if cohort.filters.unit is not None:
        wanted = unit_descendant_ids([cohort.filters.unit])
        units = wanted if units is None else units & wanted
    return people_with_role(Role.HANDLER, on=day, unit_ids=units)


def trained_handlers(cohort: Cohort) -> Figure:
    day = _as_of(cohort)
    trained, total = trained_count(_handlers(cohort, day), Role.HANDLER, on=day)
    return percent(trained, total)


kpi_register(
    Kpi(
        "trained_handler_pct",
        gettext_lazy("Handlers with current training"),
        gettext_lazy(
            "Active handlers with current training in every course their role needs, at the "
            "end of the period / active handlers"
        ),
        KpiUnit.PERCENT,
        Better.HIGHER,
        trained_handlers,
        section="resources",
    ),
)
