"""Search ignores case and Vietnamese diacritics, on SQLite and PostgreSQL alike."""

import pytest
from django.conf import settings
from django.db import connection

from redress.complaints.models import Complainant
from redress.complaints.search import complaint_search, search_terms
from redress.complaints.testing import make_team, receive
from redress.core.testing import ComplainantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def bill(team):
    person = ComplainantFactory(full_name="Đặng Thị Hương", email="huong.dang@example.vn", phone="0912345678")
    return receive(
        team,
        complainant=person,
        subject="Hóa đơn tính sai tiền điện",
        description="Tháng này công ty tính phí gấp đôi.",
    ).complaint


@pytest.fixture
def other(team):
    return receive(team, subject="Giao hàng trễ hẹn", description="Đơn hàng chưa đến sau mười ngày.").complaint


def found(team, query):
    return [c.reference for c in complaint_search(team.handler, query)]


@pytest.mark.parametrize(
    "query",
    ["hoa don", "HÓA ĐƠN", "Hoá đơn", "tinh sai", "dien", "dang thi huong", "Đặng Hương", "huong.dang@example",
     "0912 345 678", "0912.345.678", "0912345678", "345", "gap doi"],
)
def test_finds_accented_text_with_any_spelling(team, bill, other, query):
    assert found(team, query) == [bill.reference]


def test_every_word_must_match(team, bill, other):
    assert found(team, "hoa don giao") == []
    assert found(team, "giao") == [other.reference]


def test_reference_matches_exactly_in_any_case(team, bill, other):
    assert found(team, bill.reference.lower()) == [bill.reference]


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
    from redress.complaints.services import complainant_get_or_create

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
