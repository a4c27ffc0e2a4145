"""Days off and swapped working days of a business calendar, as administrators keep them: the
extra day off the government announces, the company's own Tết days, a Saturday worked in
exchange for a bridge day.

Only an administrator (or a superuser, or a system job) changes them. Each change is validated
(each problem named by field, nothing written), audited (``sla.calendar_day_add`` and
``sla.calendar_day_remove``), and recomputes the deadlines of the open complaints of every
unit working to the calendar once it commits (``sla_calendar_changed``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import FieldProblems, NotPermitted
from redress.core.roles import Role
from redress.core.selectors import user_roles
from redress.sla.models import BusinessCalendar, CalendarOverride
from redress.sla.selectors import work_calendar
from redress.sla.services.recompute import sla_calendar_changed

# How far from today a change may be entered: the government announces the next year's days
# off in the autumn; the past is kept for the deadlines already computed.
YEARS_AHEAD = 2


def administrator_check(actor: Actor) -> None:
    """Refuse unless the actor is an administrator, a superuser or a system job."""
    if actor.kind == "system":
        return
    user = actor.user
    if user is None or not (Role.ADMIN in user_roles(user) or user.is_superuser):
        raise NotPermitted(_("Only administrators may change the organisation's settings."))


def _label(calendar: BusinessCalendar, day: dt.date) -> str:
    return f"{calendar.name} {day.isoformat()}"


@transaction.atomic
def calendar_day_add(
    *,
    actor: Actor,
    calendar: BusinessCalendar,
    date: dt.date | None,
    kind: str,
    name: str,
    today: dt.date | None = None,
) -> CalendarOverride:
    """Make one day of the calendar a day off (``kind`` ``day_off``) or a working day
    (``working_day``), for ``name`` (the reason, e.g. "Nghỉ Tết Nguyên đán"). A day that is
    already so in the calendar, a day already changed, or a day more than ``YEARS_AHEAD`` years
    away is refused. Raises ``ValidationFailed`` naming each bad field and ``NotPermitted``."""
    administrator_check(actor)
    problems = FieldProblems()
    if date is None:
        problems.add("date", _("This field is required."))
    if kind not in CalendarOverride.Kind.values:
        problems.add("kind", _("Choose a day off or a working day."))
    if not name.strip():
        problems.add("name", _("This field is required."))
    elif len(name.strip()) > 200:
        problems.add("name", _("At most %(count)d characters.") % {"count": 200})
    if date is not None:
        year = (today or timezone.localdate()).year
        if not year - YEARS_AHEAD <= date.year <= year + YEARS_AHEAD:
            problems.add(
                "date",
                _("Enter a date between %(first)d and %(last)d.")
                % {"first": year - YEARS_AHEAD, "last": year + YEARS_AHEAD},
            )
        elif CalendarOverride.objects.filter(calendar=calendar, date=date).exists():
            problems.add(
                "date", _("This day is already changed in this calendar: remove that first.")
            )
        elif kind in CalendarOverride.Kind.values:
            working = work_calendar(calendar).is_working_day(date)
            if kind == CalendarOverride.Kind.DAY_OFF and not working:
                problems.add("date", _("This day is already a day off in this calendar."))
            if kind == CalendarOverride.Kind.WORKING_DAY and working:
                problems.add("date", _("This day is already a working day in this calendar."))
    problems.raise_if_any(_("The day cannot be added."))
    assert date is not None  # checked above
    override = CalendarOverride.objects.create(
        calendar=calendar, date=date, kind=kind, name=name.strip()
    )
    audit_record(
        actor=actor,
        action="sla.calendar_day_add",
        target=calendar,
        target_label=_label(calendar, date),
        after={"date": date, "kind": kind, "name": override.name},
    )
    sla_calendar_changed(calendar_id=calendar.pk)
    return override


@transaction.atomic
def calendar_day_remove(*, actor: Actor, override: CalendarOverride) -> None:
    """Take a changed day out of the calendar: it follows the weekly pattern and the public
    holidays again. Audited with what the day was."""
    administrator_check(actor)
    calendar = override.calendar
    audit_record(
        actor=actor,
        action="sla.calendar_day_remove",
        target=calendar,
        target_label=_label(calendar, override.date),
        before={"date": override.date, "kind": override.kind, "name": override.name},
    )
    override.delete()
    sla_calendar_changed(calendar_id=calendar.pk)
