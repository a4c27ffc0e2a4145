"""Control charts (``analytics.spc``): the limits against published worked examples, the four
Western Electric rules at and around their boundaries, and how signals are reported."""

import math

import pytest
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from redress.analytics.spc import (
    BaselineTooShort,
    Point,
    c_chart,
    p_chart,
    u_chart,
    western_electric,
    xmr_chart,
)


def labels(n):
    return [f"P{i + 1}" for i in range(n)]


def points(*values, sigma=1.0):
    """Points on a chart centred on 0 with σ = 1 (None: a period without a value)."""
    return [Point(f"P{i + 1}", v, 0.0, -3 * sigma, 3 * sigma, sigma) for i, v in enumerate(values)]


def fired(signals):
    return [(s.rule, s.side, s.indexes) for s in signals]


# --- published worked examples -----------------------------------------------------------------


def test_xmr_limits_match_the_nist_handbook_example():
    """NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 "Individuals Control Charts"
    (www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm): flow rate of the first 10
    batches of a new process. Published: x̄ = 50.81, MR̄ = 1.8778, UCL = 55.8041,
    LCL = 45.8159, and the process is in control."""
    flow = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]

    chart = xmr_chart(labels(10), flow)

    first = chart.points[0]
    assert first.centre == pytest.approx(50.81, abs=1e-9)
    assert first.sigma * 1.128 == pytest.approx(1.8778, abs=5e-5)  # MR̄
    assert first.ucl == pytest.approx(55.8041, abs=5e-5)
    assert first.lcl == pytest.approx(45.8159, abs=5e-5)
    assert chart.signals == []


def test_c_limits_match_montgomerys_circuit_board_example():
    """Montgomery, Introduction to Statistical Quality Control, control charts for
    nonconformities: nonconformities in 26 successive samples of 100 printed circuit boards
    (the same data ship as ``circuit`` in R's qcc package, trial samples). Published:
    c̄ = 516/26 = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 plot outside the limits."""
    counts = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16]
    counts += [19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]

    chart = c_chart(labels(26), counts)

    first = chart.points[0]
    assert first.centre == pytest.approx(516 / 26)
    assert first.centre == pytest.approx(19.85, abs=5e-3)
    assert first.ucl == pytest.approx(33.22, abs=1e-2)
    assert first.lcl == pytest.approx(6.48, abs=5e-3)
    assert [(s.side, s.indexes) for s in chart.signals if s.rule == "we1"] == [
        ("below", (5,)),
        ("above", (19,)),
    ]


def test_p_limits_match_montgomerys_orange_juice_example():
    """Montgomery, Introduction to Statistical Quality Control, the control chart for fraction
    nonconforming: 30 samples of 50 frozen orange juice cans (R qcc's ``orangejuice``, trial
    samples). Published trial limits: p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and
    23 plot above the upper limit."""
    defective = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
    defective += [8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]

    chart = p_chart(labels(30), defective, [50] * 30)

    first = chart.points[0]
    assert first.centre == pytest.approx(0.2313, abs=5e-5)
    assert first.ucl == pytest.approx(0.4102, abs=5e-5)
    assert first.lcl == pytest.approx(0.0524, abs=5e-5)
    assert chart.points[14].value == pytest.approx(0.44)  # values are proportions
    assert [s.indexes for s in chart.signals if s.rule == "we1"] == [(14,), (22,)]


def test_u_limits_for_montgomerys_dyed_cloth_rolls():
    """Montgomery, Introduction to Statistical Quality Control, the u chart with variable sample
    size: nonconformities on 10 rolls of dyed cloth, each of 8 to 13 inspection units (R qcc's
    ``dyedcloth``). ū = 153/107.5; the per-roll limits below were worked out by hand (bc, 10
    digits) from ū ± 3√(ū/nᵢ), not copied from the book, which rounds ū to 1.42 first."""
    counts = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
    units = [10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5]

    chart = u_chart(labels(10), counts, units)

    assert chart.points[0].centre == pytest.approx(153 / 107.5)
    by_units = {n: (p.lcl, p.ucl) for n, p in zip(units, chart.points, strict=True)}
    assert by_units == {
        10: (pytest.approx(0.2914739305), pytest.approx(2.5550376973)),
        8: (pytest.approx(0.1578852001), pytest.approx(2.6886264277)),
        13: (pytest.approx(0.4306174369), pytest.approx(2.4158941909)),
        9.5: (pytest.approx(0.2620721023), pytest.approx(2.5844395255)),
        12: (pytest.approx(0.3900850345), pytest.approx(2.4564265933)),
        10.5: (pytest.approx(0.3187497913), pytest.approx(2.5277618365)),
        12.5: (pytest.approx(0.4109593228), pytest.approx(2.4355523050)),
    }
    assert chart.points[1].value == pytest.approx(12 / 8)
    assert chart.signals == []


def test_a_u_chart_with_unit_exposure_is_the_c_chart():
    counts = [3, 7, 2, 9, 4, 0, 5]

    u, c = u_chart(labels(7), counts, [1] * 7), c_chart(labels(7), counts)

    assert u.points == c.points
    assert u.signals == c.signals


# --- the charts' own rules ---------------------------------------------------------------------


def test_c_chart_clips_the_lower_limit_at_zero():
    chart = c_chart(labels(4), [1, 2, 0, 1])  # c̄ = 1, c̄ − 3σ = −2

    assert {(p.lcl, p.ucl, p.sigma) for p in chart.points} == {(0.0, 4.0, 1.0)}


def test_u_chart_limits_follow_each_periods_exposure_and_clip_at_zero():
    chart = u_chart(labels(2), [4, 4], [1, 100])  # ū = 8/101

    small, large = chart.points
    assert small.sigma == pytest.approx(math.sqrt(8 / 101))
    assert large.sigma == pytest.approx(math.sqrt(8 / 101 / 100))
    assert small.lcl == 0.0
    assert large.ucl < small.ucl


def test_u_chart_period_without_exposure_has_no_value_and_stays_out_of_the_baseline():
    chart = u_chart(labels(3), [2, 5, 4], [10, 0, 10])

    gap = chart.points[1]
    assert (gap.value, gap.lcl, gap.ucl, gap.sigma) == (None, None, None, None)
    assert gap.centre == pytest.approx(6 / 20)


def test_u_chart_period_without_exposure_breaks_a_run():
    # Eight periods above ū, but the fifth has no exposure: seven with a value, no rule 4.
    counts = [9, 9, 9, 9, 9, 9, 9, 9] + [1] * 5
    exposures = [10] * 13
    gap = [*exposures[:4], 0, *exposures[5:]]

    whole = u_chart(labels(13), counts, exposures)
    broken = u_chart(labels(13), counts, gap)

    assert fired(s for s in whole.signals if s.rule == "we4") == [("we4", "above", tuple(range(8)))]
    assert [s for s in broken.signals if s.rule == "we4"] == []


def test_p_chart_values_are_proportions_and_limits_are_clipped_to_zero_and_one():
    chart = p_chart(labels(2), [1, 0], [1, 1])  # p̄ = 0.5, σ = 0.5 for one case

    assert [p.value for p in chart.points] == [1.0, 0.0]
    assert {(p.lcl, p.ucl) for p in chart.points} == {(0.0, 1.0)}


def test_p_chart_period_with_no_total_has_no_value():
    chart = p_chart(labels(3), [3, 0, 1], [4, 0, 4])

    assert chart.points[1].value is None
    assert chart.points[0].centre == pytest.approx(0.5)


def test_p_chart_refuses_more_successes_than_the_total():
    with pytest.raises(ValueError, match="more successes"):
        p_chart(labels(1), [3], [2])


@pytest.mark.parametrize(
    "build",
    [
        lambda: c_chart(labels(2), [1]),
        lambda: u_chart(labels(2), [1, 2], [1]),
        lambda: p_chart(labels(1), [1, 1], [2, 2]),
        lambda: xmr_chart(labels(3), [1.0, 2.0]),
    ],
)
def test_every_series_needs_one_entry_per_label(build):
    with pytest.raises(ValueError, match="one entry per label"):
        build()


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        c_chart(labels(2), [1, -1])
    with pytest.raises(ValueError, match="cannot be negative"):
        u_chart(labels(1), [1], [-2])


def test_xmr_missing_value_has_no_moving_range_on_either_side():
    # Ranges: |12 − 10| = 2 and |30 − 31| = 1; none across the gap. MR̄ = 1.5, x̄ = 83/4.
    chart = xmr_chart(labels(5), [10.0, 12.0, None, 30.0, 31.0])

    assert chart.points[0].centre == pytest.approx(83 / 4)
    assert chart.points[0].sigma == pytest.approx(1.5 / 1.128)
    assert chart.points[2].value is None
    assert chart.points[2].ucl == chart.points[0].ucl


def test_xmr_limits_are_three_sigma_that_is_2_66_moving_ranges():
    chart = xmr_chart(labels(3), [0.0, 1.0, 0.0])  # x̄ = 1/3, MR̄ = 1

    point = chart.points[0]
    assert point.ucl - point.centre == pytest.approx(3 * point.sigma)
    assert point.ucl - point.centre == pytest.approx(2.66, abs=5e-4)


# --- baselines ---------------------------------------------------------------------------------


def test_default_baseline_is_every_point():
    assert c_chart(labels(3), [1, 2, 3]).baseline == (0, 3)


def test_limits_come_from_the_baseline_only_and_rules_run_over_every_point():
    counts = [4, 4, 4, 4, 30, 30]

    chart = c_chart(labels(6), counts, baseline=(0, 4))

    assert chart.baseline == (0, 4)
    assert {(p.centre, p.ucl) for p in chart.points} == {(4.0, 10.0)}
    assert [s.indexes for s in chart.signals if s.rule == "we1"] == [(4,), (5,)]


def test_baseline_may_lie_anywhere_in_the_series():
    chart = xmr_chart(labels(5), [100.0, 1.0, 3.0, 1.0, 100.0], baseline=(1, 4))

    assert chart.points[0].centre == pytest.approx(5 / 3)
    assert chart.points[0].sigma == pytest.approx(2 / 1.128)


def test_u_and_p_baselines_sum_counts_and_exposures_rather_than_average_rates():
    u = u_chart(labels(3), [1, 9, 50], [1, 99, 1], baseline=(0, 2))
    p = p_chart(labels(3), [1, 9, 50], [1, 99, 50], baseline=(0, 2))

    assert u.points[0].centre == pytest.approx(10 / 100)
    assert p.points[0].centre == pytest.approx(10 / 100)


@pytest.mark.parametrize("baseline", [(-1, 2), (2, 1), (0, 4)])
def test_baseline_outside_the_points_is_refused(baseline):
    with pytest.raises(ValueError, match="not a range") as refused:
        c_chart(labels(3), [1, 2, 3], baseline=baseline)
    assert not isinstance(refused.value, BaselineTooShort)


@pytest.mark.parametrize(
    ("build", "minimum", "found"),
    [
        (lambda: c_chart(labels(3), [1, 2, 3], baseline=(1, 1)), 1, 0),
        (lambda: c_chart([], []), 1, 0),
        (lambda: u_chart(labels(3), [1, 0, 2], [5, 0, 5], baseline=(1, 2)), 1, 0),
        (lambda: p_chart(labels(2), [0, 0], [0, 0]), 1, 0),
        (lambda: xmr_chart(labels(3), [1.0, 2.0, 3.0], baseline=(0, 1)), 2, 1),
        (lambda: xmr_chart(labels(3), [1.0, None, 3.0]), 2, 1),
        (lambda: xmr_chart(labels(2), [None, None]), 2, 0),
    ],
)
def test_too_short_a_baseline_is_refused(build, minimum, found):
    with pytest.raises(BaselineTooShort, match=f"at least {minimum}") as refused:
        build()
    assert (refused.value.minimum, refused.value.found) == (minimum, found)
    assert isinstance(refused.value, ValueError)


def test_shortest_baselines_allowed():
    assert c_chart(labels(3), [1, 2, 3], baseline=(2, 3)).points[0].centre == 3.0
    assert xmr_chart(labels(3), [1.0, 2.0, 9.0], baseline=(0, 2)).points[0].centre == 1.5


# --- rule 1: one point beyond 3σ ---------------------------------------------------------------


def test_rule_1_a_point_exactly_at_3_sigma_does_not_fire():
    assert western_electric(points(3.0, -3.0)) == []


def test_rule_1_a_point_beyond_3_sigma_fires_on_its_side():
    signals = western_electric(points(0.0, 3.01, 0.0, -3.5))

    assert fired(signals) == [("we1", "above", (1,)), ("we1", "below", (3,))]


def test_rule_1_at_and_beyond_the_upper_limit_of_a_c_chart():
    # c̄ = 4, σ = 2: UCL = 10 exactly.
    at = c_chart(labels(5), [4, 4, 4, 4, 10], baseline=(0, 4))
    beyond = c_chart(labels(5), [4, 4, 4, 4, 11], baseline=(0, 4))

    assert at.points[4].ucl == 10.0
    assert [s for s in at.signals if s.rule == "we1"] == []
    assert fired(s for s in beyond.signals if s.rule == "we1") == [("we1", "above", (4,))]


def test_rule_1_uses_each_points_own_sigma():
    wide = Point("wide", 3.5, 0.0, -6.0, 6.0, 2.0)
    narrow = Point("narrow", 3.5, 0.0, -3.0, 3.0, 1.0)

    assert fired(western_electric([wide, narrow])) == [("we1", "above", (1,))]


def test_rule_1_on_a_u_chart_depends_on_the_periods_exposure():
    # ū = 0.1. The same rate 0.3 is within the limits on 10 units (UCL 0.4), beyond them on 100
    # (UCL 0.195).
    chart = u_chart(labels(4), [3, 30, 10, 20], [10, 100, 100, 200], baseline=(2, 4))

    assert fired(s for s in chart.signals if s.rule == "we1") == [("we1", "above", (1,))]


# --- rule 2: two of three beyond 2σ, same side -------------------------------------------------


def test_rule_2_two_of_three_beyond_2_sigma_fires_with_those_two_points():
    assert fired(western_electric(points(2.5, 0.0, 2.1))) == [("we2", "above", (0, 2))]


def test_rule_2_below_the_centre():
    assert fired(western_electric(points(0.0, -2.5, -2.5))) == [("we2", "below", (1, 2))]


@pytest.mark.parametrize(
    "values",
    [
        (2.0, 2.0, 0.0),  # exactly at 2σ
        (2.5, 0.0, 0.0, 2.5),  # two, but four apart
        (2.5, -2.5, 0.0),  # two, on opposite sides
        (2.5, None, 2.5),  # the gap breaks the three
    ],
)
def test_rule_2_does_not_fire(values):
    assert western_electric(points(*values)) == []


# --- rule 3: four of five beyond 1σ, same side -------------------------------------------------


def test_rule_3_four_of_five_beyond_1_sigma_fires_with_those_four_points():
    assert fired(western_electric(points(1.5, 1.5, 0.0, 1.5, 1.5))) == [
        ("we3", "above", (0, 1, 3, 4))
    ]


def test_rule_3_below_the_centre():
    assert fired(western_electric(points(-1.5, -1.5, -1.5, -1.5, 0.0))) == [
        ("we3", "below", (0, 1, 2, 3))
    ]


@pytest.mark.parametrize(
    "values",
    [
        (1.0, 1.0, 1.0, 1.0, 1.0),  # exactly at 1σ
        (1.5, 1.5, 1.5, 0.0, 0.0, 1.5),  # three of five, at most
        (1.5, 1.5, -1.5, -1.5, 1.5),  # four beyond 1σ, but not on one side
        (1.5, 1.5, None, 1.5, 1.5),  # the gap breaks the five
    ],
)
def test_rule_3_does_not_fire(values):
    assert western_electric(points(*values)) == []


# --- rule 4: eight in a row on one side --------------------------------------------------------


def test_rule_4_seven_in_a_row_does_not_fire():
    assert western_electric(points(*[0.5] * 7, -0.5)) == []


def test_rule_4_eight_in_a_row_fires_with_all_eight():
    assert fired(western_electric(points(-0.5, *[0.5] * 8, -0.5))) == [
        ("we4", "above", tuple(range(1, 9)))
    ]


def test_rule_4_longer_run_is_one_signal_listing_the_whole_run():
    assert fired(western_electric(points(*[-0.5] * 11))) == [("we4", "below", tuple(range(11)))]


@pytest.mark.parametrize("breaker", [0.0, None, -0.5])
def test_rule_4_a_point_on_the_centre_line_a_gap_or_the_other_side_breaks_the_run(breaker):
    assert western_electric(points(*[0.5] * 4, breaker, *[0.5] * 4)) == []


# --- how signals are reported ------------------------------------------------------------------


def test_overlapping_windows_of_one_rule_are_one_signal():
    # Windows (0,1,2) and (1,2,3) both fire rule 2: one signal with the three points beyond 2σ.
    assert fired(western_electric(points(2.5, 2.5, 2.5, 0.0))) == [("we2", "above", (0, 1, 2))]


def test_windows_that_share_no_point_are_separate_signals():
    signals = western_electric(points(2.5, 2.5, 0.0, 0.0, 0.0, 2.5, 2.5))

    assert fired(signals) == [("we2", "above", (0, 1)), ("we2", "above", (5, 6))]


def test_episodes_on_opposite_sides_are_separate_signals():
    signals = western_electric(points(2.5, 2.5, -2.5, -2.5))

    assert fired(signals) == [("we2", "above", (0, 1)), ("we2", "below", (2, 3))]


def test_each_rule_reports_independently_and_signals_are_ordered_by_first_point():
    signals = western_electric(points(0.0, 3.5, *[1.5] * 7))

    assert fired(signals) == [
        ("we1", "above", (1,)),
        ("we3", "above", tuple(range(1, 9))),
        ("we4", "above", tuple(range(1, 9))),
    ]


def test_signal_descriptions_are_translatable():
    signal = western_electric(points(4.0))[0]

    assert isinstance(signal.description, Promise)
    assert str(signal.description) == (
        "One point above the upper control limit (more than 3σ above the centre)."
    )


def test_every_chart_attaches_the_signals_of_its_points():
    chart = c_chart(labels(10), [4, 4, 4, 4, 11, 0, 1, 2, 3, 4], baseline=(0, 4))

    assert chart.signals == western_electric(chart.points)
    assert chart.kind == "c"


def test_nothing_fires_on_no_points():
    assert western_electric([]) == []


# --- the rules against a second, independent reading of them ----------------------------------

RULES = {"we1": (1, 1, 3), "we2": (3, 2, 2), "we3": (5, 4, 1), "we4": (8, 8, 0)}


def reference_signals(values):
    """The rules read literally, for a chart centred on 0 with σ = 1: list every window that
    fires, join windows that share a point (connected components), and report each component's
    points beyond kσ. Written apart from the module, on purpose without its sweep."""
    found = set()
    for rule, (size, need, k) in RULES.items():
        for side, sign in (("above", 1), ("below", -1)):
            windows = []
            for start in range(len(values) - size + 1):
                window = values[start : start + size]
                if None in window:
                    continue
                beyond = {start + j for j, v in enumerate(window) if sign * v > k}
                if len(beyond) >= need:
                    windows.append((set(range(start, start + size)), beyond))
            components = []
            for span, beyond in windows:
                joined = [c for c in components if c[0] & span]
                for c in joined:
                    components.remove(c)
                    span, beyond = span | c[0], beyond | c[1]
                components.append((span, beyond))
            found |= {(rule, side, tuple(sorted(beyond))) for _, beyond in components}
    return found


@given(
    st.lists(
        st.one_of(st.none(), st.integers(-8, 8).map(lambda n: n / 2)),
        max_size=40,
    )
)
@hypothesis_settings(max_examples=400, deadline=None)
def test_rules_agree_with_a_literal_reading(values):
    signals = western_electric(points(*values))

    assert set(fired(signals)) == reference_signals(values)
    assert len(signals) == len(set(fired(signals)))
    order = [(s.indexes[0], s.rule, s.side != "above") for s in signals]
    assert order == sorted(order)
