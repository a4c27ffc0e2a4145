"""The audit's sample of closed complaints, drawn reproducibly, and the auditor's check of each
sampled complaint.

The population is the closed complaints of the audit's scope: the audited unit and every unit
below it, the scope's categories (and their sub-categories) if it names any, closed within the
audit's period (days of the organisation's time zone). It is read as primary keys only, in
primary-key order, in one pass (a million complaints are a million integers, never a million
objects), and fingerprinted (SHA-256 of the ordered keys) so that a later redraw can show it
met the same population.

The size comes from attribute sampling with zero expected deviations: to be ``C`` confident
that the deviation rate is below the tolerable rate ``p`` when the sample shows none,

    n0 = ceil( ln(1 − C) / ln(1 − p) )

corrected for a finite population of ``N`` complaints,

    n = ceil( n0 / (1 + (n0 − 1) / N) ),  and never more than N.

For example C = 95 %, p = 5 %: n0 = ceil(2.9957 / 0.051293) = ceil(58.40) = 59; with N = 100,
n = ceil(59 / 1.58) = ceil(37.34) = 38. The auditor may instead choose a size, which may not
exceed the population.

The draw is ``random.Random(seed).sample`` over the population in primary-key order; the seed is
stored, so the same seed over the same population gives the same complaints in the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import secrets
from array import array
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.analytics.cohort import organisation_zone
from redress.complaints.models import Complaint, Status
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.framework.models import Audit, AuditSampleItem, CheckAspect, CheckResult
from redress.framework.services.audits import _conducting, audit_category_ids, audit_units
from redress.framework.services.common import choice_check, framework_record

CONFIDENCE_LEVELS = (90, 95, 99)
# Tolerable deviation rates offered (per cent); any rate above 0 and below 50 is accepted.
TOLERABLE_RATES = (Decimal("2"), Decimal("3"), Decimal("5"), Decimal("10"))
SEED_BITS = 48  # within a signed 64-bit column, and short enough to write down


def sample_size(*, confidence_pct: int, tolerable_pct: Decimal | float, population: int) -> int:
    """Attribute sampling with zero expected deviations, finite-population corrected (the
    module's docstring has the formula and a worked example)."""
    confidence = confidence_pct / 100
    rate = float(tolerable_pct) / 100
    if not 0 < confidence < 1:
        raise ValidationFailed(
            _("The confidence must be above 0 and below 100 %."),
            fields={"confidence": [_("Choose 90, 95 or 99 %.")]},
        )
    if not 0 < rate < 0.5:
        raise ValidationFailed(
            _("The tolerable deviation rate must be above 0 and below 50 %."),
            fields={"tolerable_pct": [_("Enter a rate such as 5 %.")]},
        )
    if population <= 0:
        return 0
    # A tiny epsilon keeps a ratio that is a whole number in exact arithmetic from rounding up.
    infinite = math.ceil(math.log(1 - confidence) / math.log(1 - rate) - 1e-9)
    corrected = math.ceil(infinite / (1 + (infinite - 1) / population) - 1e-9)
    return max(1, min(population, corrected))


def audit_population(audit: Audit) -> QuerySet[Complaint]:
    """The closed complaints of the audit's scope (see the module's docstring)."""
    zone = organisation_zone()
    start = dt.datetime.combine(audit.period_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(audit.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    queryset = Complaint.objects.filter(
        status=Status.CLOSED,
        unit_id__in=audit_units(audit),
        closed_at__gte=start,
        closed_at__lt=end,
    )
    categories = audit_category_ids(audit)
    if categories:
        queryset = queryset.filter(category_id__in=categories)
    return queryset


def population_ids(audit: Audit) -> tuple[array[int], str]:
    """The population's primary keys in order (a compact array) and their fingerprint."""
    ids: array[int] = array("q")
    digest = hashlib.sha256()
    for pk in audit_population(audit).order_by("pk").values_list("pk", flat=True).iterator(10_000):
        ids.append(pk)
        digest.update(pk.to_bytes(8, "big", signed=True))
    return ids, digest.hexdigest()


def draw(ids: Sequence[int], size: int, seed: int) -> list[int]:
    """``size`` keys of ``ids`` chosen by the seeded generator, in the order drawn."""
    return random.Random(seed).sample(ids, size)  # noqa: S311 - reproducible, not secret


def audit_sample_reproduce(audit: Audit) -> tuple[list[int], str]:
    """The sample the stored seed and size give over today's population, and the population's
    fingerprint: equal to the stored sample and fingerprint when nothing in scope changed."""
    if audit.sample_seed is None or audit.sample_size is None:
        return [], ""
    ids, digest = population_ids(audit)
    return draw(ids, min(audit.sample_size, len(ids)), audit.sample_seed), digest


def _size_for(
    population: int, *, size: int | None, confidence: int | None, tolerable_pct: Decimal | None
) -> int:
    if population == 0:
        raise ValidationFailed(
            _(
                "No closed complaint is in the audit's scope and period: there is nothing to sample."
            ),
            fields={"size": [_("The population is empty.")]},
        )
    if size is not None:
        if size < 1:
            raise ValidationFailed(
                _("The sample needs at least one complaint."),
                fields={"size": [_("Enter a number from 1.")]},
            )
        if size > population:
            raise ValidationFailed(
                _(
                    "The sample (%(size)s) cannot be larger than the population of %(population)s "
                    "closed complaints."
                )
                % {"size": size, "population": population},
                fields={"size": [_("Enter at most %(population)s.") % {"population": population}]},
            )
        return size
    if confidence is None or tolerable_pct is None:
        raise ValidationFailed(
            _("Choose a confidence and a tolerable deviation rate, or a sample size."),
            fields={"size": [_("Enter a size, or choose the confidence and the rate.")]},
        )
    if confidence not in CONFIDENCE_LEVELS:
        raise ValidationFailed(
            _("Choose 90, 95 or 99 %."), fields={"confidence": [_("Not a valid choice.")]}
        )
    return sample_size(
        confidence_pct=confidence, tolerable_pct=tolerable_pct, population=population
    )


@transaction.atomic
def audit_sample_draw(
    *,
    audit: Audit,
    actor: Actor,
    confidence: int | None = None,
    tolerable_pct: Decimal | None = None,
    size: int | None = None,
    seed: int | None = None,
) -> Audit:
    """Draw (or draw again, while none of its complaints is checked) the audit's sample, by the
    statistical rule or a chosen size, with a new random seed unless one is given (to redraw a
    sample made elsewhere). A named auditor, while the audit is in progress."""
    audit, _user = _conducting(audit, actor)
    if audit.sample_items.exclude(result="").exists():
        raise Conflict(
            _("Complaints of the sample are checked already: the sample cannot be drawn again.")
        )
    ids, digest = population_ids(audit)
    n = _size_for(len(ids), size=size, confidence=confidence, tolerable_pct=tolerable_pct)
    if seed is None:
        seed = secrets.randbits(SEED_BITS)
    elif not 0 <= seed < 2**63:
        raise ValidationFailed(
            _("The seed must be a whole number from 0."), fields={"seed": [_("Not a valid seed.")]}
        )
    chosen = draw(ids, n, seed)
    audit.sample_items.all().delete()
    AuditSampleItem.objects.bulk_create(
        AuditSampleItem(audit=audit, complaint_id=pk, position=n)
        for n, pk in enumerate(chosen, start=1)
    )
    before = {"size": audit.sample_size, "seed": audit.sample_seed}
    audit.sample_confidence = None if size is not None else confidence
    audit.sample_tolerable_pct = None if size is not None else tolerable_pct
    audit.sample_size = n
    audit.sample_seed = seed
    audit.population_size = len(ids)
    audit.population_digest = digest
    audit.sampled_at = timezone.now()
    audit.save(
        update_fields=[
            "sample_confidence",
            "sample_tolerable_pct",
            "sample_size",
            "sample_seed",
            "population_size",
            "population_digest",
            "sampled_at",
        ]
    )
    framework_record(
        actor=actor,
        action="audit_sample",
        target=audit,
        label=audit.reference,
        before=before,
        after={
            "size": n,
            "seed": seed,
            "confidence": audit.sample_confidence,
            "tolerable_pct": audit.sample_tolerable_pct,
            "population": len(ids),
            "population_digest": digest,
            # The keys themselves for a usual sample; a fingerprint for a very large one.
            "complaints": chosen if n <= 500 else [],
            "sample_digest": hashlib.sha256(repr(chosen).encode()).hexdigest(),
        },
    )
    return audit


@transaction.atomic
def audit_sample_check(
    *,
    item: AuditSampleItem,
    actor: Actor,
    checks: Sequence[str],
    result: str,
    note: str = "",
) -> AuditSampleItem:
    """Record what was checked on one sampled complaint and whether it conforms; a
    nonconforming complaint needs a note saying what was wrong."""
    audit, _user = _conducting(item.audit, actor)
    item = AuditSampleItem.objects.select_for_update().get(pk=item.pk, audit=audit)
    checked = list(dict.fromkeys(checks))
    if not checked:
        raise ValidationFailed(
            _("Say what was checked."), fields={"checks": [_("Choose at least one.")]}
        )
    for aspect in checked:
        choice_check("checks", aspect, CheckAspect)
    choice_check("result", result, CheckResult)
    if result == CheckResult.NONCONFORMING and not note.strip():
        raise ValidationFailed(
            _("Say what does not conform."), fields={"note": [_("This field is required.")]}
        )
    before = {"item": item.pk, "checks": item.checks, "result": item.result, "note": item.note}
    item.checks = checked
    item.result = result
    item.note = note.strip()
    item.checked_at = timezone.now()
    item.checked_by_label = actor.label[:150]
    item.save(update_fields=["checks", "result", "note", "checked_at", "checked_by_label"])
    framework_record(
        actor=actor,
        action="audit_sample_check",
        target=audit,
        label=audit.reference,
        before=before,
        after={
            "item": item.pk,
            "complaint": item.complaint_id,
            "checks": checked,
            "result": result,
            "note": item.note,
        },
    )
    return item
