"""The bulk writer: ids in row order, defaults filled, JSON kept, dates of historical rows kept
(PostgreSQL: COPY; SQLite: executemany; other databases: bulk_create)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from redress.core import bulk
from redress.core.bulk import bulk_insert
from redress.core.models import PeriodicClaim
from redress.intake.models import ImportBatch

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "original_name": "khiếu nại tháng 1.csv",
        "sha256": "a" * 64,
        "mapping": {"Họ tên": "full_name", "Email": "email"},
        "errors": [[5, "Họ tên", "required", {}]],
        "rows_total": 7,
    },
    {"original_name": "second.csv", "sha256": "b" * 64},
    {"original_name": "third.csv", "sha256": "c" * 64, "state": "imported"},
]


@pytest.fixture(params=["native", "bulk_create"])
def path(request, monkeypatch):
    """Each test runs on the database's own path and on the ``bulk_create`` fallback."""
    if request.param == "bulk_create":
        monkeypatch.setattr(bulk, "_WRITERS", {})
    return request.param


def test_ids_come_back_in_row_order(path):
    ids = bulk_insert(ImportBatch, ROWS)

    assert len(set(ids)) == 3
    assert [ImportBatch.objects.get(pk=pk).original_name for pk in ids] == [
        "khiếu nại tháng 1.csv",
        "second.csv",
        "third.csv",
    ]


def test_fields_left_out_take_their_defaults(path):
    _first, second, third = bulk_insert(ImportBatch, ROWS)

    batch = ImportBatch.objects.get(pk=second)
    assert (batch.state, batch.default_channel, batch.rows_total, batch.created_count) == (
        "uploaded",
        "api",
        0,
        0,
    )
    assert (batch.mapping, batch.errors, batch.file.name, batch.uploaded_by) == ({}, [], "", None)
    assert ImportBatch.objects.get(pk=third).state == "imported"


def test_json_columns_keep_their_values(path):
    first, _second, _third = bulk_insert(ImportBatch, ROWS)

    batch = ImportBatch.objects.get(pk=first)
    assert batch.mapping == {"Họ tên": "full_name", "Email": "email"}
    assert batch.errors == [[5, "Họ tên", "required", {}]]
    assert ImportBatch.objects.filter(mapping__Email="email").get().pk == first


def test_auto_now_fields_left_out_take_the_time_of_the_call(path):
    before = timezone.now()

    [pk] = bulk_insert(ImportBatch, ROWS[1:2])

    assert before <= ImportBatch.objects.get(pk=pk).created_at <= timezone.now()


@pytest.mark.parametrize("path", ["native"], indirect=True)
def test_auto_now_fields_given_are_kept(path):
    """Historical rows (the seed's complainants) keep their dates on PostgreSQL and SQLite."""
    then = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)

    [pk] = bulk_insert(ImportBatch, [{**ROWS[1], "created_at": then}])

    assert ImportBatch.objects.get(pk=pk).created_at == then


def test_ids_do_not_collide_with_rows_written_one_by_one(path):
    before = ImportBatch.objects.create(original_name="before.csv", sha256="d" * 64)

    ids = bulk_insert(ImportBatch, ROWS)
    after = ImportBatch.objects.create(original_name="after.csv", sha256="e" * 64)
    more = bulk_insert(ImportBatch, ROWS[:1])

    assert before.pk < min(ids) and max(ids) < after.pk < more[0]
    assert ImportBatch.objects.count() == 6


def test_ids_of_a_rolled_back_insert_are_not_visible(path):
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk_insert(ImportBatch, ROWS)
        raise RuntimeError

    assert not ImportBatch.objects.exists()
    assert len(bulk_insert(ImportBatch, ROWS)) == 3


def test_no_rows_write_nothing(path):
    assert bulk_insert(ImportBatch, []) == []
    assert not ImportBatch.objects.exists()


def test_a_table_of_plain_columns_keeps_its_values(path):
    # On PostgreSQL its columns (text, integers, timestamps) go in COPY's binary format.
    moment = dt.datetime(2027, 2, 6, 22, 59, 59, 123456, tzinfo=dt.UTC)
    rows = [
        {"name": "nhắc hạn\tđêm\\n", "period": 2**40, "claimed_by": "", "claimed_at": moment},
        {"name": "second", "claimed_at": None},
    ]
    ids = bulk_insert(PeriodicClaim, rows)

    found = PeriodicClaim.objects.filter(pk__in=ids).order_by("pk")
    assert list(found.values_list("name", "period", "claimed_by", "claimed_at")) == [
        ("nhắc hạn\tđêm\\n", 2**40, "", moment),
        ("second", -1, "", None),
    ]
