"""Administration in Chromium: the demo administrator adds a day off to the organisation's
calendar (it shows in the year's list and stops being a working day) and a category (refused
in Vietnamese beside the empty field first, then listed in Vietnamese alphabetical order), on a
desktop (1366 px) and a phone (390 px), without horizontal scrolling. With REDRESS_SCREENSHOTS=1
it saves the calendar and the categories at both widths for docs/backoffice.md.
"""

import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.models import Category
from redress.core.collation import vietnamese_key
from redress.intake.seed import demo_organisation
from redress.sla.models import BusinessCalendar
from redress.sla.selectors import work_calendar
from tests.e2e.shots import shot
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def a_working_day(calendar: BusinessCalendar) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=40)
    work = work_calendar(calendar)
    while not work.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


WIDER_THAN_THE_PAGE = """(() => {
  const page = document.documentElement;
  if (page.scrollWidth <= page.clientWidth) return [];
  // What sticks out, but for what scrolls in its table's own box: the culprit's name.
  return [page.scrollWidth, ...[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > page.clientWidth + 1)
    .filter(e => getComputedStyle(e).position === 'absolute'
      || !e.parentElement.closest('.table-scroll'))
    .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)];
})()"""


def no_horizontal_scroll(page) -> bool:
    wider = page.evaluate(WIDER_THAN_THE_PAGE)
    assert wider == [], wider
    return True


@pytest.mark.parametrize("width", [1366, 390])
def test_an_administrator_adds_a_day_off_and_a_category(page, width):
    demo_organisation()
    page.set_viewport_size({"width": 1366, "height": 900})
    calendar = BusinessCalendar.objects.get(is_default=True)
    day = a_working_day(calendar)
    sign_in(page, "quantri", done="#nav-admin")
    page.set_viewport_size({"width": width, "height": 900})

    # A day off, from the navigation (folded under its menu on a phone) to the calendar's year.
    if width < 1100:
        page.get_by_text("Menu: hàng đợi và các trang").click()
    page.click("nav a[href='/staff/admin/calendars/']")
    page.click(f"a[href='/staff/admin/calendars/{calendar.pk}/']")
    page.fill("#id_date", day.isoformat())
    page.select_option("#id_kind", "day_off")
    page.fill("#id_name", "Nghỉ bù Tết Dương lịch")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector("#days >> text=Nghỉ bù Tết Dương lịch")
    assert page.locator(f"#days time[datetime='{day.isoformat()}']").count() == 1
    assert not work_calendar(BusinessCalendar.objects.get(pk=calendar.pk)).is_working_day(day)
    assert no_horizontal_scroll(page)
    shot(page, f"admin-calendar-{width}")

    # A category: the empty Vietnamese name is refused beside its field, in Vietnamese.
    page.goto(page.base_url + "/staff/admin/categories/new/")
    page.fill("#id_code", "an-uong")
    page.fill("#id_name_en", "Food and drink")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector(".error")
    field = page.locator(".field:has(#id_name_vi)")
    assert "Trường này là bắt buộc." in field.inner_text()
    assert not Category.objects.filter(code="an-uong").exists()
    page.fill("#id_name_vi", "Ăn uống")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector("#categories >> text=Ăn uống")
    names = page.locator("#categories tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names, key=vietnamese_key)
    assert no_horizontal_scroll(page)
    shot(page, f"admin-categories-{width}")
