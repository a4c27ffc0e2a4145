"""Possible duplicates at intake (ISO 10002 7.2, REQ-7.2-2): within 30 days, a complaint of the
same complainant (email or phone) with a similar subject, or of the same complainant or about
the same order or contract reference whose text (subject and description) is like this one's
by the measure of triage's similar complaints (``complaints.likeness``). Intake only suggests
them (as links, see ``models.ComplaintLink``); a person links, dismisses or merges
(``handling.links``). A like text from another person about another order is not a duplicate:
it is a pattern, which triage proposes as a systemic issue (``triage.clusters``).

``complaint_duplicates`` asks for one complaint being received; ``duplicates_in_bulk`` applies
the same rule to a whole import at once."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils import timezone

from redress.complaints.likeness import comparable, likeness_to
from redress.complaints.models import Complainant, Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User
from redress.core.text import fold

WINDOW = dt.timedelta(days=30)
SIMILAR = 0.5
# Subject and description this alike (``complaints.likeness``), with the same person or order.
LIKE_TEXT = 0.5
CANDIDATES = 50
PEOPLE = 20  # complainant rows with the same email or phone (different names, typos)


def subject_similarity(a: str, b: str) -> float:
    """0..1: the larger of word overlap (Jaccard) and character similarity, on folded text."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    wa, wb = set(fa.split()), set(fb.split())
    jaccard = len(wa & wb) / len(wa | wb)
    return max(jaccard, SequenceMatcher(None, fa, fb).ratio())


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def complaint_duplicates(
    user: User | None,
    *,
    email: str = "",
    phone: str = "",
    subject: str = "",
    description: str = "",
    order_ref: str = "",
    now: dt.datetime | None = None,
) -> list[Complaint]:
    """Complaints the user can see (all of them for ``None``: a channel receiving without a
    person) that may be the same as the one being logged, most alike first: of the same person
    with a similar subject (``SIMILAR``), or of the same person or order with a like text
    (``LIKE_TEXT``)."""
    now = now or timezone.now()
    if not subject.strip():
        return []
    same_person = Q()
    if email.strip():
        same_person |= Q(email__iexact=email.strip())
    if len(_digits(phone)) >= 6:
        same_person |= Q(phone=phone.strip()) | Q(phone=_digits(phone))
    # The person first, through the complainant's own indexes (email ignoring case, phone); then
    # only their complaints, and those about the same order (its own index). Every intake asks
    # this, and most complainants are new: small queries, whatever the size of the register.
    people = (
        list(Complainant.objects.filter(same_person).values_list("pk", flat=True)[:PEOPLE])
        if same_person
        else []
    )
    wanted = Q(complainant_id__in=people) if people else Q()
    if order_ref.strip():
        wanted |= Q(order_ref=order_ref.strip())
    if not wanted:
        return []
    candidates = list(
        (Complaint.objects.all() if user is None else complaints_visible_to(user))
        .filter(wanted, received_at__gte=now - WINDOW)
        .select_related("complainant", "owner")
        .order_by("-received_at")[:CANDIDATES]
    )
    if not candidates:
        return []
    alike = likeness_to(
        comparable(subject, description), [comparable(c.subject, c.description) for c in candidates]
    )
    scored = []
    for candidate, text_likeness in zip(candidates, alike, strict=True):
        subject_likeness = (
            subject_similarity(subject, candidate.subject)
            if candidate.complainant_id in people
            else 0.0
        )
        if subject_likeness >= SIMILAR or text_likeness >= LIKE_TEXT:
            scored.append((max(subject_likeness, text_likeness), candidate))
    return [c for _score, c in sorted(scored, key=lambda pair: -pair[0])]


# --------------------------------------------------------------------------------------------
# Many complaints at once (bulk import): the same rule, set-based


def person_keys(email: str, phone: str) -> list[tuple[str, str]]:
    """What two complaints of the same person share: the email ignoring case, the phone's
    digits (at least six, as for one complaint)."""
    keys = []
    if email.strip():
        keys.append(("email", email.strip().lower()))
    digits = _digits(phone)
    if len(digits) >= 6:
        keys.append(("phone", digits))
    return keys


@dataclass(frozen=True)
class Item:
    """A complaint as the bulk rule compares it: ``ref`` is a stored complaint's id or a new
    row's position, ``stored`` says which."""

    ref: int
    stored: bool
    keys: tuple[tuple[str, str], ...]
    subject: str
    at: dt.datetime


def duplicates_in_bulk(new: Sequence[Item], stored: Sequence[Item]) -> list[tuple[Item, Item]]:
    """(new item, item it may repeat) for every new item: the same rule as
    ``complaint_duplicates`` (same person, similar subject, within ``WINDOW`` of each other),
    against the stored complaints and the new items before it. Each new item is compared with at
    most ``CANDIDATES`` of the same person nearest in time, so the work grows with the number of
    items, not its square, whatever one person sent."""
    by_key: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in [*stored, *new]:
        for key in item.keys:
            by_key[key].append(item)
    order = {id(item): position for position, item in enumerate(new)}
    for items in by_key.values():
        items.sort(key=lambda item: item.at)
    times = {key: [item.at for item in items] for key, items in by_key.items()}
    pairs: list[tuple[Item, Item]] = []
    for position, item in enumerate(new):
        seen: set[int] = set()
        candidates: list[Item] = []
        for key in item.keys:
            items = by_key[key]
            low = bisect_left(times[key], item.at - WINDOW)
            high = bisect_right(times[key], item.at + WINDOW)
            window = items[low:high]
            if len(window) > CANDIDATES:
                window = sorted(window, key=lambda other: abs(other.at - item.at))[:CANDIDATES]
            for other in window:
                if other is item or id(other) in seen:
                    continue
                # Among new items, the later in the file repeats the earlier one.
                if not other.stored and order[id(other)] > position:
                    continue
                seen.add(id(other))
                candidates.append(other)
        pairs.extend(
            (item, other)
            for other in candidates
            if subject_similarity(item.subject, other.subject) >= SIMILAR
        )
    return pairs
