"""The back office's administration pages (``/staff/admin/``): units, people and roles,
categories, products and services, calendars' days off. Administrators only; a form sent
round trip changes what the list shows; a bad form answers 422 in Vietnamese beside its field
and changes nothing; lists read a fixed number of queries."""

import uuid

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints import catalogue
from redress.complaints.models import Category, Product
from redress.core.actors import Actor
from redress.core.models import Membership, OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import UnitFactory, staff
from redress.notifications.models import MessageTemplate
from redress.sla.models import BusinessCalendar, CalendarOverride, EscalationLevel, SlaPolicy
from redress.transparency.models import Notice
from redress.transparency.selectors import notice_current
from redress.transparency.services import NOTICE_TEXT_FIELDS, notice_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(team):
    organisation_get()
    return staff(Role.ADMIN, team.unit, username="quantri")


@pytest.fixture
def as_admin(admin, signed_in):
    return signed_in(admin)


@pytest.fixture
def in_english(admin):
    """The administrator reads the staff site in English (their own setting)."""
    User.objects.filter(pk=admin.pk).update(language="en")


def once():
    return uuid.uuid4().hex


def test_other_roles_are_refused_and_nothing_changes(team, signed_in):
    client = signed_in(team.manager)
    assert client.get(reverse("backoffice:units")).status_code == 403
    sent = client.post(
        reverse("backoffice:category_create"),
        {"once": once(), "code": "x", "name_vi": "X", "name_en": "X"},
    )
    assert sent.status_code == 403
    assert not Category.objects.exists()


def test_the_navigation_offers_the_administration_pages(as_admin):
    page = as_admin.get(reverse("backoffice:units"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    for name in ("units", "people", "categories", "products", "calendars"):
        assert f'href="{reverse(f"backoffice:{name}")}"' in page


def test_a_unit_is_added_then_renamed(as_admin, team):
    added = as_admin.post(
        reverse("backoffice:unit_create"),
        {"once": once(), "code": "cskh-hcm", "name": "CSKH TP.HCM", "parent": team.unit.pk},
    )
    assert added.status_code == 302
    unit = OrgUnit.objects.get(code="cskh-hcm")
    assert unit.parent == team.unit
    listed = as_admin.get(reverse("backoffice:units")).content.decode()
    assert "CSKH TP.HCM" in listed
    edited = as_admin.post(
        reverse("backoffice:unit_edit", args=[unit.pk]),
        {"name": "CSKH Sài Gòn", "name_en": "Saigon care", "parent": "", "is_active": "on"},
    )
    assert edited.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.parent) == ("CSKH Sài Gòn", None)
    assert AuditEntry.objects.filter(action="organisation.unit_update").count() == 1


def test_a_unit_without_a_name_is_refused_in_vietnamese_beside_the_field(as_admin):
    refused = as_admin.post(
        reverse("backoffice:unit_create"),
        {"once": once(), "code": "moi", "name": ""},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Tên (tiếng Việt)" in page
    assert "Trường này là bắt buộc." in page
    assert not OrgUnit.objects.filter(code="moi").exists()


def test_a_person_is_added_given_a_role_and_deactivated(as_admin, team):
    added = as_admin.post(
        reverse("backoffice:person_create"),
        {
            "once": once(),
            "username": "tranlan",
            "last_name": "Trần Thị",
            "first_name": "Lan",
            "email": "lan@example.vn",
            "phone": "",
            "language": "vi",
            "unit": team.unit.pk,
            "role": Role.FRONTLINE,
        },
    )
    person = User.objects.get(username="tranlan")
    assert added.status_code == 302
    assert added.url == reverse("backoffice:person", args=[person.pk])
    page = as_admin.get(added.url).content.decode()
    assert "Trần Thị Lan" in page
    granted = as_admin.post(
        reverse("backoffice:person_role_grant", args=[person.pk]),
        {"role": Role.HANDLER, "unit": team.unit.pk},
    )
    assert granted.status_code == 302
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.FRONTLINE,
        Role.HANDLER,
    }
    as_admin.post(reverse("backoffice:person_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    listed = as_admin.get(reverse("backoffice:people"), {"show": "inactive"}).content.decode()
    assert "Trần Thị Lan" in listed


def test_a_taken_user_name_is_refused_beside_its_field(as_admin, team, in_english):
    refused = as_admin.post(
        reverse("backoffice:person_create"),
        {
            "once": once(),
            "username": team.handler.username.upper(),
            "first_name": "Lan",
            "email": "lan@example.vn",
            "language": "en",
            "unit": team.unit.pk,
            "role": Role.FRONTLINE,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    assert "Another person already has this user name." in refused.content.decode()
    assert not User.objects.filter(email="lan@example.vn").exists()


def test_a_person_edit_round_trip(as_admin, team):
    person = team.handler
    url = reverse("backoffice:person", args=[person.pk])
    saved = as_admin.post(
        url,
        {
            "first_name": "Minh",
            "last_name": "Phạm",
            "email": "minh@example.vn",
            "phone": "0901",
            "language": "en",
        },
    )
    assert saved.status_code == 302
    person.refresh_from_db()
    assert (person.get_full_name(), person.email, person.language) == (
        "Phạm Minh",
        "minh@example.vn",
        "en",
    )


def test_people_list_reads_a_fixed_number_of_queries(as_admin, team, django_assert_max_num_queries):
    url = reverse("backoffice:people")
    as_admin.get(url)
    with django_assert_max_num_queries(12) as few:
        assert as_admin.get(url).status_code == 200
    for _ in range(10):
        staff(Role.HANDLER, UnitFactory.create())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_admin.get(url).status_code == 200


def test_units_list_reads_a_fixed_number_of_queries(as_admin, django_assert_max_num_queries):
    url = reverse("backoffice:units")
    as_admin.get(url)
    with django_assert_max_num_queries(10) as few:
        assert as_admin.get(url).status_code == 200
    UnitFactory.create_batch(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_admin.get(url).status_code == 200


def test_categories_are_listed_in_vietnamese_order_and_edited(as_admin, admin):
    actor = Actor.for_user(admin)
    for code, name in [("g", "Giao hàng"), ("dd", "Đổi trả"), ("d", "Dịch vụ"), ("b", "Bảo hành")]:
        catalogue.category_create(actor=actor, code=code, name_vi=name, name_en=code)
    page = as_admin.get(reverse("backoffice:categories"), HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    positions = [text.index(name) for name in ("Bảo hành", "Dịch vụ", "Đổi trả", "Giao hàng")]
    assert positions == sorted(positions)
    category = Category.objects.get(code="g")
    saved = as_admin.post(
        reverse("backoffice:category_edit", args=[category.pk]),
        {"name_vi": "Giao nhận", "name_en": "Delivery", "parent": ""},
    )
    assert saved.status_code == 302
    category.refresh_from_db()
    assert (category.name_vi, category.is_active) == ("Giao nhận", False)  # box left unticked


def test_a_category_list_page_reads_a_fixed_number_of_queries(
    as_admin, admin, django_assert_max_num_queries
):
    url = reverse("backoffice:categories")
    as_admin.get(url)
    with django_assert_max_num_queries(10) as few:
        assert as_admin.get(url).status_code == 200
    actor = Actor.for_user(admin)
    parent = catalogue.category_create(actor=actor, code="p", name_vi="Cha", name_en="P")
    for n in range(10):
        catalogue.category_create(
            actor=actor, code=f"c{n}", name_vi=f"Con {n}", name_en="C", parent=parent
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert as_admin.get(url).status_code == 200


def test_a_product_is_added_and_a_bad_one_is_refused_in_vietnamese(as_admin):
    added = as_admin.post(
        reverse("backoffice:product_create"),
        {"once": once(), "code": "may-giat", "name_vi": "Máy giặt", "name_en": "Washing machine"},
    )
    assert added.status_code == 302
    assert Product.objects.get(code="may-giat").name_vi == "Máy giặt"
    assert "Máy giặt" in as_admin.get(reverse("backoffice:products")).content.decode()
    refused = as_admin.post(
        reverse("backoffice:product_create"),
        {"once": once(), "code": "tu-lanh", "name_vi": "Tủ lạnh", "name_en": ""},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 422
    assert "Tên (tiếng Anh)" in refused.content.decode()
    assert "Trường này là bắt buộc." in refused.content.decode()
    assert not Product.objects.filter(code="tu-lanh").exists()


def test_a_day_off_is_added_shown_and_removed(as_admin):
    calendar = BusinessCalendar.objects.get(is_default=True)
    url = reverse("backoffice:calendar", args=[calendar.pk])
    added = as_admin.post(
        url, {"date": "2026-12-07", "kind": "day_off", "name": "Nghỉ bù đặc biệt"}
    )
    assert added.status_code == 302
    override = CalendarOverride.objects.get(calendar=calendar)
    page = as_admin.get(added.url).content.decode()
    assert "Nghỉ bù đặc biệt" in page
    assert "07/12/2026" in page
    removed = as_admin.post(
        reverse("backoffice:calendar_day_remove", args=[calendar.pk, override.pk])
    )
    assert removed.status_code == 302
    assert not CalendarOverride.objects.exists()


def test_tet_shows_in_the_calendar_and_a_day_already_off_is_refused(as_admin, in_english):
    calendar = BusinessCalendar.objects.get(is_default=True)
    url = reverse("backoffice:calendar", args=[calendar.pk])
    page = as_admin.get(url, {"year": "2027"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "06/02/2027" in page  # Tết Đinh Mùi (lunar new year) falls on 6 February 2027
    refused = as_admin.post(
        url,
        {"date": "2026-12-06", "kind": "day_off", "name": "Chủ nhật"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    assert "This day is already a day off in this calendar." in refused.content.decode()
    assert not CalendarOverride.objects.exists()


def test_a_policy_target_edit_round_trip_and_the_list(as_admin, django_assert_max_num_queries):
    policy = SlaPolicy.objects.get(code="iso-default")
    url = reverse("backoffice:policy_edit", args=[policy.pk])
    form = as_admin.get(url).context["form"]
    data = {
        name: ("on" if value is True else "" if value in (None, False) else value)
        for name, value in form.initial.items()
    }
    data["close_amount"] = "25"
    saved = as_admin.post(url, data)
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert policy.close_amount == 25
    as_admin.get(reverse("backoffice:policies"))
    with django_assert_max_num_queries(10):
        listed = as_admin.get(reverse("backoffice:policies"), HTTP_ACCEPT_LANGUAGE="vi")
    assert listed.status_code == 200
    assert "25" in listed.content.decode()


def test_the_legal_limit_cannot_be_relaxed_from_the_page(as_admin):
    policy = SlaPolicy.objects.get(code="vn-negotiation")
    url = reverse("backoffice:policy_edit", args=[policy.pk])
    form = as_admin.get(url).context["form"]
    data = {
        name: ("on" if value is True else "" if value in (None, False) else value)
        for name, value in form.initial.items()
    }
    data |= {"decision_amount": "30", "is_active": ""}
    as_admin.post(url, data)
    policy.refresh_from_db()
    assert (policy.decision_amount, policy.is_active) == (7, True)


def test_a_bad_escalation_level_is_refused_beside_its_field(as_admin):
    level = EscalationLevel.objects.order_by("level").first()
    refused = as_admin.post(
        reverse("backoffice:escalation_edit", args=[level.pk]),
        {"audience": "owner", "after_hours": "", "is_active": "on", "breach": "on"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 422
    assert "Trường này là bắt buộc." in refused.content.decode()


def test_a_template_is_previewed_then_saved(as_admin):
    template = MessageTemplate.objects.create(
        code="reply-page",
        language="vi",
        name="Trả lời mẫu",
        subject="Về {{ reference }}",
        body="Kính gửi {{ name }},",
    )
    url = reverse("backoffice:template_edit", args=[template.pk])
    shown = as_admin.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Kính gửi Nguyễn Văn An," in shown
    data = {"name": "Trả lời mẫu", "subject": "Về {{ reference }}", "body": "Chào {{ name }}!"}
    previewed = as_admin.post(url, {**data, "is_active": "on", "preview": "1"})
    assert "Chào Nguyễn Văn An!" in previewed.content.decode()
    template.refresh_from_db()
    assert template.body == "Kính gửi {{ name }},"  # a preview saves nothing
    saved = as_admin.post(url, {**data, "is_active": "on", "save": ""})
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body == "Chào {{ name }}!"
    listed = as_admin.get(reverse("backoffice:templates"), {"language": "vi"})
    assert "Trả lời mẫu" in listed.content.decode()


def test_a_broken_template_is_refused_beside_its_field(as_admin, in_english):
    template = MessageTemplate.objects.create(
        code="reply-broken", language="vi", name="X", subject="S", body="B"
    )
    refused = as_admin.post(
        reverse("backoffice:template_edit", args=[template.pk]),
        {"name": "X", "subject": "S", "body": "{% if %}", "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    assert "A placeholder or condition is not written correctly" in refused.content.decode()


def test_public_information_is_copied_edited_and_published(as_admin, admin):
    current = notice_current()
    assert current is not None
    copied = as_admin.post(reverse("backoffice:notice_copy", args=[current.pk]))
    draft = Notice.objects.get(state=Notice.State.DRAFT)
    assert copied.url == reverse("backoffice:notice", args=[draft.pk])
    data = {name: getattr(draft, name) for name in NOTICE_TEXT_FIELDS}
    data |= {"charges_vi": "Miễn phí.", "change_note": "Rõ hơn về phí"}
    assert as_admin.post(copied.url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.charges_vi == "Miễn phí."
    assert AuditEntry.objects.get(action="transparency.draft_update").after["changed"] == [
        "change_note",
        "charges_vi",
    ]
    as_admin.post(reverse("backoffice:notice_publish", args=[draft.pk]))
    assert notice_current().pk == draft.pk
    # Published text never changes.
    refused = as_admin.post(copied.url, {**data, "charges_vi": "Khác"})
    assert refused.status_code == 200
    draft.refresh_from_db()
    assert draft.charges_vi == "Miễn phí."


def test_a_draft_without_its_vietnamese_text_is_refused(as_admin, admin):
    draft = notice_copy(notice=notice_current(), actor=Actor.for_user(admin))
    data = {name: getattr(draft, name) for name in NOTICE_TEXT_FIELDS} | {"how_vi": ""}
    refused = as_admin.post(
        reverse("backoffice:notice", args=[draft.pk]), data, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert refused.status_code == 422
    assert "Trường này là bắt buộc." in refused.content.decode()
    draft.refresh_from_db()
    assert draft.how_vi


def test_the_pages_speak_english_too(as_admin, team, in_english):
    page = as_admin.get(reverse("backoffice:units"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Units</h1>" in page
    assert team.unit.name_en in page  # the English name of the unit


def test_an_escalation_level_edit_round_trip(as_admin):
    level = EscalationLevel.objects.order_by("level").first()
    url = reverse("backoffice:escalation_edit", args=[level.pk])
    assert as_admin.get(url).status_code == 200
    saved = as_admin.post(
        url,
        {"audience": "top_management", "breach": "on", "after_hours": "8", "is_active": "on"},
    )
    assert saved.status_code == 302
    level.refresh_from_db()
    assert (level.audience, level.after_hours, level.near_due) == ("top_management", 8, False)


def test_a_role_without_a_unit_is_refused_beside_the_field(as_admin, team):
    refused = as_admin.post(
        reverse("backoffice:person_role_grant", args=[team.handler.pk]),
        {"role": Role.COMPLAINTS_MANAGER, "unit": ""},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 422
    assert "Trường này là bắt buộc." in refused.content.decode()
    assert not Membership.objects.filter(user=team.handler, role=Role.COMPLAINTS_MANAGER).exists()
