"""The queue page: deadline first, the columns a person chooses, saved views, the legend."""

import html
import re

import pytest
from django.urls import reverse

from redress.backoffice.tests.test_lists import QUEUE_PAGE_QUERIES, many
from redress.complaints.models import SavedQueueView
from redress.complaints.queue_views import queue_columns_set, saved_view_create
from redress.handling.testing import receive

pytestmark = pytest.mark.django_db


def headings(body):
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="col">(.*?)</th>', body, flags=re.S)
    ]


def test_the_deadline_and_time_left_come_right_after_the_reference(team, signed_in):
    receive(team, subject="Hóa đơn sai")
    body = signed_in(team.manager).get(reverse("backoffice:queue", args=["all"])).content.decode()
    assert headings(body)[1:] == [
        "Số tham chiếu",
        "Hạn xử lý",
        "Thời gian còn lại",
        "Tiêu đề",
        "Trạng thái",
        "Mức ưu tiên",
        "Người phụ trách",
    ]
    assert "Chú giải" in body and "khiếu nại nghiêm trọng" in body  # the legend of the colours


def test_chosen_columns_are_remembered_for_the_person(team, signed_in):
    receive(team, subject="Hóa đơn sai")
    client = signed_in(team.manager)
    url = reverse("backoffice:queue", args=["all"])
    response = client.post(
        reverse("backoffice:queue_columns", args=["all"]) + "?status=received",
        {"column": ["channel", "subject"]},
    )
    assert response.status_code == 302 and response.url == url + "?status=received"
    body = client.get(url).content.decode()
    assert headings(body)[1:] == [
        "Số tham chiếu",
        "Hạn xử lý",
        "Thời gian còn lại",
        "Tiêu đề",
        "Kênh",
    ]
    # Someone else still sees the default columns.
    other = signed_in(team.top).get(url).content.decode()
    assert "Kênh" not in headings(other) and "Trạng thái" in headings(other)


def test_an_unknown_column_is_refused_with_a_message(team, signed_in):
    client = signed_in(team.manager)
    response = client.post(
        reverse("backoffice:queue_columns", args=["all"]), {"column": ["nope"]}, follow=True
    )
    assert "Cột không có: nope." in response.content.decode()


def test_a_view_is_saved_with_its_filters_listed_beside_the_queue_and_deleted(team, signed_in):
    receive(team, subject="Hóa đơn sai")
    client = signed_in(team.handler)
    save = reverse("backoffice:queue_view_save", args=["unit"])
    response = client.post(save + "?priority=urgent&sort=deadline&page=3", {"name": "Khẩn"})
    queue_url = reverse("backoffice:queue", args=["unit"])
    assert response.url == queue_url + "?priority=urgent&sort=deadline"
    body = client.get(response.url).content.decode()
    (link,) = re.findall(r'<a href="([^"]*)" aria-current="page">Khẩn</a>', body)
    assert html.unescape(link) == response.url
    # Another page of the queue is not the saved view.
    plain = client.get(queue_url).content.decode()
    assert 'aria-current="page">Khẩn<' not in plain and ">Khẩn</a>" in plain

    again = client.post(save, {"name": "Khẩn"}, follow=True).content.decode()
    assert "Chưa lưu chế độ xem: Bạn đã có một chế độ xem cùng tên." in again

    view = SavedQueueView.objects.get(user=team.handler)
    deleted = client.post(
        reverse("backoffice:queue_view_delete", args=[view.pk]), {"queue": "unit"}
    )
    assert deleted.url == queue_url and not SavedQueueView.objects.exists()


def test_nobody_deletes_another_persons_view(team, signed_in):
    view = saved_view_create(user=team.manager, name="Của tôi", queue="mine", query="")
    client = signed_in(team.handler)
    assert client.post(reverse("backoffice:queue_view_delete", args=[view.pk])).status_code == 404
    assert SavedQueueView.objects.filter(pk=view.pk).exists()
    page = client.get(reverse("backoffice:queue", args=["mine"])).content.decode()
    assert "Của tôi" not in page


def test_views_and_columns_add_no_queries_per_view(team, signed_in, django_assert_num_queries):
    many(team, 60)
    queue_columns_set(user=team.handler, columns=["subject", "unit", "category", "received"])
    for index in range(5):
        saved_view_create(user=team.handler, name=f"Xem {index}", queue="mine", query="")
    client = signed_in(team.handler)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        body = client.get(reverse("backoffice:queue", args=["mine"])).content.decode()
    assert body.count('name="ref"') == 50 and body.count("Xóa chế độ xem") == 5


def test_a_filter_changed_in_place_marks_the_saved_view_it_matches(team, signed_in):
    # HTMX swaps only the results: the list of views comes along out of band, marked anew.
    saved_view_create(user=team.handler, name="Khẩn", queue="unit", query="priority=urgent")
    response = signed_in(team.handler).get(
        reverse("backoffice:queue", args=["unit"]) + "?priority=urgent&status=",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-results">')
    (views,) = re.findall(
        r'<section class="saved-views"[^>]*hx-swap-oob="true">.*?</section>', body, re.S
    )
    assert 'aria-current="page">Khẩn</a>' in views
