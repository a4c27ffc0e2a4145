"""The server-side chart renderer: what it draws for a table, and that names stay text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from redress.analytics.svg import chart_svg, nice_ticks, value_format
from redress.analytics.tables import Column, Row, Table

NS = {"svg": "http://www.w3.org/2000/svg"}


def pareto() -> Table:
    return Table(
        code="pareto_category",
        title="Complaints by category <Pareto>",
        summary="3 groups & more",
        chart="pareto",
        columns=[
            Column("count", "Complaints"),
            Column("share", "Share", "percent", ""),
            Column("cumulative", "Cumulative share", "percent", "line"),
        ],
        rows=[
            Row("Hóa đơn sai", {"count": 6, "share": 60.0, "cumulative": 60.0}),
            Row("<script>alert(1)</script>", {"count": 3, "share": 30.0, "cumulative": 90.0}),
            Row("Giao hàng", {"count": 1, "share": 10.0, "cumulative": 100.0}),
        ],
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def by_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}{tag}") if e.get("class") == name]


def test_a_pareto_chart_has_a_bar_per_row_and_the_cumulative_line_on_a_percent_axis():
    svg = chart_svg(pareto())
    root = parse(svg)

    assert len(by_class(root, "rect", "bar")) == 3
    [line] = by_class(root, "polyline", "line")
    assert len(line.get("points", "").split()) == 3
    labels = [e.text for e in by_class(root, "text", "y-label")]
    assert "100%" in labels  # the right-hand axis of the cumulative share
    assert "6" in labels
    assert [e.text for e in by_class(root, "text", "x-label")][0] == "Hóa đơn sai"
    assert root.find("svg:title", NS).text == "Complaints by category <Pareto>"


def test_names_are_drawn_as_text_never_as_markup():
    svg = chart_svg(pareto())

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;Pareto&gt;" in svg and "3 groups &amp; more" in svg
    texts = [e.text for e in parse(svg).iter(f"{{{NS['svg']}}}text")]
    assert any(text.startswith("<script>alert(1)") for text in texts)  # shortened, as text


def test_a_control_chart_draws_dashed_limits_and_rings_the_points_that_signal():
    rows = [
        Row(f"0{n}/03/2026", {"value": v, "centre": 4.0, "ucl": 10.0, "lcl": 0.0, "signal": s})
        for n, (v, s) in enumerate([(3, ""), (5, ""), (12, "we1"), (4, "")], start=1)
    ]
    table = Table(
        code="control_volume",
        title="Complaints per week",
        summary="",
        chart="control",
        columns=[
            Column("value", "Complaints", "count", "line"),
            Column("centre", "Centre line", "count", "line"),
            Column("ucl", "Upper control limit", "count", "limit"),
            Column("lcl", "Lower control limit", "count", "limit"),
            Column("signal", "Signals", "text", ""),
        ],
        rows=rows,
    )
    root = parse(chart_svg(table))

    limits = by_class(root, "polyline", "limit")
    assert len(limits) == 2
    assert all(e.get("stroke-dasharray") for e in limits)
    assert len(by_class(root, "polyline", "line")) == 2  # the values and the centre line
    assert len(by_class(root, "circle", "point")) == 4  # the values only
    [ring] = by_class(root, "circle", "signal")
    assert ring.find("svg:title", NS).text == "we1"


def test_a_missing_value_breaks_the_line():
    table = Table(
        code="trend",
        title="t",
        summary="",
        chart="line",
        columns=[Column("n", "n", "count", "line")],
        rows=[Row(str(i), {"n": v}) for i, v in enumerate([1, 2, None, 3, 4])],
    )
    assert len(by_class(parse(chart_svg(table)), "polyline", "line")) == 2


def test_stacked_bars_and_a_cross_tabulation():
    stacked = Table(
        code="backlog",
        title="Backlog",
        summary="",
        chart="stacked",
        columns=[Column("low", "Low"), Column("high", "High")],
        rows=[Row("0–7", {"low": 2, "high": 1}), Row("8–30", {"low": 0, "high": 4})],
    )
    assert len(by_class(parse(chart_svg(stacked)), "rect", "bar")) == 4

    heat = Table(
        code="crosstab",
        title="Category by unit",
        summary="",
        chart="heatmap",
        columns=[Column("1", "Phòng A"), Column("2", "<i>B</i>")],
        rows=[Row("Hóa đơn", {"1": 3, "2": 0}), Row("Giao hàng", {"1": 1, "2": 5})],
    )
    svg = chart_svg(heat)
    assert len(by_class(parse(svg), "rect", "cell")) == 4
    assert "<i>" not in svg


def test_an_empty_table_says_so():
    table = Table(code="x", title="x", summary="", chart="bar", columns=[], rows=[])
    with translation.override("vi"):
        svg = chart_svg(table)
    assert by_class(parse(svg), "text", "empty")


@pytest.mark.parametrize(
    ("language", "value", "unit", "expected"),
    [
        ("vi", 87.54, "percent", "87,5%"),
        ("en", 87.54, "percent", "87.5%"),
        ("vi", 8_990_000, "money", "8.990.000 ₫"),
        ("vi", 0.25, "proportion", "25,0%"),
        ("vi", 12345, "count", "12.345"),
        ("vi", None, "count", ""),
        ("vi", "we1", "text", "we1"),
    ],
)
def test_values_read_as_the_language_writes_them(language, value, unit, expected):
    with translation.override(language):
        assert value_format(value, unit) == expected


def test_ticks_are_round_and_cover_the_values():
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0, 1, whole=True) == [0, 1]
    assert nice_ticks(-3, 12)[0] <= -3
