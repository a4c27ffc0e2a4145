"""Possible duplicates of an import's rows (ISO 10002 7.2), found for the whole file at once:
the rule of intake (``complaints.duplicates``: the same person by email or phone, a similar
subject, within 30 days), against the complaints already stored and the file's earlier rows.

The stored complaints that may match are read in a few queries (by the file's emails and phones,
within the file's time span plus the window, through the complainant's indexes); the comparison
is ``duplicates_in_bulk``, which looks at a bounded number of candidates per row. The found
pairs are written by ``write`` as possible-duplicate links and on each row's receive event, as
``intake_receive`` does for one complaint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Upper

from redress.complaints.duplicates import WINDOW, Item, duplicates_in_bulk, person_keys
from redress.complaints.models import Complainant, Complaint
from redress.intake.importing.check import CheckedRow

LOOKUP = 5000  # values per query


@dataclass(frozen=True)
class Earlier:
    """What a row may repeat: a stored complaint (``complaint_id``, ``reference``) or an earlier
    row of the file (``position``)."""

    complaint_id: int | None = None
    reference: str = ""
    position: int | None = None


def rows_duplicates(
    rows: Sequence[CheckedRow], received: Sequence[dt.datetime]
) -> dict[int, list[Earlier]]:
    """Row position → what it may repeat (rows with none are left out)."""
    new = [
        Item(
            ref=position,
            stored=False,
            keys=tuple(person_keys(row.values["email"], row.values["phone"])),
            subject=row.values["subject"][:300],
            at=at,
        )
        for position, (row, at) in enumerate(zip(rows, received, strict=True))
    ]
    searched = [item for item in new if item.keys and item.subject.strip()]
    if not searched:
        return {}
    # A phone is stored as given ("0912 345 678") or as digits: both spellings are looked up.
    phones = {rows[item.ref].values["phone"].strip() for item in searched}
    phones |= {value for item in searched for kind, value in item.keys if kind == "phone"}
    stored, references = _stored(searched, sorted(phones - {""}))
    found: dict[int, list[Earlier]] = {}
    for item, other in duplicates_in_bulk(searched, stored):
        earlier = (
            Earlier(complaint_id=other.ref, reference=references[other.ref])
            if other.stored
            else Earlier(position=other.ref)
        )
        found.setdefault(item.ref, []).append(earlier)
    return found


def _stored(items: Sequence[Item], phones: Sequence[str]) -> tuple[list[Item], dict[int, str]]:
    """The stored complaints of the rows' people within the rows' time span and the window."""
    emails = sorted(
        {value.upper() for item in items for kind, value in item.keys if kind == "email"}
    )
    start = min(item.at for item in items) - WINDOW
    end = max(item.at for item in items) + WINDOW
    people = Complainant.objects.annotate(email_upper=Upper("email"))
    filters = [
        Q(complainant__in=people.filter(email_upper__in=emails[i : i + LOOKUP]).values("pk"))
        for i in range(0, len(emails), LOOKUP)
    ]
    filters += [
        Q(complainant__in=Complainant.objects.filter(phone__in=phones[i : i + LOOKUP]).values("pk"))
        for i in range(0, len(phones), LOOKUP)
    ]
    stored: dict[int, Item] = {}
    references: dict[int, str] = {}
    for condition in filters:
        for pk, reference, subject, at, email, phone in Complaint.objects.filter(
            condition, received_at__gte=start, received_at__lte=end
        ).values_list(
            "pk", "reference", "subject", "received_at", "complainant__email", "complainant__phone"
        ):
            stored[pk] = Item(
                ref=pk, stored=True, keys=tuple(person_keys(email, phone)), subject=subject, at=at
            )
            references[pk] = reference
    return list(stored.values()), references
