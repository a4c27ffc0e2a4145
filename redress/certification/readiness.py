"""Reads of the certification map: the readiness of a standard now (every rule evaluated on
live records), who may see it, and its history from the daily snapshots.

``readiness_for(standard, now=...)`` is the one entry point: the page, the snapshot job and the
auditor's pack read the same answer. An item's status gathers its own rules, its sub-items' and,
for a cross-reference map (ISO 9001), the items of the other standard it refers to: evidenced
when all of them are, missing when none is, weak otherwise; its score is the mean of theirs
(evidenced 100, weak 50, missing 0)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from redress.certification.evaluation import REGISTRY, Context, Evaluation, Status
from redress.certification.models import EvidenceRule, Item, ItemKind, ReadinessSnapshot, Standard
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import user_roles

# Who sees the readiness page: those who answer for the system and those who audit it.
READINESS_ROLES = frozenset({Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR})


def may_read_readiness(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(READINESS_ROLES & set(user_roles(user)))


@dataclass(frozen=True)
class RuleResult:
    rule: EvidenceRule
    evaluation: Evaluation


@dataclass
class ItemResult:
    item: Item
    rules: list[RuleResult] = field(default_factory=list)
    children: list[ItemResult] = field(default_factory=list)
    # For a cross-reference item: the results of the items it refers to.
    referenced: list[ItemResult] = field(default_factory=list)

    @property
    def scores(self) -> list[Decimal]:
        own = [result.evaluation.score for result in self.rules]
        return own + [r.score for r in self.referenced] + [c.score for c in self.children]

    @property
    def statuses(self) -> list[Status]:
        own = [result.evaluation.status for result in self.rules]
        return own + [r.status for r in self.referenced] + [c.status for c in self.children]

    @property
    def status(self) -> Status:
        found = set(self.statuses)
        if not found or found == {Status.MISSING}:
            return Status.MISSING
        return Status.EVIDENCED if found == {Status.EVIDENCED} else Status.WEAK

    @property
    def score(self) -> Decimal:
        return _mean(self.scores)

    @property
    def gaps(self) -> list[RuleResult]:
        """Every weak or missing rule under the item, once each (a rule read by two sub-items
        or two references counts once)."""
        seen: dict[int, RuleResult] = {}
        for result in self.rules:
            if result.evaluation.status != Status.EVIDENCED:
                seen.setdefault(result.rule.pk, result)
        for other in [*self.referenced, *self.children]:
            for result in other.gaps:
                seen.setdefault(result.rule.pk, result)
        return list(seen.values())


@dataclass
class Readiness:
    standard: Standard
    now: dt.datetime
    clauses: list[ItemResult]
    principles: list[ItemResult]
    # Every item that carries evidence (its own rules or references), in map order.
    assessed: list[ItemResult]

    @property
    def score(self) -> Decimal:
        return _mean([result.score for result in self.clauses])

    def count(self, status: Status) -> int:
        return sum(1 for result in self.assessed if result.status == status)

    def by_code(self) -> dict[str, ItemResult]:
        return {result.item.code: result for result in self.assessed}


def _mean(values: list[Decimal]) -> Decimal:
    if not values:
        return Decimal(0)
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def standards() -> QuerySet[Standard]:
    return Standard.objects.all()


def _evaluate(rule: EvidenceRule, ctx: Context) -> Evaluation:
    return REGISTRY[rule.evaluator](ctx, rule.params or {})


def _readiness(standard: Standard, ctx: Context, done: dict[int, Readiness]) -> Readiness:
    if standard.pk in done:
        return done[standard.pk]
    items = list(
        Item.objects.filter(standard=standard)
        .prefetch_related("rules", "references__standard")
        .order_by("order", "pk")
    )
    results = {item.pk: ItemResult(item) for item in items}
    # A rule shared by several items (same evaluator and parameters) is evaluated once.
    evaluated: dict[tuple[str, str], Evaluation] = {}
    for item in items:
        for rule in item.rules.all():
            key = (rule.evaluator, repr(sorted((rule.params or {}).items())))
            if key not in evaluated:
                evaluated[key] = _evaluate(rule, ctx)
            results[item.pk].rules.append(RuleResult(rule, evaluated[key]))
        for target in item.references.all():
            other = _readiness(target.standard, ctx, done).by_code()
            if target.code in other:
                results[item.pk].referenced.append(other[target.code])
    children: dict[int, list[ItemResult]] = defaultdict(list)
    for item in items:
        if item.parent_id is not None:
            children[item.parent_id].append(results[item.pk])
    for pk, found in children.items():
        results[pk].children = found
    readiness = Readiness(
        standard=standard,
        now=ctx.now,
        clauses=[results[i.pk] for i in items if i.parent_id is None and i.kind == ItemKind.CLAUSE],
        principles=[results[i.pk] for i in items if i.kind == ItemKind.PRINCIPLE],
        assessed=[r for r in results.values() if r.rules or r.referenced],
    )
    done[standard.pk] = readiness
    return readiness


def readiness_for(standard: Standard | str, *, now: dt.datetime | None = None) -> Readiness:
    """The readiness of ``standard`` (or its code) as of ``now``, from live records."""
    if isinstance(standard, str):
        standard = Standard.objects.get(code=standard)
    ctx = Context(now=now or timezone.now())
    return _readiness(standard, ctx, {})


def readiness_snapshot_data(readiness: Readiness) -> dict[str, dict[str, str]]:
    """Per item code, its status and score: what a snapshot keeps."""
    return {
        result.item.code: {"status": str(result.status), "score": str(result.score)}
        for result in readiness.assessed
    }


def readiness_history(
    standard: Standard, *, days: int = 365, today: dt.date | None = None
) -> QuerySet[ReadinessSnapshot]:
    """The daily snapshots of the last ``days`` days, oldest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    return ReadinessSnapshot.objects.filter(standard=standard, day__gte=since).order_by("day")
