"""Complaint references (KN-2026-000123) and secret tracking codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import zoneinfo
from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.db import connection

from redress.complaints.models import Complaint, ReferenceCounter
from redress.complaints.rules import reference_format, reference_year

# No 0/O, 1/I/L: codes are read aloud on the phone and typed on small screens.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def reference_next(*, prefix: str, received_at: dt.datetime, time_zone: str) -> str:
    """The next reference of the year the complaint was received in (organisation's time).

    Must run inside the intake transaction: the counter row stays locked until commit, so two
    intakes never share a number, and a rolled-back intake gives its number back.
    """
    year = reference_year(received_at, time_zone)
    # One statement takes the number: it creates the year's counter or moves it on, and the row
    # it writes stays locked until commit (a SELECT … FOR UPDATE and an UPDATE did the same in
    # two round trips, at every intake).
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("year", "last") VALUES (%s, 1) '  # noqa: S608 (the model's table)
            f'ON CONFLICT ("year") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [year],
        )
        (number,) = cursor.fetchone()
    return reference_format(prefix, year, number)


def references_reserve(
    *, prefix: str, received_at: Sequence[dt.datetime], time_zone: str
) -> list[str]:
    """The next references for many complaints at once, in the order given (the bulk paths).

    Each year's counter is locked as ``reference_next`` locks it, in year order (two bulk loads
    never wait for each other crosswise), and moved past all the numbers taken; the same rules
    hold: unique, gap-free, given back on rollback.
    """
    zone = zoneinfo.ZoneInfo(time_zone)
    years = [reference_year(at, zone) for at in received_at]
    following: dict[int, int] = {}
    for year, count in sorted(Counter(years).items()):
        counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        following[year] = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return _numbered(prefix, years, following)


def _numbered(prefix: str, years: Sequence[int], following: dict[int, int]) -> list[str]:
    references = []
    for year in years:
        references.append(reference_format(prefix, year, following[year]))
        following[year] += 1
    return references


def reference_counters() -> dict[int, int]:
    """Each year's last number taken."""
    return dict(ReferenceCounter.objects.values_list("year", "last"))


def references_planned(
    *, prefix: str, received_at: Sequence[dt.datetime], time_zone: str, last: dict[int, int]
) -> list[str]:
    """The references ``references_reserve`` gives ``received_at`` while the counters stand
    at ``last`` (``reference_counters``), which this moves past them as the reservation would:
    a bulk load working its references out ahead (the seed, before its rows are generated
    elsewhere) and reserving them later, in the same order, checks it got the same."""
    zone = zoneinfo.ZoneInfo(time_zone)
    years = [reference_year(at, zone) for at in received_at]
    following = {year: last.get(year, 0) + 1 for year in set(years)}
    for year, count in Counter(years).items():
        last[year] = last.get(year, 0) + count
    return _numbered(prefix, years, following)


def tracking_code_new() -> str:
    """12 random symbols (about 59 bits), shown as ABCD-EFGH-JKMN."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def tracking_code_hash(reference: str, code: str) -> str:
    # A keyed hash: the code has enough entropy that a slow password hash is not needed, and
    # intake stays fast. Guessing is stopped by the portal's rate limit.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{reference}:{_normalise(code)}".encode(), hashlib.sha256).hexdigest()


def tracking_code_matches(complaint: Complaint, code: str) -> bool:
    return hmac.compare_digest(
        complaint.tracking_code_hash, tracking_code_hash(complaint.reference, code)
    )
