"""The responsibility matrix as people read it: for each step of the process, the roles that
are responsible, accountable, consulted and informed on a day, and the steps left without an
accountable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from redress.framework.models import ProcessStep, Raci, Responsibility


def in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


@dataclass
class StepRow:
    step: str
    label: str
    parts: dict[str, list[Responsibility]] = field(default_factory=dict)

    @property
    def accountable(self) -> list[Responsibility]:
        return self.parts[Raci.ACCOUNTABLE]


def responsibility_matrix(on: dt.date | None = None) -> list[StepRow]:
    on = on or timezone.localdate()
    rows = {
        step.value: StepRow(step.value, str(step.label), {part.value: [] for part in Raci})
        for step in ProcessStep
    }
    in_effect = Responsibility.objects.filter(in_force(on)).select_related("unit")
    for row in in_effect.order_by("role", "pk"):
        rows[row.step].parts[row.part].append(row)
    return list(rows.values())


def steps_without_accountable(matrix: list[StepRow]) -> list[StepRow]:
    return [row for row in matrix if len(row.accountable) != 1]


def responsibility_history() -> list[Responsibility]:
    """Rows that have ended, latest first (bounded)."""
    today = timezone.localdate()
    return list(
        Responsibility.objects.filter(valid_to__lt=today)
        .select_related("unit")
        .order_by("-valid_to", "-pk")[:200]
    )
