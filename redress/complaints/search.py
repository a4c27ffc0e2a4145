"""One search box for staff: reference, complainant name, phone, email, or words of the subject
and description, ignoring case and Vietnamese diacritics ("hoa don" finds "Hóa đơn").

``Complaint.search_text`` (reference, subject, description, order reference) and
``Complaint.search_personal`` (the complainant's name, organisation and contacts) hold that text
already folded (``core.text.fold``), so the query is a plain ``LIKE '%word%'`` per word on every
database; on PostgreSQL trigram GIN indexes serve it (migrations ``complaints.0003`` and
``0005``). Results start from the visibility gate, and the complainant's part is searched only
among the complaints whose complainant the person may see unmasked (``masking``): top
management and auditors, who review the handling and not the person, cannot find complaints by
who made them, and the person complained about cannot find them either.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from redress.complaints.masking import PersonalDataScope
from redress.complaints.models import Complaint
from redress.complaints.rules import (
    REFERENCE_PATTERN,
    complainant_search_text,
    complaint_search_text,
)
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User
from redress.core.text import fold

MAX_TERMS = 8
MIN_TERM = 2
_PHONE_CHARS = re.compile(r"[\s().+-]")


# PostgreSQL trigram indexes of the two searched columns (the seed drops and rebuilds them).
TRIGRAM_INDEXES = {
    "complaint_search_trgm": "search_text",
    "complaint_personal_trgm": "search_personal",
}


def search_texts(complaint: Complaint) -> tuple[str, str]:
    """``search_text`` and ``search_personal`` of a complaint, its complainant loaded (the
    rules in ``complaints.rules``, which the bulk paths call with their rows' values)."""
    person = complaint.complainant
    return (
        complaint_search_text(
            complaint.reference, complaint.subject, complaint.description, complaint.order_ref
        ),
        complainant_search_text(person.full_name, person.organisation, person.email, person.phone),
    )


def search_terms(query: str) -> list[str]:
    """The folded words of a query that are long enough to search for (at most ``MAX_TERMS``)."""
    terms = [term for term in fold(query).split() if len(term) >= MIN_TERM]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def looks_like_reference(query: str) -> bool:
    return bool(REFERENCE_PATTERN.match(query.strip()))


def complaint_search(user: User, query: str) -> QuerySet[Complaint]:
    """The complaints visible to ``user`` that match every word of ``query`` (newest first).

    A full reference matches exactly (something shaped like one that is not, such as an order
    number, is searched as text); a phone number typed with spaces or dots also matches the
    same digits written together.
    """
    text = query.strip()[:200]
    visible = complaints_visible_to(user)
    if looks_like_reference(text):
        exact = visible.filter(reference=text.upper())
        if exact.exists():
            return exact.order_by("-received_at", "-pk")
        # Not one of ours: an order or invoice number printed the same way ("HD-2026-88123")
        # is searched for as words.
    condition = search_condition(PersonalDataScope.for_user(user), text)
    if condition is None:
        return visible.none()
    return visible.filter(condition).order_by("-received_at", "-pk")


def search_condition(scope: PersonalDataScope, query: str) -> Q | None:
    """Every word found in the complaint's text, or in its complainant's where ``scope`` may see
    them; None when the query has no word long enough to search for."""
    terms = search_terms(query)
    if not terms:
        return None
    personal = scope.q()

    def found(term: str) -> Q:
        return Q(search_text__contains=term) | (personal & Q(search_personal__contains=term))

    condition = Q()
    for term in terms:
        condition &= found(term)
    digits = _PHONE_CHARS.sub("", query.strip())
    if digits.isdigit() and len(digits) >= 6 and digits not in terms:
        condition |= personal & Q(search_personal__contains=digits)
    return condition
