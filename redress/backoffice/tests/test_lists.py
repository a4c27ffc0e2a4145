"""List pages: a fixed number of SQL queries whatever their length; bulk actions; exports."""

import csv
import io

import pytest
from django.urls import reverse

from redress.complaints.models import Complaint, Priority, Status
from redress.complaints.queue_tally import queue_tally_rebuild
from redress.complaints.queues import Queue
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import complaint_in_state, receive

pytestmark = pytest.mark.django_db

# session, user, the second factor (the session's device, or whether one is enrolled), the
# person's roles, organisation (time zone), counts (the queue tally of the person's units, the
# complaints the gate adds or hides, the overdue and due soon from the deadline tally, its
# corrections and the partial hours), rows, categories, units, owners, the person's columns,
# their saved views, unread notices
QUEUE_PAGE_QUERIES = 17
# session, user, second factor, roles, organisation, rows, unread notices
SEARCH_PAGE_QUERIES = 7
# session, user, second factor, organisation, notices, digest choice, roles, unread notices
NOTICES_PAGE_QUERIES = 8


def many(team, count):
    for index in range(count):
        receive(team, complainant=ComplainantFactory(), subject=f"Hóa đơn sai lần {index}")
    Complaint.objects.update(owner=team.handler)
    # Written past the lifecycle: the queues' counts are counted again, as after a bulk load.
    queue_tally_rebuild()


@pytest.mark.parametrize("queue", Queue.values)
def test_queue_page_makes_the_same_queries_for_one_row_or_a_full_page(
    team, signed_in, queue, django_assert_num_queries
):
    client = signed_in(team.handler)
    url = reverse("backoffice:queue", args=[queue])
    many(team, 1)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    many(team, 60)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get(url + "?sort=priority&status=received&page=2")
    assert response.status_code == 200


def test_queue_page_shows_rows_counts_and_pages(team, signed_in):
    many(team, 55)
    client = signed_in(team.handler)
    body = client.get(reverse("backoffice:queue", args=["mine"])).content.decode()
    assert body.count('name="ref"') == 50
    assert 'rel="next"' in body
    body = client.get(reverse("backoffice:queue", args=["mine"]) + "?page=2").content.decode()
    assert body.count('name="ref"') == 5 and 'rel="next"' not in body


def test_the_rendered_pager_and_sort_links_lead_where_they_say(team, signed_in):
    # Issue 17: the links came out as "??page=2", so "Next" showed page 1 again.
    import html
    import re

    many(team, 55)
    client = signed_in(team.handler)
    url = reverse("backoffice:queue", args=["mine"])
    first = client.get(url + "?sort=priority").content.decode()
    (href,) = re.findall(r'<a href="([^"]*)" rel="next"', first)
    href = html.unescape(href)
    assert href.startswith("?") and not href.startswith("??")
    second = client.get(url + href).content.decode()
    assert second.count('name="ref"') == 5
    (back,) = re.findall(r'<a href="([^"]*)" rel="prev"', second)
    assert client.get(url + html.unescape(back)).content.decode().count('name="ref"') == 50
    sort_links = re.findall(r'<th scope="col"><a href="([^"]*)"', second)
    assert sort_links and all(
        link.startswith("?") and not link.startswith("??") for link in sort_links
    )
    (by_status,) = [html.unescape(link) for link in sort_links if "sort=status" in link]
    assert "sort=status" in by_status and "page=" not in by_status  # a new sort starts on page 1


def test_htmx_filter_returns_only_the_results(team, signed_in):
    many(team, 2)
    client = signed_in(team.handler)
    response = client.get(
        reverse("backoffice:queue", args=["all"]) + "?priority=urgent",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-results">') and "<html" not in body
    assert 'name="ref"' not in body


def test_search_page_query_count_is_fixed(team, signed_in, django_assert_num_queries):
    client = signed_in(team.handler)
    many(team, 1)
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        client.get(reverse("backoffice:search") + "?q=hoa+don")
    many(team, 60)
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        body = client.get(reverse("backoffice:search") + "?q=hoa+don").content.decode()
    assert body.count('class="ref"') == 50


def test_notices_page_query_count_is_fixed(team, signed_in, django_assert_num_queries):
    client = signed_in(team.manager)
    receive(team, health_safety=True)
    with django_assert_num_queries(NOTICES_PAGE_QUERIES):
        client.get(reverse("backoffice:notifications"))
    for _ in range(5):
        receive(team, health_safety=True)
    with django_assert_num_queries(NOTICES_PAGE_QUERIES):
        assert client.get(reverse("backoffice:notifications")).status_code == 200


def test_notices_are_marked_read_one_or_all_and_only_ones_own(team, signed_in):
    from redress.notifications.models import Notification

    for _ in range(3):
        receive(team, health_safety=True)  # significant: managers and top management are told
    mine = list(Notification.objects.filter(recipient=team.manager).order_by("pk"))
    others = Notification.objects.filter(recipient=team.top, read_at__isnull=True).count()
    assert len(mine) == 3 and others == 3
    client = signed_in(team.manager)
    url = reverse("backoffice:notifications_read")

    page = client.get(reverse("backoffice:notifications")).content.decode()
    assert f'name="id" value="{mine[0].pk}"' in page and 'name="all"' in page
    # Someone else's notice id is ignored: nobody marks another person's notices.
    theirs = Notification.objects.filter(recipient=team.top).first()
    response = client.post(url, {"id": [str(mine[0].pk), str(theirs.pk)]}, follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()  # their language
    assert Notification.objects.filter(recipient=team.manager, read_at__isnull=True).count() == 2
    assert Notification.objects.filter(recipient=team.top, read_at__isnull=True).count() == 3

    client.post(url, {"all": "1"})
    assert Notification.objects.filter(recipient=team.manager, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=team.top, read_at__isnull=True).count() == 3
    assert client.get(url).status_code == 405


def test_search_by_reference_opens_the_complaint(team, signed_in):
    complaint = receive(team).complaint
    response = signed_in(team.handler).get(
        reverse("backoffice:search") + f"?q={complaint.reference}"
    )
    assert response.status_code == 302 and response.url == reverse(
        "backoffice:complaint", args=[complaint.reference]
    )


def test_bulk_assign_and_priority(team, signed_in):
    first, second = receive(team).complaint, receive(team).complaint
    client = signed_in(team.manager)
    url = reverse("backoffice:bulk", args=["unassigned"])
    response = client.post(
        url,
        {
            "operation": "assign",
            "owner": team.handler.pk,
            "ref": [first.reference, second.reference],
        },
    )
    assert response.status_code == 302
    assert set(Complaint.objects.values_list("owner_id", flat=True)) == {team.handler.pk}
    client.post(
        url, {"operation": "priority", "priority": Priority.URGENT, "ref": [first.reference]}
    )
    assert Complaint.objects.get(pk=first.pk).priority == Priority.URGENT


def test_bulk_assign_is_all_or_nothing(team, signed_in):
    """A handler may only take complaints for themselves: assigning to a colleague fails on the
    first complaint, and no complaint changes."""
    from redress.core.roles import Role
    from redress.core.testing import staff

    colleague = staff(Role.HANDLER, team.unit)
    first, second = receive(team).complaint, receive(team).complaint
    client = signed_in(team.handler)
    response = client.post(
        reverse("backoffice:bulk", args=["unassigned"]),
        {"operation": "assign", "owner": colleague.pk, "ref": [first.reference, second.reference]},
        follow=True,
    )
    assert "Không có gì thay đổi" in response.content.decode()
    assert list(Complaint.objects.values_list("owner_id", flat=True)) == [None, None]


def test_bulk_refuses_invisible_complaints(team, signed_in):
    from redress.handling.testing import make_team

    hidden = receive(make_team()).complaint
    mine = receive(team).complaint
    client = signed_in(team.manager)
    client.post(
        reverse("backoffice:bulk", args=["all"]),
        {
            "operation": "priority",
            "priority": Priority.LOW,
            "ref": [hidden.reference, mine.reference],
        },
    )
    assert set(Complaint.objects.values_list("priority", flat=True)) == {Priority.NORMAL}


def test_export_of_selection_is_masked_for_the_auditor(team, signed_in):
    complaint = receive(
        team, complainant=ComplainantFactory(full_name="Lê Văn Tám", email="tam@example.vn")
    ).complaint
    receive(team)
    response = signed_in(team.auditor).post(
        reverse("backoffice:bulk", args=["all"]),
        {"operation": "export_csv", "ref": [complaint.reference]},
    )
    assert response["Content-Type"].startswith("text/csv")
    # The export streams: its body is read from the stream.
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == complaint.reference and rows[1][10] == "L. V. T."


def test_export_link_exports_the_filtered_queue(team, signed_in):
    complaint_in_state(Status.DECISION_PROPOSED, team)
    receive(team)
    response = signed_in(team.manager).get(
        reverse("backoffice:export", args=["all"]) + "?status=decision_proposed&format=xlsx"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    body = b"".join(response.streaming_content)
    assert len(list(load_workbook(io.BytesIO(body)).active.values)) == 2


def test_a_deadline_digest_lists_its_complaints_on_the_notices_page(team, signed_in):
    import datetime as dt

    from django.utils import timezone

    from redress.notifications.deadline_digest import deadline_digest_item, deadline_digest_notify

    complaints = [receive(team).complaint for _ in range(4)]
    late = timezone.now() - dt.timedelta(hours=5)
    deadline_digest_notify(
        user=team.manager,
        items=[
            deadline_digest_item(
                reference=c.reference, stage="decision", kind="breached", due_at=late
            )
            for c in complaints
        ],
    )
    page = signed_in(team.manager).get(reverse("backoffice:notifications")).content.decode()
    for complaint in complaints:
        assert reverse("backoffice:complaint", args=[complaint.reference]) in page
    assert page.count("Quá hạn ra quyết định") == 4  # the stage, in the manager's language
    assert reverse("backoffice:queue", args=["overdue"]) in page
