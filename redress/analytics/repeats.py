"""Repeat complainants (``repeat_complainant_pct``, docs/kpis.md) counted over an index.

The definition (``measures.repeat_counts``) looks, for each complaint of the period, for another
of the same complainant within 90 days: a search per complaint, and a count of people, which
does not add up day by day. Put each complainant's complaints in order of receipt (then id):

- a complaint has another within 90 days when the one before or the one after it does (the
  nearest either side); call it *near*;
- the complainants of a period are its complaints whose complainant's previous complaint was
  received before the period (each complainant's first complaint in it): the period's
  complaints less those whose previous complaint falls in the period;
- the complainants who came back are, likewise, the period's near complaints less those whose
  previous near complaint falls in the period (each complainant's first near one in it).

``ComplaintRepeat`` keeps, per complaint, the time of the previous complaint, whether it is near
and the time of the previous near one, so that each figure is a count over an index range. They
depend only on who complained when, which never changes once received: they are rewritten for a
complainant when one of their complaints is received (``repeat_links_refresh``, in the receipt's
transaction, the complainant locked), for the complainants of an import, and for everyone by the
rollup's rebuild (``repeat_links_rebuild``).

The counts are over every complaint, so they answer a cohort that is the whole register's
period: no filter, and a person who sees every complaint. The complaints such a person may not
see (about themselves, or restricted) change the answer only for their complainants: those are
counted from the register by the definition and the index counts leave them out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from redress.analytics.cohort import Cohort
from redress.analytics.measures import REPEAT_WINDOW, repeat_counts
from redress.analytics.models import ComplaintRepeat
from redress.complaints.models import Complainant, Complaint
from redress.complaints.selectors import VisibleScope, visible_scope
from redress.core.models import OrgUnit
from redress.core.writes import writes_keep, writes_kept

BATCH = 5000

# (complainant id, complaint id, received at), in order of complainant, receipt and id.
Receipt = tuple[int, int, dt.datetime]


def repeat_links(receipts: Iterable[Receipt]) -> Iterator[ComplaintRepeat]:
    """The link of every complaint, from the receipts of whole complainants, in order."""
    for complainant_id, chain in itertools.groupby(receipts, key=lambda receipt: receipt[0]):
        times = [(pk, at) for _complainant, pk, at in chain]
        previous_near = None
        for i, (pk, at) in enumerate(times):
            previous = times[i - 1][1] if i else None
            following = times[i + 1][1] if i + 1 < len(times) else None
            near = (previous is not None and at - previous <= REPEAT_WINDOW) or (
                following is not None and following - at <= REPEAT_WINDOW
            )
            yield ComplaintRepeat(
                complaint_id=pk,
                complainant_id=complainant_id,
                received_at=at,
                previous_at=previous,
                near_another=near,
                previous_near_at=previous_near,
            )
            if near:
                previous_near = at


def _receipts(complaints: QuerySet[Complaint] | None = None) -> Iterator[Receipt]:
    queryset = Complaint.objects.all() if complaints is None else complaints
    rows = queryset.order_by("complainant_id", "received_at", "pk").values_list(
        "complainant_id", "pk", "received_at"
    )
    return rows.iterator(chunk_size=BATCH)  # type: ignore[no-any-return]


def _write(links: Iterator[ComplaintRepeat]) -> int:
    written = 0
    while batch := list(itertools.islice(links, BATCH)):
        ComplaintRepeat.objects.bulk_create(batch)
        written += len(batch)
    return written


@transaction.atomic
def repeat_links_refresh(complainant_ids: Iterable[int]) -> None:
    """Rewrite the links of these complainants' complaints (after some were received). Their
    rows are locked first, so that two receipts for the same person write one after the other."""
    ids = sorted(set(complainant_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        list(
            Complainant.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ComplaintRepeat.objects.filter(complainant_id__in=chunk).delete()
        _write(repeat_links(_receipts(Complaint.objects.filter(complainant_id__in=chunk))))


# The links in one statement, for PostgreSQL (whose interval arithmetic is exact): every link
# of every complainant (the rebuild: at 1,000,000 complaints, seconds instead of the minutes it
# takes to send the rows from Python), or one complainant's after a receipt (a receipt only adds
# a complaint, so each of their links is written again over the one it replaces). Parameters:
# the window twice, then (one complainant) their id.
LINKS_SQL = """
INSERT INTO {{links}} (complaint_id, complainant_id, received_at, previous_at, near_another,
                     previous_near_at)
SELECT id, complainant_id, received_at, previous_at, near_another,
       MAX(CASE WHEN near_another THEN received_at END) OVER (
           PARTITION BY complainant_id ORDER BY received_at, id
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
FROM (
    SELECT id, complainant_id, received_at, previous_at,
           COALESCE(received_at - previous_at <= %s, FALSE)
           OR COALESCE(next_at - received_at <= %s, FALSE) AS near_another
    FROM (
        SELECT id, complainant_id, received_at,
               LAG(received_at) OVER w AS previous_at, LEAD(received_at) OVER w AS next_at
        FROM {{complaints}}{where}
        WINDOW w AS (PARTITION BY complainant_id ORDER BY received_at, id)
    ) AS ordered
) AS judged{conflict}
"""
RECEIPT_SQL = LINKS_SQL.format(
    where=" WHERE complainant_id = %s",
    conflict="""
WHERE TRUE
ON CONFLICT (complaint_id) DO UPDATE SET
    received_at = EXCLUDED.received_at, previous_at = EXCLUDED.previous_at,
    near_another = EXCLUDED.near_another, previous_near_at = EXCLUDED.previous_near_at""",
)
REBUILD_SQL = LINKS_SQL.format(where="", conflict="")


def repeat_links_receive(complainant_id: int) -> None:
    """The links of a complainant one of whose complaints was just received, with their row
    locked in the caller's transaction (``complainant_get_or_create``; a new complainant is seen by
    nobody else yet). On PostgreSQL one statement, kept for the receipt's combined write
    (``core.writes``) when one is open; elsewhere as ``repeat_links_refresh``."""
    if connection.vendor != "postgresql":
        repeat_links_refresh([complainant_id])
        return
    quote = connection.ops.quote_name
    sql = RECEIPT_SQL.format(
        links=quote(ComplaintRepeat._meta.db_table), complaints=quote(Complaint._meta.db_table)
    )
    params: list[Any] = [REPEAT_WINDOW, REPEAT_WINDOW, complainant_id]
    if writes_kept():
        writes_keep(ComplaintRepeat, sql, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def repeat_links_rebuild() -> int:
    """Rewrite every link from the register; the number written."""
    ComplaintRepeat.objects.all().delete()
    if connection.vendor != "postgresql":
        return _write(repeat_links(_receipts()))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            REBUILD_SQL.format(
                links=quote(ComplaintRepeat._meta.db_table),
                complaints=quote(Complaint._meta.db_table),
            ),
            [REPEAT_WINDOW, REPEAT_WINDOW],  # type: ignore[list-item]
        )
        return int(cursor.rowcount)


def _sees_every_unit(scope: VisibleScope) -> bool:
    """Top management and auditors, or the complaints managers of every top-level unit."""
    return scope.everything or not OrgUnit.objects.exclude(pk__in=scope.units).exists()


def repeat_linked(cohort: Cohort, *, volume: int) -> dict[str, int] | None:
    """``measures.repeat_counts`` of the cohort from the links, given its number of complaints
    (``volume``, read from the rollup); None when the links do not answer it (a filter, or a
    person who does not see every complaint)."""
    if cohort.filters.as_query():
        return None
    scope = visible_scope(cohort.user) if cohort.user is not None else None
    if scope is not None and (scope.nothing or not _sees_every_unit(scope)):
        return None
    start, end = cohort.period.bounds(cohort.zone)
    # The complainants with a complaint the person may not see, near enough to the period to
    # matter: counted by the definition, and left out of the index counts.
    apart: list[int] = []
    if scope is not None and scope.hidden is not None:
        apart = sorted(
            set(
                Complaint.objects.filter(
                    scope.hidden,
                    received_at__gte=start - REPEAT_WINDOW,
                    received_at__lte=end + REPEAT_WINDOW,
                ).values_list("complainant_id", flat=True)
            )
        )
    links = ComplaintRepeat.objects.exclude(complainant_id__in=apart)
    returned = links.filter(previous_at__gte=start, previous_at__lt=end, received_at__lt=end)
    near = links.filter(near_another=True, received_at__gte=start, received_at__lt=end)
    near_returned = links.filter(
        near_another=True,
        previous_near_at__gte=start,
        previous_near_at__lt=end,
        received_at__lt=end,
    )
    found = {
        "complainants": volume - returned.count(),
        "repeat": near.count() - near_returned.count(),
    }
    if apart:
        theirs = cohort.complaints.filter(complainant_id__in=apart)
        counted = repeat_counts(theirs, cohort.visible.filter(complainant_id__in=apart))
        found["complainants"] += counted["complainants"] - theirs.count()
        found["repeat"] += counted["repeat"]
    return found


def repeat_narrowed(cohort: Cohort) -> dict[str, int]:
    """``measures.repeat_counts`` of a cohort the links do not answer exactly (a filter, or a
    person who sees part of the register), searching only from the complaints linked as near.

    A complaint with another of its complainant's within 90 days among those the person sees
    (within the filters) has one among all the complaints, so the nearest either side is within
    90 days too: it is *near*. The search per complaint of the definition therefore runs over
    the cohort's near complaints only, not the period's, with the same answer."""
    near = ComplaintRepeat.objects.filter(complaint_id=OuterRef("pk"), near_another=True)
    complainants = cohort.complaints.aggregate(found=Count("complainant_id", distinct=True))[
        "found"
    ]
    candidates = cohort.complaints.filter(Exists(near))
    return {
        "complainants": complainants,
        "repeat": repeat_counts(candidates, cohort.visible)["repeat"],
    }
