"""Search ignores case and Vietnamese diacritics, on SQLite and PostgreSQL alike."""

import pytest
from django.conf import settings
from django.db import connection

from redress.complaints.models import Complainant
from redress.complaints.search import complaint_search, search_terms
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def bill(team):
    person = ComplainantFactory(
        full_name="Đặng Thị Hương", email="huong.dang@example.vn", phone="0912345678"
    )
    return receive(
        team,
        complainant=person,
        subject="Hóa đơn tính sai tiền điện",
        description="Tháng này công ty tính phí gấp đôi.",
    ).complaint


@pytest.fixture
def other(team):
    return receive(
        team, subject="Giao hàng trễ hẹn", description="Đơn hàng chưa đến sau mười ngày."
    ).complaint


def found(team, query):
    return [c.reference for c in complaint_search(team.handler, query)]


@pytest.mark.parametrize(
    "query",
    [
        "hoa don",
        "HÓA ĐƠN",
        "Hoá đơn",
        "tinh sai",
        "dien",
        "dang thi huong",
        "Đặng Hương",
        "huong.dang@example",
        "0912 345 678",
        "0912.345.678",
        "0912345678",
        "345",
        "gap doi",
    ],
)
def test_finds_accented_text_with_any_spelling(team, bill, other, query):
    assert found(team, query) == [bill.reference]


def test_every_word_must_match(team, bill, other):
    assert found(team, "hoa don giao") == []
    assert found(team, "giao") == [other.reference]


def test_reference_matches_exactly_in_any_case(team, bill, other):
    assert found(team, bill.reference.lower()) == [bill.reference]


def test_an_order_number_printed_like_a_reference_is_found_as_text(team, bill, other):
    # Issue 17: "HD-2026-88123" has the shape of a reference, so it was looked up as one only.
    ordered = receive(team, subject="Sai hóa đơn", order_ref="HD-2026-88123").complaint
    assert found(team, "HD-2026-88123") == [ordered.reference]
    assert found(team, "hd-2026-88123") == [ordered.reference]
    assert found(team, "HD-2026-88124") == []


def test_search_goes_through_the_visibility_gate(team, bill):
    outsider = make_team()
    assert list(complaint_search(outsider.handler, "hoa don")) == []
    assert list(complaint_search(outsider.top, "hoa don")) == [bill]


def test_empty_or_too_short_queries_find_nothing(team, bill):
    assert found(team, "") == []
    assert found(team, " a ") == []
    assert search_terms("Hóa  đơn hóa") == ["hoa", "don"]


def test_wildcards_are_literal(team, bill):
    assert found(team, "%") == []
    assert found(team, "h_a") == []


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="the trigram index exists on PostgreSQL only")
def test_postgres_serves_the_search_from_the_trigram_index(team, bill):
    # Top management: no unit filter, so only the text condition can use an index. Tiny test
    # tables make scans cheaper than any index, so the planner is told to avoid them.
    queryset = complaint_search(team.top, "hoa don").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "complaint_search_trgm" in plan


def test_a_returning_complainant_is_found_by_email_through_its_index():
    from redress.handling.services import complainant_get_or_create

    first = complainant_get_or_create(full_name="Lê Văn Bình", email="Binh.Le@Example.vn")
    again = complainant_get_or_create(full_name="Lê Văn Bình", email="binh.le@example.VN")
    assert again.pk == first.pk

    if not settings.IS_POSTGRES:
        return  # SQLite matches iexact with LIKE, which no expression index serves
    # A million complainants: the look-up must not scan them all. (Tiny tables make a scan
    # cheaper than any index, so the planner is told to avoid scans.)
    queryset = Complainant.objects.filter(email__iexact="binh.le@example.vn")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "complainant_email_ci" in plan


@pytest.mark.parametrize(
    "query", ["dang thi huong", "Đặng Hương", "huong.dang@example", "0912 345 678", "345678"]
)
def test_people_who_see_the_complainant_masked_cannot_find_complaints_by_who_made_them(
    team, bill, query
):
    # Top management and auditors review the handling, not the person (masking): searching by
    # the complainant's name or contacts must not tell them that such a complaint exists ...
    assert found(team, query) == [bill.reference]
    assert list(complaint_search(team.top, query)) == []
    assert list(complaint_search(team.auditor, query)) == []
    # ... while what they may read still finds it.
    assert list(complaint_search(team.top, "hoa don dien")) == [bill]
    assert list(complaint_search(team.auditor, bill.reference)) == [bill]


def test_a_word_may_come_from_the_complaint_and_another_from_its_complainant(team, bill, other):
    assert found(team, "huong hoa don") == [bill.reference]
    assert list(complaint_search(team.top, "huong hoa don")) == []


def test_the_migration_moves_the_complainant_out_of_the_shared_search_text(team, bill):
    import importlib

    from django.apps import apps

    from redress.complaints.models import Complaint

    migration = importlib.import_module("redress.complaints.migrations.0005_search_personal")
    # A row as the earlier intake wrote it: everything in one column.
    Complaint.objects.filter(pk=bill.pk).update(
        search_text=f"{bill.reference.lower()} dang thi huong huong.dang@example.vn 0912345678 hoa don",
        search_personal="",
    )
    migration.refold(apps)
    bill.refresh_from_db()
    assert "huong" not in bill.search_text and "hoa don tinh sai tien dien" in bill.search_text
    assert bill.search_personal == "dang thi huong huong.dang@example.vn 0912345678 0912345678"


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="the trigram index exists on PostgreSQL only")
def test_postgres_serves_the_complainants_text_from_its_own_trigram_index(team, bill):
    from redress.complaints.models import Complaint

    queryset = Complaint.objects.filter(search_personal__contains="huong")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "complaint_personal_trgm" in plan
