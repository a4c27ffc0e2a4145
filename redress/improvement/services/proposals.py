"""Proposed systemic issues (ISO 10002 8.2, 4.7): a detector above improvement (triage's
clusters of similar complaints) proposes; a complaints manager or top management confirms,
which opens the systemic issue with the complaints named, or dismisses with a reason. Nothing
is opened by the proposal itself.

Improvement never imports its proposers: they call ``systemic_proposal_make``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import jsonable
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.improvement.models import (
    IssueSource,
    ProposalStatus,
    SystemicIssue,
    SystemicIssueComplaint,
    SystemicProposal,
)
from redress.improvement.models.systemic import OPEN_STATUSES
from redress.improvement.services.common import allowed, event_record, linkable_check, required
from redress.improvement.services.systemic import _open
from redress.improvement.transitions import Permission


def complaints_accounted_for(complaint_ids: Sequence[int]) -> set[int]:
    """Of ``complaint_ids``, those a person has already looked at as a pattern: named by a
    proposal (waiting, confirmed or dismissed) or linked to an open systemic issue."""
    proposed = SystemicProposal.complaints.through.objects.filter(
        complaint_id__in=complaint_ids
    ).values_list("complaint_id", flat=True)
    in_issues = SystemicIssueComplaint.objects.filter(
        complaint_id__in=complaint_ids, issue__status__in=OPEN_STATUSES
    ).values_list("complaint_id", flat=True)
    return set(proposed) | set(in_issues)


@transaction.atomic
def systemic_proposal_make(
    *,
    actor: Actor,
    title: str,
    complaints: Sequence[Complaint],
    at_least: int,
    evidence: Mapping[str, Any],
) -> SystemicProposal | None:
    """Propose a systemic issue for ``complaints`` when at least ``at_least`` of them are not
    yet accounted for (``complaints_accounted_for``); a proposal still waiting that names some
    of them takes the new ones instead (it grows while nobody has decided). Returns the
    proposal made or grown, or None. Nothing is opened; the proposal and its complaints are
    recorded (event and audit entry ``improvement.proposal_make``)."""
    ids = [c.pk for c in complaints]
    new = [pk for pk in ids if pk not in complaints_accounted_for(ids)]
    waiting_id = (
        SystemicProposal.objects.filter(status=ProposalStatus.PENDING, complaints__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    waiting = (
        SystemicProposal.objects.select_for_update()
        .filter(pk=waiting_id, status=ProposalStatus.PENDING)
        .first()
        if waiting_id is not None
        else None
    )
    if waiting is not None:
        if not new:
            return None
        waiting.complaints.add(*new)
        event_record(
            actor=actor,
            action="proposal_grow",
            target=waiting,
            label=waiting.reference,
            data={"complaints": new},
        )
        return waiting
    if len(new) < at_least:
        return None
    proposal = SystemicProposal.objects.create(
        title=title.strip()[:300],
        proposed_at=timezone.now(),
        proposed_by_label=actor.label[:150],
        evidence=jsonable(dict(evidence)),
    )
    proposal.complaints.add(*ids)
    event_record(
        actor=actor,
        action="proposal_make",
        target=proposal,
        label=proposal.reference,
        data={"complaints": ids, "evidence": dict(evidence)},
    )
    return proposal


def _pending(proposal: SystemicProposal) -> SystemicProposal:
    locked = SystemicProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise Conflict(
            _("This proposal was decided already (“%(status)s”).")
            % {"status": ProposalStatus(locked.status).label}
        )
    return locked


@transaction.atomic
def systemic_proposal_confirm(
    *, proposal: SystemicProposal, actor: Actor, title: str, is_significant: bool = False
) -> SystemicIssue:
    """Confirm a proposal (complaints managers, top management): open the systemic issue, with
    the proposal's complaints and its evidence, under ``title``. The person must see every
    complaint it names; a proposal already decided is refused (``Conflict``)."""
    allowed(actor, Permission.ISSUE_OPEN, unit_id=None)
    required({"title": title})
    locked = _pending(proposal)
    complaints = list(locked.complaints.order_by("received_at", "pk"))
    linkable_check(actor, complaints)
    issue = _open(
        actor=actor,
        title=title,
        source=IssueSource.SIMILAR,
        complaints=complaints,
        is_significant=is_significant,
        evidence={**locked.evidence, "proposal": locked.reference},
    )
    locked.status = ProposalStatus.CONFIRMED
    locked.issue = issue
    locked.decided_at = timezone.now()
    locked.decided_by = actor.user
    locked.save(update_fields=["status", "issue", "decided_at", "decided_by"])
    event_record(
        actor=actor,
        action="proposal_confirm",
        target=locked,
        label=locked.reference,
        issue=issue,
        data={"issue": issue.reference},
    )
    return issue


@transaction.atomic
def systemic_proposal_dismiss(
    *, proposal: SystemicProposal, actor: Actor, reason: str
) -> SystemicProposal:
    """Dismiss a proposal with a reason (complaints managers, top management). Its complaints
    are not proposed again; later similar complaints may be."""
    allowed(actor, Permission.ISSUE_OPEN, unit_id=None)
    required({"reason": reason})
    locked = _pending(proposal)
    locked.status = ProposalStatus.DISMISSED
    locked.reason = reason.strip()
    locked.decided_at = timezone.now()
    locked.decided_by = actor.user
    locked.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    event_record(
        actor=actor,
        action="proposal_dismiss",
        target=locked,
        label=locked.reference,
        data={"reason": locked.reason},
    )
    return locked
