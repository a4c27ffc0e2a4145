"""The parts of the dashboards written in Python rather than a template node each: the chart
component's table rows and notes, and the open-work tables' cells."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, json_script
from django.utils.safestring import mark_safe

from redress.analytics.tables import Column, Row, Table
from redress.backoffice.charts import Cell, cell_html, chart_build, drill_url
from redress.backoffice.views.dashboards import NowCell, NowRow


def control_table(notes: list[str]) -> Table:
    return Table(
        "control_volume",
        "Complaints a week",
        "summary",
        "control",
        [Column("week", "Week", "text", ""), Column("count", "Complaints")],
        [
            Row("<b>01/06</b>", {"week": "01/06", "count": 1234}, {"count": {"measure": "volume"}}),
            Row("08/06", {"week": "08/06", "count": 0}),
        ],
        notes,
    )


def test_a_charts_rows_are_escaped_and_each_count_links_to_its_drill_down():
    with translation.override("vi"):
        body = str(chart_build(control_table(["Baseline: 20 weeks."])).body_html)
    assert body.startswith('<tr><th scope="row">&lt;b&gt;01/06&lt;/b&gt;</th><td>01/06</td>')
    assert (
        '<td class="num"><a href="/staff/analytics/complaints/?measure=volume">1.234</a></td>'
        in body
    )
    assert body.endswith('<tr><th scope="row">08/06</th><td>08/06</td><td class="num">0</td></tr>')
    assert body.count("<tr>") == 2


def test_a_control_charts_signals_are_marked_after_its_baseline_note():
    notes = ["Baseline: 20 weeks.", "Week 08/06: one point beyond 3σ & <more>"]
    chart = chart_build(control_table(notes))
    assert str(chart.notes_html) == (
        "<li>Baseline: 20 weeks.</li>"
        '<li class="signal">Week 08/06: one point beyond 3σ &amp; &lt;more&gt;</li>'
    )


def test_a_chart_without_signals_marks_none_of_its_notes():
    table = control_table(["A note.", "Another note."])
    plain = Table(
        table.code, table.title, table.summary, "bar", table.columns, table.rows, table.notes
    )
    assert str(chart_build(plain).notes_html) == "<li>A note.</li><li>Another note.</li>"


def test_an_open_work_row_links_its_counts_and_shows_zero_plainly():
    row = NowRow(
        "Unit",
        [
            NowCell("open", 12345, "/staff/analytics/complaints/?measure=now_open&unit=A&x=<"),
            NowCell("overdue", 0, "/staff/analytics/complaints/?measure=now_overdue"),
        ],
    )
    with translation.override("vi"):
        cells = str(row.cells_html)
    assert cells == (
        '<td class="num"><a href="/staff/analytics/complaints/?measure=now_open&amp;unit=A&amp;x=&lt;">'
        "12.345</a></td>"
        '<td class="num">0</td>'
    )


def test_a_drill_down_address_quotes_its_query_as_urlencode_does():
    query = {
        "measure": "now_overdue_decision",
        "from": "2026-01-01",
        "at": "2026-12-02T16:05:00+07:00",
        "category": "Hóa đơn & cước",
        "note": "a b/c?d=e",
    }
    address = drill_url(query)
    page, _, encoded = address.partition("?")
    assert page == reverse("backoffice:analytics_complaints")
    assert encoded == urlencode(query)
    assert parse_qs(encoded) == {key: [value] for key, value in query.items()}


def test_table_text_is_escaped_as_django_escapes_it_and_safe_text_is_left_alone():
    for text in ("<b>\"Hóa đơn\" & 'cước'</b>", "1.234", ""):
        cell = cell_html(Cell(text))
        assert cell == f'<td class="num">{conditional_escape(text)}</td>'
    assert cell_html(Cell(mark_safe("<i>8.990.000 ₫</i>"), numeric=False)) == (
        "<td><i>8.990.000 ₫</i></td>"
    )


def test_a_charts_data_are_written_as_djangos_json_script_writes_them():
    table = control_table(["</script><script>alert(1)</script> & ‹Tết›"])
    with translation.override("vi"):
        chart = chart_build(table)
    assert str(chart.data_html) == str(json_script(chart.spec, chart.data_id))
    assert "</script><script>" not in str(chart.data_html).removesuffix("</script>")
