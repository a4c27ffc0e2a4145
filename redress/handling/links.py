"""Duplicates and related complaints (ISO 10002 7.2): the possible duplicates intake found, kept
as links, and what a person decides about them — the two are related (``complaint_link``), they
are not the same (``complaint_dismiss_duplicate``), or this complaint repeats the other and is
closed into it (``complaint_merge``).

One ``ComplaintLink`` row stands for a pair of complaints, whichever side acts: a decision
changes the row's kind. The other complaint is found through the actor's visibility gate, so a
person can link only complaints they may see. Merging loses nothing the complainant sent: the
merged complaint keeps its messages and files, reachable from the surviving complaint's link,
and its portal page names the surviving complaint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint, ComplaintLink, LinkKind, Status
from redress.complaints.selectors import complaints_visible_to
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.handling.kernel import act, require


def possible_duplicates_record(
    complaint: Complaint, others: Sequence[Complaint], *, found_by: str, at: dt.datetime
) -> None:
    """Keep each complaint intake found as a possible duplicate of ``complaint`` (a pair
    already linked keeps its link)."""
    if not others:
        return
    existing = set(
        ComplaintLink.objects.filter(other=complaint).values_list("complaint_id", flat=True)
    )
    ComplaintLink.objects.bulk_create(
        [
            ComplaintLink(
                complaint=complaint,
                other=other,
                kind=LinkKind.POSSIBLE_DUPLICATE,
                found_by=found_by[:150],
                found_at=at,
            )
            for other in others
            if other.pk != complaint.pk and other.pk not in existing
        ],
        ignore_conflicts=True,
    )


def link_between(a: Complaint, b: Complaint) -> ComplaintLink | None:
    """The row of the pair, whichever way it was written."""
    return (
        ComplaintLink.objects.select_for_update()
        .filter(Q(complaint=a, other=b) | Q(complaint=b, other=a))
        .first()
    )


def _other(actor: Actor, complaint: Complaint, reference: str) -> Complaint:
    """The other complaint, by reference, among those the actor may see (unknown and hidden
    look alike)."""
    require({"other": reference})
    seen = Complaint.objects.all() if actor.user is None else complaints_visible_to(actor.user)
    found = seen.filter(reference=reference.strip().upper()).first()
    if found is None:
        message = _("There is no complaint “%(reference)s” you may see.") % {
            "reference": reference.strip()[:40]
        }
        raise ValidationFailed(message, fields={"other": [message]})
    if found.pk == complaint.pk:
        message = _("Choose another complaint than this one.")
        raise ValidationFailed(message, fields={"other": [message]})
    return found


def _decide(
    link: ComplaintLink | None,
    *,
    complaint: Complaint,
    other: Complaint,
    kind: str,
    actor: Actor,
    now: dt.datetime,
) -> ComplaintLink:
    if link is not None and link.kind == LinkKind.MERGED_INTO:
        raise Conflict(
            _("One of these complaints was merged into the other."), code="already_merged"
        )
    if link is None:
        link = ComplaintLink(complaint=complaint, other=other, found_by=actor.label, found_at=now)
    if kind == LinkKind.MERGED_INTO:
        # The row reads: ``complaint`` merged into ``other``.
        link.complaint, link.other = complaint, other
    link.kind = kind
    link.resolved_by = actor.user
    link.resolved_at = now
    link.save()
    return link


def _data(other: Complaint, note: str) -> dict[str, Any]:
    return {"other": other.reference, **({"note": note.strip()} if note.strip() else {})}


@transaction.atomic
def complaint_link(*, complaint: Complaint, actor: Actor, other: str, note: str = "") -> Complaint:
    """Mark this complaint and ``other`` (a reference) as related: both list the link. A
    suggested duplicate becomes related; refused (409) for a merged pair, and (422) for a
    complaint the actor may not see or this complaint itself."""

    def change(c: Complaint) -> dict[str, Any]:
        target = _other(actor, c, other)
        _decide(
            link_between(c, target),
            complaint=c,
            other=target,
            kind=LinkKind.RELATED,
            actor=actor,
            now=timezone.now(),
        )
        return _data(target, note)

    return act(complaint, actor, Action.LINK, change)


@transaction.atomic
def complaint_dismiss_duplicate(
    *, complaint: Complaint, actor: Actor, other: str, note: str = ""
) -> Complaint:
    """Say that ``other`` is not a duplicate of this complaint (nor related): the suggestion
    leaves the workspace's list and is not made again for the pair. Refused (422) when the two
    are not linked, (409) when they were merged."""

    def change(c: Complaint) -> dict[str, Any]:
        target = _other(actor, c, other)
        link = link_between(c, target)
        if link is None:
            message = _("These complaints are not linked.")
            raise ValidationFailed(message, fields={"other": [message]})
        _decide(
            link,
            complaint=c,
            other=target,
            kind=LinkKind.NOT_DUPLICATE,
            actor=actor,
            now=timezone.now(),
        )
        return _data(target, note)

    return act(complaint, actor, Action.DISMISS_DUPLICATE, change)


@transaction.atomic
def complaint_merge(*, complaint: Complaint, actor: Actor, other: str, note: str = "") -> Complaint:
    """This complaint repeats ``other`` (a reference): it is closed as merged into it, and the
    complainant is told which complaint goes on (``effects``). Its messages and files stay on
    it, reachable from the surviving complaint. Refused (409) when the surviving complaint is
    closed or itself merged into another; (422) as ``complaint_link``."""

    def change(c: Complaint) -> dict[str, Any]:
        target = _other(actor, c, other)
        # Locked too, so that the two cannot be merged into each other at once.
        survivor = Complaint.objects.select_for_update().get(pk=target.pk)
        if survivor.status == Status.CLOSED:
            raise Conflict(
                _("Complaint %(reference)s is closed; merge into an open complaint.")
                % {"reference": survivor.reference},
                code="survivor_closed",
            )
        now = timezone.now()
        _decide(
            link_between(c, survivor),
            complaint=c,
            other=survivor,
            kind=LinkKind.MERGED_INTO,
            actor=actor,
            now=now,
        )
        c.closed_at = now
        c.closure_note = note.strip() or _("Merged into %(reference)s.") % {
            "reference": survivor.reference
        }
        c.paused_at = None
        c.pause_reason = ""
        return _data(survivor, note)

    return act(complaint, actor, Action.MERGE, change)
