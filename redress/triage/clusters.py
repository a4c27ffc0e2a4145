"""Clusters of similar recent complaints, proposed as systemic issues (ISO 10002 8.2): when at
least N complaints from N different complainants, received within the last D days, are alike
by the measure of similar complaints (``complaints.likeness``, unweighted: the words the
complaints share are the pattern), triage proposes a systemic
issue naming them, through improvement's ``systemic_proposal_make``. A person confirms it (the
issue opens) or dismisses it; nothing is opened by triage (ISO 10002 4.7).

Bounded: the ``RECENT_LIMIT`` newest complaints of the window are compared, in blocks of
``BLOCK`` rows, so memory stays flat whatever the size of the register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.complaints.likeness import comparable, likeness_matrix
from redress.complaints.models import Complaint, Status
from redress.core.actors import Actor
from redress.core.periodic import current_period, periodic_claim
from redress.improvement.models import SystemicProposal
from redress.improvement.services.proposals import systemic_proposal_make

RECENT_LIMIT = 2000
BLOCK = 500
# Complaints that are not complaints (or no longer pursued) make no pattern.
_NOT_COUNTED = (Status.NOT_ACCEPTED, Status.WITHDRAWN)


@dataclass(frozen=True)
class ClusterRule:
    size: int  # N: complaints, each from another complainant
    days: int  # D
    likeness: float  # how alike each is to the cluster's centre, 0..1


def cluster_rule() -> ClusterRule:
    return ClusterRule(
        size=int(getattr(settings, "REDRESS_TRIAGE_CLUSTER_SIZE", 5)),
        days=int(getattr(settings, "REDRESS_TRIAGE_CLUSTER_DAYS", 7)),
        likeness=float(getattr(settings, "REDRESS_TRIAGE_CLUSTER_LIKENESS", 0.6)),
    )


@dataclass(frozen=True)
class Cluster:
    centre: Complaint  # the complaint the others are alike to
    members: list[Complaint]  # the centre first, then the most alike
    likeness: list[float]  # of each member to the centre


def similar_clusters(rule: ClusterRule, *, now: dt.datetime | None = None) -> list[Cluster]:
    """Groups of at least ``rule.size`` complaints received in the last ``rule.days`` days,
    from as many different complainants, each at least ``rule.likeness`` alike to the group's
    centre. A complaint is in one group at most; the complaint with the most alike neighbours
    is a centre first, so a group does not chain from one complaint to the next."""
    now = now or timezone.now()
    recent = list(
        Complaint.objects.filter(received_at__gt=now - dt.timedelta(days=rule.days))
        .filter(received_at__lte=now)
        .exclude(status__in=_NOT_COUNTED)
        .only("pk", "reference", "subject", "description", "complainant_id", "received_at")
        .order_by("-received_at", "-pk")[:RECENT_LIMIT]
    )
    if len(recent) < rule.size:
        return []
    try:
        matrix = likeness_matrix(
            [comparable(c.subject, c.description) for c in recent], weighted=False
        )
    except ValueError:  # no text to compare
        return []
    neighbours: list[dict[int, float]] = []
    for start in range(0, len(recent), BLOCK):
        block = (matrix[start : start + BLOCK] @ matrix.T).tocsr()
        for row in range(block.shape[0]):
            here = start + row
            line = block.getrow(row)
            neighbours.append(
                {
                    int(j): float(v)
                    for j, v in zip(line.indices, line.data, strict=True)
                    if v >= rule.likeness and j != here
                }
            )
    taken: set[int] = set()
    clusters = []
    order = sorted(range(len(recent)), key=lambda i: (-len(neighbours[i]), i))
    for centre in order:
        if centre in taken or len(neighbours[centre]) + 1 < rule.size:
            continue
        near = sorted(
            (j for j in neighbours[centre] if j not in taken),
            key=lambda j: -neighbours[centre][j],
        )
        members = [centre, *near]
        people = {recent[i].complainant_id for i in members}
        if len(people) < rule.size:
            continue
        taken.update(members)
        clusters.append(
            Cluster(
                centre=recent[centre],
                members=[recent[i] for i in members],
                likeness=[1.0] + [round(neighbours[centre][j], 3) for j in near],
            )
        )
    return clusters


def _title(cluster: Cluster, rule: ClusterRule) -> str:
    """Stored in the organisation's language (settings.LANGUAGE_CODE), as issues' titles are."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(count)d similar complaints in %(days)d days: %(subject)s") % {
            "count": len(cluster.members),
            "days": rule.days,
            "subject": cluster.centre.subject[:200],
        }


def clusters_propose(*, now: dt.datetime | None = None) -> list[SystemicProposal]:
    """Propose a systemic issue for each cluster of similar recent complaints not yet looked
    at (improvement decides what was: ``complaints_accounted_for``). Returns the proposals made
    or grown."""
    now = now or timezone.now()
    rule = cluster_rule()
    actor = Actor.system("triage")
    made = []
    for cluster in similar_clusters(rule, now=now):
        proposal = systemic_proposal_make(
            actor=actor,
            title=_title(cluster, rule),
            complaints=cluster.members,
            at_least=rule.size,
            evidence={
                "basis": "similar_complaints",
                "size": rule.size,
                "days": rule.days,
                "likeness": rule.likeness,
                "centre": cluster.centre.reference,
                "complaints": {
                    c.reference: alike
                    for c, alike in zip(cluster.members, cluster.likeness, strict=True)
                },
                "until": now,
            },
        )
        if proposal is not None:
            made.append(proposal)
    return made


# How often the periodic job looks for clusters.
EVERY = dt.timedelta(hours=1)


def clusters_propose_hourly(*, now: dt.datetime | None = None) -> int:
    """The periodic job (``REDRESS_PERIODIC_JOBS``, run every minute by each worker): look for
    clusters once an hour, whichever worker claims the hour. Returns the proposals made."""
    now = now or timezone.now()
    period = current_period(EVERY.total_seconds(), now.timestamp())
    if not periodic_claim(name="triage clusters hourly", period=period):
        return 0
    return len(clusters_propose(now=now))
