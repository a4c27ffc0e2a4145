"""Similar complaints: for a complaint, or for what a clerk has typed so far, the most similar
open or recent complaints the person may see, by the likeness of their text
(``complaints.likeness``: TF-IDF cosine of character n-grams of the folded text), raised when
they share the complainant, the order reference or the product. Read through the visibility
gate; bounded (``CANDIDATES`` newest candidates).

The same measure finds the possible duplicates at intake (``complaints.duplicates``: the same
person or order and a like text) and the clusters proposed as systemic issues
(``triage.clusters``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from redress.complaints.likeness import comparable, likeness_to
from redress.complaints.models import OPEN_STATUSES, Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User

CANDIDATES = 300
RECENT = dt.timedelta(days=90)
SHOWN = 8
# Below this text similarity a complaint is shown only for a shared complainant or order.
MIN_SIMILARITY = 0.25
_BONUS = {"complainant": 0.3, "order": 0.3, "product": 0.1}


@dataclass
class Similar:
    complaint: Complaint
    similarity: float
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def similar_complaints(
    user: User,
    *,
    subject: str,
    description: str,
    exclude_pk: int | None = None,
    complainant_id: int | None = None,
    product_id: int | None = None,
    order_ref: str = "",
    limit: int = SHOWN,
) -> list[Similar]:
    """The ``limit`` most similar complaints, best first, each with its text similarity and
    what else it shares (``complainant``, ``order``, ``product``). Two queries."""
    text = comparable(subject, description)
    if not text.strip():
        return []
    since = timezone.now() - RECENT
    wanted = Q(status__in=OPEN_STATUSES) | Q(received_at__gte=since)
    if complainant_id:
        wanted |= Q(complainant_id=complainant_id)
    if order_ref.strip():
        wanted |= Q(order_ref=order_ref.strip())
    candidates = list(
        complaints_visible_to(user)
        .filter(wanted)
        .exclude(pk=exclude_pk or 0)
        .only(
            "pk",
            "reference",
            "subject",
            "description",
            "status",
            "received_at",
            "complainant_id",
            "product_id",
            "order_ref",
        )
        .order_by("-received_at", "-pk")[:CANDIDATES]
    )
    if not candidates:
        return []
    scores = likeness_to(text, [comparable(c.subject, c.description) for c in candidates])
    found = []
    for candidate, similarity in zip(candidates, scores, strict=True):
        reasons = []
        if complainant_id and candidate.complainant_id == complainant_id:
            reasons.append("complainant")
        if order_ref.strip() and candidate.order_ref == order_ref.strip():
            reasons.append("order")
        if product_id and candidate.product_id == product_id:
            reasons.append("product")
        strong = {"complainant", "order"} & set(reasons)
        if similarity < MIN_SIMILARITY and not strong:
            continue
        score = float(similarity) + sum(_BONUS[r] for r in reasons)
        found.append(Similar(candidate, float(similarity), reasons, score))
    found.sort(key=lambda s: (-s.score, -s.complaint.received_at.timestamp()))
    return found[:limit]


def similar_to_complaint(user: User, complaint: Complaint) -> list[Similar]:
    return similar_complaints(
        user,
        subject=complaint.subject,
        description=complaint.description,
        exclude_pk=complaint.pk,
        complainant_id=complaint.complainant_id,
        product_id=complaint.product_id,
        order_ref=complaint.order_ref,
    )
