"""Possible duplicates at intake (ISO 10002 7.2, REQ-7.2-2): the same complainant (email or
phone) with a similar subject in the last 30 days. Duplicates are suggested, never merged."""

from __future__ import annotations

import datetime as dt
import re
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils import timezone

from redress.complaints.models import Complainant, Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User
from redress.core.text import fold

WINDOW = dt.timedelta(days=30)
SIMILAR = 0.5
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
    now: dt.datetime | None = None,
) -> list[Complaint]:
    """Complaints the user can see (all of them for ``None``: a channel receiving without a
    person) that may be the same as the one being logged, most similar first."""
    now = now or timezone.now()
    if not subject.strip():
        return []
    same_person = Q()
    if email.strip():
        same_person |= Q(email__iexact=email.strip())
    if len(_digits(phone)) >= 6:
        same_person |= Q(phone=phone.strip()) | Q(phone=_digits(phone))
    if not same_person:
        return []
    # The person first, through the complainant's own indexes (email ignoring case, phone); then
    # only their complaints. Every intake asks this, and most complainants are new: one small
    # query, whatever the size of the register.
    people = list(Complainant.objects.filter(same_person).values_list("pk", flat=True)[:PEOPLE])
    if not people:
        return []
    candidates = (
        (Complaint.objects.all() if user is None else complaints_visible_to(user))
        .filter(complainant_id__in=people, received_at__gte=now - WINDOW)
        .select_related("complainant", "owner")
        .order_by("-received_at")[:CANDIDATES]
    )
    scored = [(subject_similarity(subject, c.subject), c) for c in candidates]
    return [c for score, c in sorted(scored, key=lambda pair: -pair[0]) if score >= SIMILAR]
