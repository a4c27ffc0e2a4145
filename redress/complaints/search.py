"""One search box for staff: reference, complainant name, phone, email, or words of the subject
and description, ignoring case and Vietnamese diacritics ("hoa don" finds "Hóa đơn").

``Complaint.search_text`` holds that text already folded (``core.text.fold``), so the query is a
plain ``LIKE '%word%'`` per word on every database; on PostgreSQL a trigram GIN index
(migration ``complaints.0003_search_trigram``) serves it. Results start from the visibility gate.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User
from redress.core.text import fold

MAX_TERMS = 8
MIN_TERM = 2
_REFERENCE = re.compile(r"^[A-Za-z]{1,8}-\d{4}-\d{1,9}$")
_PHONE_CHARS = re.compile(r"[\s().+-]")


def search_terms(query: str) -> list[str]:
    """The folded words of a query that are long enough to search for (at most ``MAX_TERMS``)."""
    terms = [term for term in fold(query).split() if len(term) >= MIN_TERM]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def looks_like_reference(query: str) -> bool:
    return bool(_REFERENCE.match(query.strip()))


def complaint_search(user: User, query: str) -> QuerySet[Complaint]:
    """The complaints visible to ``user`` that match every word of ``query`` (newest first).

    A full reference matches exactly; a phone number typed with spaces or dots also matches the
    same digits written together.
    """
    text = query.strip()[:200]
    visible = complaints_visible_to(user)
    if looks_like_reference(text):
        return visible.filter(reference=text.upper()).order_by("-received_at", "-pk")
    terms = search_terms(text)
    if not terms:
        return visible.none()
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    digits = _PHONE_CHARS.sub("", text)
    if digits.isdigit() and len(digits) >= 6 and digits not in terms:
        condition |= Q(search_text__contains=digits)
    return visible.filter(condition).order_by("-received_at", "-pk")
