"""The year of the management system on one page (ISO 10002 clauses 6, 8.5, 8.6): the
objectives' review dates, policy versions taking effect, training expiring, internal audits
and management reviews, month by month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from redress.framework.models import (
    Audit,
    ManagementReview,
    Objective,
    PolicyStatus,
    PolicyVersion,
    TrainingRecord,
)
from redress.framework.selectors_objectives import review_after


@dataclass(frozen=True)
class Happening:
    day: dt.date
    kind: str  # "objective", "policy", "training", "audit", "review"
    label: str
    pk: int


@dataclass(frozen=True)
class Month:
    number: int
    first: dt.date
    happenings: list[Happening]


def _objective_reviews(year: int) -> Iterator[Happening]:
    objectives = Objective.objects.filter(
        retired_at__isnull=True, period_start__year__lte=year, period_end__year__gte=year
    ).order_by("pk")[:200]
    for objective in objectives:
        day = review_after(objective, objective.period_start)
        while True:
            if day.year == year:
                yield Happening(
                    day,
                    "objective",
                    _("Objective review: %(title)s") % {"title": objective.title},
                    objective.pk,
                )
            if day >= objective.period_end or day.year > year:
                break
            day = review_after(objective, day)


def _policy_versions(year: int) -> Iterator[Happening]:
    versions = PolicyVersion.objects.filter(
        status=PolicyStatus.APPROVED, effective_from__year=year
    ).order_by("number")
    for version in versions:
        yield Happening(
            version.effective_from,  # type: ignore[arg-type]
            "policy",
            _("Policy version %(number)s takes effect") % {"number": version.number},
            version.number,
        )


def _training_expiring(year: int) -> Iterator[Happening]:
    records = (
        TrainingRecord.objects.filter(expires_on__year=year)
        .select_related("user", "course")
        .order_by("expires_on", "pk")[:300]
    )
    for record in records:
        yield Happening(
            record.expires_on,  # type: ignore[arg-type]
            "training",
            _("Training expires: %(course)s, %(person)s")
            % {
                "course": record.course.name,
                "person": record.user.get_full_name() or record.user.get_username(),
            },
            record.pk,
        )


def _management_reviews(year: int) -> Iterator[Happening]:
    for review in ManagementReview.objects.filter(review_date__year=year).order_by("review_date"):
        yield Happening(
            review.review_date,
            "review",
            _("Management review %(reference)s: %(title)s")
            % {"reference": review.reference, "title": review.title},
            review.pk,
        )


def _internal_audits(year: int) -> Iterator[Happening]:
    for audit in Audit.objects.filter(planned_on__year=year).order_by("planned_on", "pk")[:200]:
        yield Happening(
            audit.planned_on,
            "audit",
            _("Internal audit %(reference)s: %(title)s")
            % {"reference": audit.reference, "title": audit.title},
            audit.pk,
        )


# Each source lists one kind of the year's happenings.
SOURCES: list[Callable[[int], Iterator[Happening]]] = [
    _objective_reviews,
    _policy_versions,
    _training_expiring,
    _internal_audits,
    _management_reviews,
]


def year_calendar(year: int) -> list[Month]:
    happenings = sorted(
        (happening for source in SOURCES for happening in source(year)),
        key=lambda happening: (happening.day, happening.kind, happening.pk),
    )
    months = [Month(number, dt.date(year, number, 1), []) for number in range(1, 13)]
    for happening in happenings:
        months[happening.day.month - 1].happenings.append(happening)
    return months
