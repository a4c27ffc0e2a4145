"""Every back-office page passes axe-core's WCAG 2.2 A/AA rules (target size included) and does
not scroll sideways at 1366 px; the queue's table fits that width; the staff header, search and
navigation work on a 390 px phone (issue 17).

"Every page" is read from the URL configuration, not listed by hand: each staff route that takes
no argument and answers a GET with an HTML page for a person who is complaints manager,
administrator and data-protection officer, plus the workspace and investigation pages of a
complaint. A browser page visits them, signed in once, in three parts run as three tests.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from redress.complaints.models import Complaint, Status
from redress.complaints.queue_views import saved_view_create
from redress.core.models import Membership, User
from redress.core.roles import Role
from redress.handling.testing import complaint_in_state, make_team, receive
from redress.intake.seed import DEMO_PASSWORD
from redress.portal.testing import portal_content  # noqa: F401
from tests.e2e.shots import shot
from tests.e2e.signin import sign_in
from tests.e2e.test_portal_accessibility import axe

# The message templates and time limits that migrations install, put back after each flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("portal_content")]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def staff_routes() -> list[str]:
    """The paths of the staff site's routes that take no argument."""
    (staff,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "backoffice"
    ]
    return [
        reverse(f"backoffice:{entry.name}")
        for entry in staff.url_patterns
        if isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups
    ]


def html_pages(user: User, paths: list[str]) -> list[str]:
    """Those of ``paths`` that answer the person's GET with a whole HTML page (not a redirect, a
    refusal, a download, a method not allowed or a fragment HTMX puts into a page)."""
    client = Client()
    client.force_login(user)
    pages = []
    for path in paths:
        response = client.get(path)
        if (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and b"<html" in response.content[:500]
        ):
            pages.append(path)
    return pages


def the_team():
    """A unit with its people; its manager is also administrator and data-protection officer
    (every page of the staff site is theirs), signs in with the demo password, and has a
    long name, as the people of a real organisation do."""
    team = make_team()
    manager = User.objects.get(pk=team.manager.pk)
    manager.username, manager.first_name, manager.last_name = "quanly", "Phương Thảo", "Nguyễn Thị"
    manager.set_password(DEMO_PASSWORD)
    manager.save()
    for role in (Role.ADMIN, Role.DPO):
        Membership.objects.create(user=manager, unit=team.unit, role=role)
    User.objects.filter(pk=team.handler.pk).update(
        username="xuly", first_name="Minh Khôi", last_name="Trần Văn Hoàng"
    )
    User.objects.filter(pk=team.top.pk).update(username="lanhdao")
    for person in User.objects.filter(pk__in=[team.handler.pk, team.top.pk]):
        person.set_password(DEMO_PASSWORD)
        person.save()
    team.manager = manager
    return team


# The pages are checked in this many parts, each its own test (about 30 s each rather than one
# of 90 s), so that the parallel test processes end together.
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
def test_every_staff_page_passes_axe_and_fits_1366px(page, part):
    team = the_team()
    for index in range(12):
        receive(
            team,
            subject=f"Hóa đơn tiền điện tháng {index + 1} tính sai gấp đôi so với hợp đồng đã ký",
            health_safety=index % 5 == 0,
        )
    Complaint.objects.update(owner=team.handler)
    for name, queue, query in (("Quá hạn của tôi", "overdue", "owner=me"), ("Khẩn", "all", "")):
        saved_view_create(user=team.manager, name=name, queue=queue, query=query)
    decided = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    investigating = complaint_in_state(Status.INVESTIGATING, team)

    routes = staff_routes()
    assert len(routes) > 30  # the resolver was read, not a short list
    paths = html_pages(team.manager, routes[part::PARTS])
    paths += [
        reverse("backoffice:complaint", args=[decided.reference]),
        reverse("backoffice:complaint", args=[investigating.reference]),
        reverse("backoffice:investigation", args=[investigating.reference]),
        reverse("backoffice:queue", args=["all"]) + "?sort=deadline",
    ][part::PARTS]

    page.set_viewport_size(DESKTOP)
    sign_in(page, "quanly")
    problems = []
    for path in paths:
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems.append((path, "scrolls-sideways-1366px", [f"{overflow}px too wide"]))
        for rule, _impact, nodes in axe(page):
            problems.append((path, rule, nodes))
    # The other roles' home pages are other dashboards (in the last part, the shortest).
    for username in ("xuly", "lanhdao") if part == PARTS - 1 else ():
        page.click("form[action='/staff/logout/'] button")
        sign_in(page, username)
        page.goto(page.base_url + reverse("backoffice:home"))
        for rule, _impact, nodes in axe(page):
            problems.append((f"{username} home", rule, nodes))
        if page.evaluate(OVERFLOW) > 0:
            problems.append((f"{username} home", "scrolls-sideways-1366px", []))
    assert problems == [], "\n".join(map(str, problems))


def test_the_queue_table_fits_1366px_with_the_default_columns(page):
    team = the_team()
    for index in range(20):
        receive(
            team,
            subject=f"Khiếu nại về việc giao hàng chậm trễ và thái độ nhân viên lần {index}",
            health_safety=index % 4 == 0,
        )
    Complaint.objects.update(owner=team.handler)
    for name, queue, query in (("Quá hạn của tôi", "overdue", "owner=me"), ("Khẩn", "all", "")):
        saved_view_create(user=team.manager, name=name, queue=queue, query=query)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "quanly")
    page.goto(page.base_url + reverse("backoffice:queue", args=["all"]) + "?sort=deadline")
    shot(page, "queue-1366")
    headers = page.locator("table.queue-table thead th").all_inner_texts()
    assert [h.strip() for h in headers[1:4]] == ["Số tham chiếu", "Hạn xử lý", "Thời gian còn lại"]
    table = page.evaluate(
        "(() => { const f = document.getElementById('bulk-form');"
        " return [f.scrollWidth, f.clientWidth]; })()"
    )
    assert table[0] <= table[1], table
    assert page.evaluate(OVERFLOW) <= 0
    assert page.get_by_text("Vạch bên trái: khiếu nại nghiêm trọng").is_visible()

    # The saved view "Khẩn" is the whole queue: open, it is marked; a filter changed in place
    # (HTMX) is no longer that view, and the mark goes.
    page.goto(page.base_url + reverse("backoffice:queue", args=["all"]))
    marked = page.locator("#saved-views a[aria-current=page]")
    assert marked.inner_text() == "Khẩn"
    page.select_option("#id_priority", "urgent")
    marked.wait_for(state="detached")
    assert "priority=urgent" in page.url and page.locator("table.queue-table tbody tr").count() == 5


def test_the_staff_header_search_and_navigation_work_at_390px(page):
    team = the_team()
    complaint = receive(team, subject="Máy lạnh không chạy").complaint
    page.set_viewport_size(DESKTOP)
    sign_in(page, "quanly")
    page.set_viewport_size(PHONE)
    for path in (
        reverse("backoffice:queue", args=["all"]),
        reverse("backoffice:complaint", args=[complaint.reference]),
        reverse("backoffice:home"),
    ):
        page.goto(page.base_url + path)
        if path.endswith("/all/"):
            shot(page, "queue-390")
            # The filters fold too, under their own summary, so the list comes first.
            assert not page.locator("#id_status").is_visible()
            page.get_by_text("Lọc và sắp xếp", exact=True).click()
            assert page.locator("#id_status").is_visible()
        header = page.evaluate(
            "(() => { const h = document.querySelector('header.top');"
            " return [h.scrollWidth, h.clientWidth]; })()"
        )
        assert header[0] <= header[1], (path, header)
        assert page.evaluate(OVERFLOW) <= 0, path
        box = page.locator("#q").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["width"] > 250
        # The navigation is folded under its menu, which opens it.
        queues = page.locator("nav.queues a[href$='/queue/all/']")
        assert not queues.is_visible()
        page.get_by_text("Menu: hàng đợi và các trang").click()
        assert queues.is_visible()
        assert queues.bounding_box()["height"] >= 24

    page.fill("#q", complaint.reference)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/c/{complaint.reference}/")
    # Back on a wide screen the navigation is a column again, with no menu to open.
    page.set_viewport_size(DESKTOP)
    assert page.locator("nav.queues a[href$='/queue/all/']").is_visible()
    assert not page.get_by_text("Menu: hàng đợi và các trang").is_visible()
