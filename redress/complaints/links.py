"""Reads of the links between complaints (possible duplicates, related, merged; written by
intake and ``handling.links``): what a person may see of them, in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from redress.complaints.models import Complaint, ComplaintLink, LinkKind
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import User

# What the workspace and the API list; a dismissed suggestion is left out.
SHOWN = (LinkKind.POSSIBLE_DUPLICATE, LinkKind.RELATED, LinkKind.MERGED_INTO)


@dataclass(frozen=True)
class LinkView:
    """One link as seen from ``complaint``: the other complaint, and how they are linked."""

    link: ComplaintLink
    other: Complaint
    # possible_duplicate, related, merged_into (this one into the other) or merged_from.
    relation: str

    @property
    def kind(self) -> str:
        return self.link.kind


def complaint_links(user: User, complaint: Complaint) -> list[LinkView]:
    """The complaint's links whose other complaint ``user`` may see (through the one
    visibility gate), newest first: one query, whatever the number of links."""
    visible = complaints_visible_to(user).values("pk")
    rows = (
        ComplaintLink.objects.filter(kind__in=SHOWN)
        .filter(
            Q(complaint=complaint, other__in=visible) | Q(other=complaint, complaint__in=visible)
        )
        .select_related("complaint__complainant", "other__complainant")
        .order_by("-found_at", "-pk")
    )
    views = []
    for row in rows:
        outgoing = row.complaint_id == complaint.pk
        relation = row.kind
        if row.kind == LinkKind.MERGED_INTO and not outgoing:
            relation = "merged_from"
        views.append(LinkView(row, row.other if outgoing else row.complaint, relation))
    return views


def merged_into(complaint: Complaint) -> Complaint | None:
    """The complaint this one was merged into, if it was."""
    link = (
        ComplaintLink.objects.filter(complaint=complaint, kind=LinkKind.MERGED_INTO)
        .select_related("other")
        .first()
    )
    return link.other if link is not None else None
