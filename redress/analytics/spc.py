"""Control charts (statistical process control) for the complaint figures: c, u, p and XmR
charts, and the four Western Electric rules that say when a chart shows something beyond
ordinary variation (ISO 10002 8.3–8.4, analysis and evaluation of complaints).

Pure calculation: no database, no settings. The callers (selectors, reports) bring the series;
this module brings the centre line, the limits, the sigma of each point and the signals.
docs/analytics.md, "Control charts", states every formula and rule for the people reading the
charts.

Conventions kept by every chart:

- Limits are always centre ± 3σ, computed from the same ``centre`` and ``sigma`` a point
  carries, so "beyond 3σ" (rule 1) and "beyond a control limit" are the same test. A limit that
  would fall outside what the measure can take (below 0, above 1 for a proportion) is clipped;
  no point can lie beyond a clipped limit, so clipping never hides a signal.
- ``baseline`` is the half-open index range ``(start, end)`` of the points the centre and limits
  come from; by default all points. The rules are checked over every point, in the baseline or
  not.
- A point whose value cannot be computed (no exposure, no total, a missing value) has value
  ``None``; it takes no part in the baseline and breaks every run the rules look for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Whatever a lazy translation returns; kept loose so that this module needs no other Django
# import (django.utils.functional.Promise at run time).
LazyText = object

# The fewest usable points a baseline needs. One point is enough to compute a centre line for
# the attribute charts (c, u, p); an XmR chart needs one moving range, so two consecutive
# values. These are what the arithmetic needs, not what makes limits trustworthy:
# docs/analytics.md recommends 20 or more.
MIN_BASELINE_ATTRIBUTE = 1
MIN_BASELINE_XMR = 2

# XmR constants. The moving range of two consecutive values estimates σ as MR̄/d₂, where
# d₂ = 1.128 is the expected range of two independent standard normal values (Montgomery,
# Introduction to Statistical Quality Control, Appendix table of control chart constants;
# NIST/SEMATECH e-Handbook 6.3.2.2). The limits are x̄ ± 3σ = x̄ ± (3/1.128)·MR̄, and
# 3/1.128 = 2.6596 is Wheeler's E₂ = 2.66 before rounding. The unrounded factor keeps the
# limits at exactly 3σ, so rule 1 and the limits agree, and reproduces the handbook's limits.
D2 = 1.128

RULE_1 = "we1"  # one point beyond 3σ
RULE_2 = "we2"  # two of three consecutive points beyond 2σ, same side
RULE_3 = "we3"  # four of five consecutive points beyond 1σ, same side
RULE_4 = "we4"  # eight consecutive points on one side of the centre line

ABOVE = "above"
BELOW = "below"

# rule: (window size, points in the window that must be beyond k·σ on one side, k)
_RULES: dict[str, tuple[int, int, int]] = {
    RULE_1: (1, 1, 3),
    RULE_2: (3, 2, 2),
    RULE_3: (5, 4, 1),
    RULE_4: (8, 8, 0),
}

_DESCRIPTIONS: dict[tuple[str, str], LazyText] = {
    (RULE_1, ABOVE): _("One point above the upper control limit (more than 3σ above the centre)."),
    (RULE_1, BELOW): _("One point below the lower control limit (more than 3σ below the centre)."),
    (RULE_2, ABOVE): _("Two of three points in a row more than 2σ above the centre."),
    (RULE_2, BELOW): _("Two of three points in a row more than 2σ below the centre."),
    (RULE_3, ABOVE): _("Four of five points in a row more than 1σ above the centre."),
    (RULE_3, BELOW): _("Four of five points in a row more than 1σ below the centre."),
    (RULE_4, ABOVE): _("Eight or more points in a row above the centre line."),
    (RULE_4, BELOW): _("Eight or more points in a row below the centre line."),
}


class BaselineTooShort(ValueError):
    """The baseline holds fewer usable points than the chart needs to compute its limits."""

    def __init__(self, *, minimum: int, found: int) -> None:
        self.minimum = minimum
        self.found = found
        super().__init__(
            _(
                "The baseline has %(found)d usable points; this chart needs at least "
                "%(minimum)d to compute its limits."
            )
            % {"found": found, "minimum": minimum}
        )


@dataclass(frozen=True)
class Point:
    """One period on a chart. ``lcl``, ``ucl`` and ``sigma`` are None only where the period has
    nothing to measure against (a u or p chart period with no exposure or no total)."""

    label: str
    value: float | None
    centre: float
    lcl: float | None
    ucl: float | None
    sigma: float | None


@dataclass(frozen=True)
class Signal:
    """A Western Electric rule that fired: ``rule`` is one of ``we1``–``we4``, ``side`` is
    ``above`` or ``below`` the centre line, ``indexes`` are the points that made it fire, in
    order."""

    rule: str
    side: str
    indexes: tuple[int, ...]
    description: LazyText


@dataclass(frozen=True)
class ControlChart:
    """A chart of one kind (``c``, ``u``, ``p`` or ``xmr``), its points, the baseline range the
    limits come from and the signals found over all its points."""

    kind: str
    points: list[Point]
    baseline: tuple[int, int]
    signals: list[Signal]


# --- the rules ---------------------------------------------------------------------------------


def _beyond(point: Point, k: int, side: str) -> bool:
    """Strictly beyond centre ± k·σ on ``side``: a point exactly on the line does not count."""
    if point.value is None or point.sigma is None:
        return False
    if side == ABOVE:
        return point.value > point.centre + k * point.sigma
    return point.value < point.centre - k * point.sigma


def western_electric(points: Sequence[Point]) -> list[Signal]:
    """The four Western Electric rules over ``points``, each point judged against its own centre
    and σ (so per-point limits of u and p charts are respected).

    A rule looks at every run of consecutive points of its window size (1, 3, 5, 8) that holds
    no point without a value, and fires on a side when enough of them lie strictly beyond k·σ on
    that side. Firing windows of the same rule and side that share a point are reported as one
    signal, whose indexes are every point that made one of those windows fire: one signal per
    episode, not one per window. Rule 1 is therefore one signal per point; rule 4 one signal per
    maximal run of eight or more, listing the whole run. Different rules are reported
    independently, so one point may appear in several signals. Signals are ordered by their
    first point, then rule, then side.
    """
    signals: list[Signal] = []
    for rule, (size, need, k) in _RULES.items():
        for side in (ABOVE, BELOW):
            hits = [_beyond(point, k, side) for point in points]
            episode: set[int] = set()
            episode_end = -1  # last index of the last firing window in the episode
            for start in range(len(points) - size + 1):
                window = range(start, start + size)
                if any(points[i].value is None for i in window):
                    continue
                firing = [i for i in window if hits[i]]
                if len(firing) < need:
                    continue
                if episode and start > episode_end:
                    signals.append(_signal(rule, side, episode))
                    episode = set()
                episode.update(firing)
                episode_end = start + size - 1
            if episode:
                signals.append(_signal(rule, side, episode))
    signals.sort(key=lambda s: (s.indexes[0], s.rule, s.side != ABOVE))
    return signals


def _signal(rule: str, side: str, indexes: set[int]) -> Signal:
    return Signal(rule, side, tuple(sorted(indexes)), _DESCRIPTIONS[(rule, side)])


# --- the charts --------------------------------------------------------------------------------


def _baseline(length: int, baseline: tuple[int, int] | None) -> tuple[int, int]:
    if baseline is None:
        return (0, length)
    start, end = baseline
    if not 0 <= start <= end <= length:
        raise ValueError(
            _("The baseline %(start)d–%(end)d is not a range within the %(length)d points.")
            % {"start": start, "end": end, "length": length}
        )
    return (start, end)


def _same_length(*series: Sequence[object]) -> None:
    if len({len(s) for s in series}) > 1:
        raise ValueError(_("Every series of a chart must have one entry per label."))


def _not_negative(values: Sequence[float]) -> None:
    if any(v < 0 for v in values):
        raise ValueError(_("Counts, exposures and totals cannot be negative."))


def _limits(
    centre: float, sigma: float, low: float | None, high: float | None
) -> tuple[float, float]:
    """(lcl, ucl) at centre ± 3σ, clipped to what the measure can take."""
    lcl, ucl = centre - 3 * sigma, centre + 3 * sigma
    if low is not None:
        lcl = max(lcl, low)
    if high is not None:
        ucl = min(ucl, high)
    return lcl, ucl


def _chart(kind: str, points: list[Point], baseline: tuple[int, int]) -> ControlChart:
    return ControlChart(kind, points, baseline, western_electric(points))


def c_chart(
    labels: Sequence[str], counts: Sequence[float], *, baseline: tuple[int, int] | None = None
) -> ControlChart:
    """Counts per period where the opportunity for events is about the same in every period
    (e.g. complaints per month at a steady volume). c̄ is the mean count over the baseline,
    σ = √c̄, limits c̄ ± 3σ with the lower limit clipped at 0.

    Raises ValueError for series of different lengths, negative counts or a baseline outside the
    points; BaselineTooShort for an empty baseline.
    """
    _same_length(labels, counts)
    _not_negative(counts)
    start, end = _baseline(len(counts), baseline)
    if end - start < MIN_BASELINE_ATTRIBUTE:
        raise BaselineTooShort(minimum=MIN_BASELINE_ATTRIBUTE, found=end - start)
    centre = math.fsum(counts[start:end]) / (end - start)
    sigma = math.sqrt(centre)
    lcl, ucl = _limits(centre, sigma, 0.0, None)
    points = [
        Point(label, float(count), centre, lcl, ucl, sigma)
        for label, count in zip(labels, counts, strict=True)
    ]
    return _chart("c", points, (start, end))


def u_chart(
    labels: Sequence[str],
    counts: Sequence[float],
    exposures: Sequence[float],
    *,
    baseline: tuple[int, int] | None = None,
) -> ControlChart:
    """Counts per unit of exposure when the exposure changes from period to period (e.g.
    complaints per 1,000 orders; pass exposures in the unit the rate is read in). The value is
    cᵢ/nᵢ; ū = Σc/Σn over the baseline; each point has its own σᵢ = √(ū/nᵢ) and limits
    ū ± 3σᵢ, the lower clipped at 0. A period with exposure 0 has no value and no limits, is left
    out of the baseline sums and is skipped by the rules (it breaks runs).

    Raises ValueError for series of different lengths, negative counts or exposures or a
    baseline outside the points; BaselineTooShort when the baseline has no period with exposure.
    """
    _same_length(labels, counts, exposures)
    _not_negative(counts)
    _not_negative(exposures)
    start, end = _baseline(len(counts), baseline)
    used = [i for i in range(start, end) if exposures[i] > 0]
    if len(used) < MIN_BASELINE_ATTRIBUTE:
        raise BaselineTooShort(minimum=MIN_BASELINE_ATTRIBUTE, found=len(used))
    centre = math.fsum(counts[i] for i in used) / math.fsum(exposures[i] for i in used)
    points = []
    for label, count, exposure in zip(labels, counts, exposures, strict=True):
        if exposure == 0:
            points.append(Point(label, None, centre, None, None, None))
            continue
        sigma = math.sqrt(centre / exposure)
        lcl, ucl = _limits(centre, sigma, 0.0, None)
        points.append(Point(label, count / exposure, centre, lcl, ucl, sigma))
    return _chart("u", points, (start, end))


def p_chart(
    labels: Sequence[str],
    successes: Sequence[float],
    totals: Sequence[float],
    *,
    baseline: tuple[int, int] | None = None,
) -> ControlChart:
    """The proportion of a total that has a property, per period (e.g. the share of complaints
    resolved in time). The value is xᵢ/nᵢ, a proportion between 0 and 1; p̄ = Σx/Σn over the
    baseline; each point has its own σᵢ = √(p̄(1 − p̄)/nᵢ) and limits p̄ ± 3σᵢ clipped to [0, 1].
    A period with total 0 has no value and no limits, is left out of the baseline sums and is
    skipped by the rules (it breaks runs).

    Raises ValueError for series of different lengths, negative values, more successes than the
    total or a baseline outside the points; BaselineTooShort when the baseline has no period
    with a total.
    """
    _same_length(labels, successes, totals)
    _not_negative(successes)
    if any(x > n for x, n in zip(successes, totals, strict=True)):
        raise ValueError(_("A period cannot have more successes than its total."))
    start, end = _baseline(len(totals), baseline)
    used = [i for i in range(start, end) if totals[i] > 0]
    if len(used) < MIN_BASELINE_ATTRIBUTE:
        raise BaselineTooShort(minimum=MIN_BASELINE_ATTRIBUTE, found=len(used))
    centre = math.fsum(successes[i] for i in used) / math.fsum(totals[i] for i in used)
    points = []
    for label, success, total in zip(labels, successes, totals, strict=True):
        if total == 0:
            points.append(Point(label, None, centre, None, None, None))
            continue
        sigma = math.sqrt(centre * (1 - centre) / total)
        lcl, ucl = _limits(centre, sigma, 0.0, 1.0)
        points.append(Point(label, success / total, centre, lcl, ucl, sigma))
    return _chart("p", points, (start, end))


def xmr_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    baseline: tuple[int, int] | None = None,
) -> ControlChart:
    """Individual values, one per period, of any measure (e.g. the median days to close). x̄ is
    the mean of the baseline's values; MR̄ the mean of the moving ranges |xᵢ − xᵢ₋₁| between
    consecutive values both inside the baseline; σ = MR̄/1.128 and limits x̄ ± 3σ
    (= x̄ ± 2.66·MR̄). A missing value (None) has no moving range on either side and breaks
    runs.

    Raises ValueError for series of different lengths or a baseline outside the points;
    BaselineTooShort when the baseline has no two consecutive values (no moving range).
    """
    _same_length(labels, values)
    start, end = _baseline(len(values), baseline)
    present = [v for v in values[start:end] if v is not None]
    ranges = []
    for i in range(start + 1, end):
        previous, current = values[i - 1], values[i]
        if previous is not None and current is not None:
            ranges.append(abs(current - previous))
    if not ranges:
        # Without two consecutive values the longest usable stretch is one value, or none.
        raise BaselineTooShort(minimum=MIN_BASELINE_XMR, found=min(len(present), 1))
    centre = math.fsum(present) / len(present)
    sigma = math.fsum(ranges) / len(ranges) / D2
    lcl, ucl = _limits(centre, sigma, None, None)
    points = [
        Point(label, None if value is None else float(value), centre, lcl, ucl, sigma)
        for label, value in zip(labels, values, strict=True)
    ]
    return _chart("xmr", points, (start, end))
