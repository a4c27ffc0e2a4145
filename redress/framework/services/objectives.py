"""Objectives (ISO 10002 6.2): set with a KPI of the catalogue (or a measure entered by hand),
a target, a baseline, an owner, a period and a review frequency; measured at each review date —
automatically for a KPI — with every result kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics.kpis import CATALOGUE, Better
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.framework.models import Objective, ObjectiveResult, ReviewFrequency
from redress.framework.models.objectives import Direction
from redress.framework.roles import Permission
from redress.framework.selectors_objectives import (
    objective_kpi_measure,
    objective_status,
    objective_window,
    objectives_due,
    review_after,
)
from redress.framework.services.common import allowed, choice_check, framework_record, required


def _number(name: str, value: object, *, optional: bool = False) -> Decimal | None:
    if value in (None, "") and optional:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Enter a number."), fields={name: [_("Enter a number.")]}
        ) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ValidationFailed(_("Enter a number."), fields={name: [_("Enter a number.")]})
    return number


@transaction.atomic
def objective_create(
    *,
    actor: Actor,
    title: str,
    owner: User,
    target: object,
    period_start: dt.date,
    period_end: dt.date,
    frequency: str,
    kpi: str = "",
    manual_measure: str = "",
    unit_of_measure: str = "",
    direction: str = "",
    baseline: object = None,
    unit: OrgUnit | None = None,
    title_en: str = "",
) -> Objective:
    """A new objective (complaints managers, top management). With a KPI, its direction and
    unit of measure come from the catalogue unless given; without one, the measure is named
    and its results are entered by hand."""
    allowed(actor, Permission.OBJECTIVE_EDIT)
    required({"title": title})
    choice_check("frequency", frequency, ReviewFrequency)
    kpi = kpi.strip()
    if kpi:
        if kpi not in CATALOGUE:
            raise ValidationFailed(
                _("There is no KPI with the code “%(code)s”.") % {"code": kpi},
                fields={"kpi": [_("Choose a KPI of the catalogue.")]},
            )
        entry = CATALOGUE[kpi]
        if not direction and entry.better != Better.NEITHER:
            direction = Direction.LOWER if entry.better == Better.LOWER else Direction.HIGHER
        unit_of_measure = unit_of_measure or str(entry.unit.label)
    elif not manual_measure.strip():
        raise ValidationFailed(
            _("Choose a KPI or name the measure entered by hand."),
            fields={"kpi": [_("Choose a KPI or name the measure entered by hand.")]},
        )
    if not direction:
        raise ValidationFailed(
            _("Say whether a higher or a lower value is better for this measure."),
            fields={"direction": [_("This field is required.")]},
        )
    choice_check("direction", direction, Direction)
    goal = _number("target", target)
    assert goal is not None  # not optional: a number or a refusal
    start = _number("baseline", baseline, optional=True)
    if period_end < period_start:
        raise ValidationFailed(
            _("The period ends before it starts."),
            fields={"period_end": [_("Choose a date on or after the start.")]},
        )
    if not owner.is_active:
        raise ValidationFailed(
            _("This person cannot own the objective."),
            fields={"owner": [_("Choose an active person.")]},
        )
    now = timezone.now()
    objective = Objective(
        title=title.strip(),
        title_en=title_en.strip(),
        kpi=kpi,
        manual_measure="" if kpi else manual_measure.strip(),
        unit_of_measure=unit_of_measure.strip()[:20],
        direction=direction,
        baseline=start,
        target=goal,
        owner=owner,
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        frequency=frequency,
        next_review=period_start,
        created_at=now,
    )
    objective.next_review = review_after(objective, period_start)
    objective.save()
    framework_record(
        actor=actor,
        action="objective_create",
        target=objective,
        label=objective.title,
        after={
            "kpi": kpi,
            "target": goal,
            "baseline": start,
            "direction": direction,
            "owner": owner.pk,
            "unit": unit.pk if unit else None,
            "period": [period_start, period_end],
            "frequency": frequency,
        },
        at=now,
    )
    return objective


def _result(
    objective: Objective,
    *,
    actor: Actor,
    on: dt.date,
    value: Decimal | None,
    numerator: int | None,
    denominator: int | None,
    source: str,
    note: str = "",
) -> ObjectiveResult:
    window = objective_window(objective, on)
    status = objective_status(objective, value, on)
    result = ObjectiveResult.objects.create(
        objective=objective,
        measured_on=on,
        window_start=window.first,
        window_end=window.last,
        value=value,
        numerator=numerator,
        denominator=denominator,
        status=status,
        source=source,
        note=note.strip()[:300],
        recorded_by_label=actor.label[:150],
    )
    before = {"status": objective.status, "actual": objective.actual}
    objective.actual = value
    objective.status = status
    # The next review is the first review date after this measure (the period's end at most).
    while objective.next_review <= on and objective.next_review < objective.period_end:
        objective.next_review = review_after(objective, objective.next_review)
    objective.save(update_fields=["actual", "status", "next_review"])
    framework_record(
        actor=actor,
        action="objective_measure",
        target=objective,
        label=objective.title,
        before=before,
        after={
            "result": result.pk,
            "measured_on": on,
            "value": value,
            "status": status,
            "source": source,
        },
    )
    return result


@transaction.atomic
def objective_measure(
    *, actor: Actor, objective: Objective, on: dt.date | None = None
) -> ObjectiveResult:
    """Measure a KPI objective now (or as of ``on``) from the KPI catalogue and keep the
    result."""
    allowed(actor, Permission.OBJECTIVE_EDIT)
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if not objective.kpi:
        raise Conflict(_("This objective's measure is entered by hand."))
    on = on or timezone.localdate()
    measure = objective_kpi_measure(objective, on)
    return _result(
        objective,
        actor=actor,
        on=on,
        value=measure.value,
        numerator=measure.numerator,
        denominator=measure.denominator,
        source="kpi",
    )


@transaction.atomic
def objective_record_result(
    *, actor: Actor, objective: Objective, value: object, note: str = "", on: dt.date | None = None
) -> ObjectiveResult:
    """Enter the result of an objective measured by hand (its owner, or those who set
    objectives)."""
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if actor.user is None or actor.user.pk != objective.owner_id:
        allowed(actor, Permission.OBJECTIVE_EDIT)
    if objective.kpi:
        raise Conflict(_("This objective is measured from its KPI, not by hand."))
    number = _number("value", value)
    return _result(
        objective,
        actor=actor,
        on=on or timezone.localdate(),
        value=number,
        numerator=None,
        denominator=None,
        source="manual",
        note=note,
    )


@transaction.atomic
def objective_retire(*, actor: Actor, objective: Objective, reason: str) -> Objective:
    allowed(actor, Permission.OBJECTIVE_EDIT)
    required({"reason": reason})
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if objective.retired_at is not None:
        raise Conflict(_("This objective is already retired."))
    objective.retired_at = timezone.now()
    objective.save(update_fields=["retired_at"])
    framework_record(
        actor=actor,
        action="objective_retire",
        target=objective,
        label=objective.title,
        after={"reason": reason.strip()},
        at=objective.retired_at,
    )
    return objective


def objectives_review_due(*, on: dt.date | None = None, limit: int = 200) -> int:
    """The scheduled duty: measure each KPI objective whose review date has come, as of that
    date, one transaction each. Objectives measured by hand stay due until their owner enters
    a result (the objectives page lists them)."""
    on = on or timezone.localdate()
    actor = Actor.system("objectives")
    measured = 0
    for objective in objectives_due(on).exclude(kpi="")[:limit]:
        objective_measure(actor=actor, objective=objective, on=min(on, objective.next_review))
        measured += 1
    return measured
