"""The rows of the queues and of the handler's landing page: what each cell shows, in both
languages (the rows are built in Python, ``backoffice.queue_rows``, not by a template)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redress.complaints.models import Complaint, PauseReason
from redress.complaints.queue_views import queue_columns_set
from redress.complaints.queues import Column
from redress.complaints.testing import CategoryFactory
from redress.core.actors import Actor
from redress.core.models import User
from redress.handling import services
from redress.handling.testing import receive

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def complaints(team):
    """A significant complaint with a category and an owner, due in five days; a paused one
    with neither (its clock is stopped: no deadline runs); one three days late."""
    category = CategoryFactory.create(name_vi="Hóa đơn và thanh toán", name_en="Billing")
    team.unit.name, team.unit.name_en = "Chi nhánh Huế", "Hue branch"
    team.unit.save(update_fields=["name", "name_en"])
    significant = receive(
        team, health_safety=True, category=category, subject="Rò rỉ khí gas <ngay>"
    ).complaint
    services.complaint_assign(
        complaint=significant, actor=Actor.for_user(team.manager), owner=team.handler
    )
    paused = receive(team, subject="Chờ khách hàng gửi hóa đơn").complaint
    services.complaint_pause(
        complaint=paused, actor=Actor.for_user(team.manager), reason=PauseReason.COMPLAINANT
    )
    late = receive(team, subject="Giao hàng trễ").complaint
    # Written past the lifecycle: deadlines far enough from now to read the same at any hour.
    now = timezone.now()
    Complaint.objects.filter(pk=significant.pk).update(
        acknowledge_due_at=now + dt.timedelta(days=5, hours=1)
    )
    Complaint.objects.filter(pk=late.pk).update(
        acknowledge_due_at=now - dt.timedelta(days=3, hours=1)
    )
    User.objects.filter(pk=team.handler.pk).update(first_name="Lan", last_name="Trần")
    return tuple(Complaint.objects.get(pk=c.pk) for c in (significant, paused, late))


def row_of(body: str, reference: str) -> str:
    (row,) = [row for row in re.findall(r"<tr[ >].*?</tr>", body, re.S) if f">{reference}<" in row]
    return row


def cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>.*?</td>", row, re.S)


def in_hanoi(moment):
    local = moment.astimezone(HANOI)
    return local.isoformat(), local.strftime("%d/%m/%Y %H:%M")


def show(client, user, language, url):
    User.objects.filter(pk=user.pk).update(language=language)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "vi",
            {
                "select": "Chọn",
                "significant": "khiếu nại nghiêm trọng",
                "left": "còn 5 ngày",
                "overdue": "quá hạn 3 ngày",
                "paused": "tạm dừng",
                "nobody": "chưa có",
                "status": "Đã tiếp nhận",
                "urgent": "Khẩn cấp",
                "channel": "Cổng thông tin",
                "category": "Hóa đơn và thanh toán",
                "unit": "Chi nhánh Huế",
            },
        ),
        (
            "en",
            {
                "select": "Select",
                "significant": "significant complaint",
                "left": "5 days left",
                "overdue": "3 days overdue",
                "paused": "paused",
                "nobody": "nobody",
                "status": "Received",
                "urgent": "Urgent",
                "channel": "Web portal",
                "category": "Billing",
                "unit": "Hue branch",
            },
        ),
    ],
)
def test_a_queue_row_shows_every_chosen_column_in_the_readers_language(
    team, signed_in, complaints, language, words
):
    significant, paused, late = complaints
    queue_columns_set(user=team.manager, columns=Column.values)
    client = signed_in(team.manager)
    body = show(client, team.manager, language, reverse("backoffice:queue", args=["all"]))

    row = row_of(body, significant.reference)
    assert row.startswith('<tr class="significant">')
    due_iso, due_shown = in_hanoi(significant.next_due_at)
    received_iso, received_shown = in_hanoi(significant.received_at)
    link = reverse("backoffice:complaint", args=[significant.reference])
    pick, reference, deadline, left, *columns = cells(row)
    assert pick == (
        f'<td class="pick"><input type="checkbox" name="ref" value="{significant.reference}"'
        f' aria-label="{words["select"]} {significant.reference}"></td>'
    )
    assert reference == (
        f'<td><a href="{link}" class="ref">{significant.reference}</a>'
        f'<span class="visually-hidden"> ({words["significant"]})</span></td>'
    )
    assert due_iso.endswith("+07:00")
    assert deadline == f'<td class="when"><time datetime="{due_iso}">{due_shown}</time></td>'
    assert left == (
        f'<td><span class="due d-on_track" title="{due_shown}">{words["left"]}</span></td>'
    )
    assert columns == [
        '<td class="subject">Rò rỉ khí gas &lt;ngay&gt;</td>',
        f'<td class="person">{significant.complainant.full_name}</td>',
        f'<td><span class="status s-received">{words["status"]}</span></td>',
        f'<td><span class="prio p-urgent">{words["urgent"]}</span></td>',
        f'<td class="wrap-short">{words["category"]}</td>',
        f'<td class="unit">{words["unit"]}</td>',
        '<td class="person">Trần Lan</td>',
        f"<td>{words['channel']}</td>",
        f'<td class="when"><time datetime="{received_iso}">{received_shown}</time></td>',
    ]

    row = row_of(body, paused.reference)
    assert row.startswith("<tr>")
    _pick, _reference, deadline, left, subject, *_, category, _unit, owner, _channel, _ = cells(row)
    assert deadline == '<td class="when"><span class="muted">—</span></td>'
    assert left == '<td><span class="muted">—</span></td>'
    assert subject == (
        f'<td class="subject">Chờ khách hàng gửi hóa đơn <span class="tag">{words["paused"]}'
        "</span></td>"
    )
    assert category == '<td class="wrap-short"></td>'
    assert owner == f'<td class="person"><span class="muted">{words["nobody"]}</span></td>'

    _pick, _reference, deadline, left, *_ = cells(row_of(body, late.reference))
    due_iso, due_shown = in_hanoi(late.next_due_at)
    assert deadline == f'<td class="when"><time datetime="{due_iso}">{due_shown}</time></td>'
    assert left == (
        f'<td><span class="due d-overdue" title="{due_shown}">{words["overdue"]}</span></td>'
    )


def test_a_queue_row_shows_only_the_columns_the_person_chose(team, signed_in, complaints):
    significant, *_others = complaints
    queue_columns_set(user=team.manager, columns=[Column.OWNER, Column.STATUS])
    client = signed_in(team.manager)
    body = show(client, team.manager, "en", reverse("backoffice:queue", args=["all"]))
    *_always, status, owner = cells(row_of(body, significant.reference))
    assert len(_always) == 4  # the checkbox, the reference, the deadline and the time left
    assert status == '<td><span class="status s-received">Received</span></td>'
    assert owner == '<td class="person">Trần Lan</td>'


def test_the_handlers_landing_page_lists_their_complaints_with_every_column(
    team, signed_in, complaints
):
    significant, *_others = complaints
    client = signed_in(team.handler)
    body = show(client, team.handler, "vi", reverse("backoffice:home"))
    row = row_of(body, significant.reference)
    assert row.startswith('<tr class="significant">') and 'name="ref"' not in row
    reference, _deadline, _left, *columns = cells(row)
    assert "(khiếu nại nghiêm trọng)" in reference
    assert len(columns) == len(Column.values)
    assert columns[-1].startswith('<td class="when"><time datetime="')


def test_showing_every_column_reads_nothing_more_than_the_page(team, signed_in, complaints):
    # A queue's page reads only the columns its rows show (queue_rows.ROW_FIELDS): a column
    # reading another would cost a query per row.
    client = signed_in(team.manager)
    url = reverse("backoffice:queue", args=["all"])
    queue_columns_set(user=team.manager, columns=[])
    with CaptureQueriesContext(connection) as fewest:
        assert client.get(url).status_code == 200
    queue_columns_set(user=team.manager, columns=Column.values)
    with CaptureQueriesContext(connection) as every:
        body = client.get(url).content.decode()
    assert len(every.captured_queries) == len(fewest.captured_queries)
    assert body.count('name="ref"') == len(complaints)
