"""Whether a CAPA worked (ISO 10002 8.7): the complaints with the same root cause or category
received in the window after its implementation, compared with the same number of days just
before it. A read, no writes; ``services.capa.capa_check`` stores what it finds.

The proposal: *effective* when the complaints in the window fell by at least
``REDRESS_CAPA_EFFECTIVE_REDUCTION`` per cent (default 50) from the baseline; with no complaint
in the baseline, effective only when none came in the window either. The verifier confirms or
overrides it with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from redress.complaints.models import Category, Complaint, Status
from redress.core.selectors import tree_descendant_ids
from redress.improvement.models import Capa, Cause

_NOT_COUNTED = (Status.NOT_ACCEPTED, Status.WITHDRAWN)


@dataclass(frozen=True)
class Recurrence:
    basis: str  # "cause", "category", "cause+category", or "" (nothing to compare by)
    baseline_from: dt.datetime
    window_from: dt.datetime
    window_to: dt.datetime
    baseline: int
    window: int
    reduction_pct: float | None
    target_pct: int
    proposed_effective: bool | None

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def target_reduction() -> int:
    return int(getattr(settings, "REDRESS_CAPA_EFFECTIVE_REDUCTION", 50))


def matching_complaints(capa: Capa) -> QuerySet[Complaint] | None:
    """Complaints with the CAPA's root cause (or one below it in the taxonomy) and in its
    category (or one below it); None when the CAPA has neither."""
    if capa.cause_id is None and capa.category_id is None:
        return None
    queryset = Complaint.objects.exclude(status__in=_NOT_COUNTED)
    if capa.cause_id is not None:
        causes = tree_descendant_ids(Cause, [capa.cause_id])
        queryset = queryset.filter(investigation__root_cause_id__in=causes)
    if capa.category_id is not None:
        categories = tree_descendant_ids(Category, [capa.category_id])
        queryset = queryset.filter(category_id__in=categories)
    return queryset


def recurrence(capa: Capa) -> Recurrence:
    """The figures and the proposal for an implemented CAPA: window = [implemented,
    implemented + window days), baseline = the same number of days before it."""
    assert capa.implemented_at is not None
    start = capa.implemented_at
    length = dt.timedelta(days=capa.check_window_days)
    basis = "+".join(
        name
        for name, value in (("cause", capa.cause_id), ("category", capa.category_id))
        if value is not None
    )
    target = target_reduction()
    found = matching_complaints(capa)
    if found is None:
        return Recurrence(basis, start - length, start, start + length, 0, 0, None, target, None)
    baseline = found.filter(received_at__gte=start - length, received_at__lt=start).count()
    window = found.filter(received_at__gte=start, received_at__lt=start + length).count()
    if baseline:
        reduction: float | None = round(100 * (baseline - window) / baseline, 1)
        proposed = reduction >= target  # type: ignore[operator]
    else:
        reduction = None
        proposed = window == 0
    return Recurrence(
        basis, start - length, start, start + length, baseline, window, reduction, target, proposed
    )
