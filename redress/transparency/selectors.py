"""Reads of the public information."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from redress.sla.models import SlaPolicy
from redress.sla.rules import Target
from redress.transparency.models import ExternalBody, Notice, NoticeConsent, NoticeStep

# The steps of the public page that the deadline engine also times (step stage → SLA stage).
SLA_STAGE = {
    NoticeStep.Stage.ACKNOWLEDGE: "acknowledge",
    NoticeStep.Stage.ASSESS: "assess",
    NoticeStep.Stage.DECIDE: "decision",
    NoticeStep.Stage.CLOSE: "close",
}


def notice_current() -> Notice | None:
    """The version the public sees now: the one published last (None before any is)."""
    return (
        Notice.objects.filter(state=Notice.State.PUBLISHED)
        .prefetch_related("steps")
        .order_by("-published_at", "-version")
        .first()
    )


def notice_in_force_chooser() -> Callable[[dt.datetime], Notice | None]:
    """A function giving the version the public saw at a time, from the published versions
    read once (for many times: an import). Before the first publication, the current one
    (records imported from before it)."""
    published = list(
        Notice.objects.filter(state=Notice.State.PUBLISHED).order_by("published_at", "version")
    )
    current = published[-1] if published else None

    def choose(at: dt.datetime) -> Notice | None:
        found = [n for n in published if n.published_at is not None and n.published_at <= at]
        return found[-1] if found else current

    return choose


def notice_in_force(at: dt.datetime) -> Notice | None:
    """The version the public saw at ``at`` (see ``notice_in_force_chooser``)."""
    return notice_in_force_chooser()(at)


def consents_of_complainant(
    complainant_id: int, *, complaints: QuerySet[Any]
) -> QuerySet[NoticeConsent]:
    """Every consent the complainant gave, newest first, for those of their complaints in
    ``complaints`` (the reader's visibility gate): one query."""
    return (
        NoticeConsent.objects.filter(
            complaint__complainant_id=complainant_id, complaint__in=complaints.values("pk")
        )
        .select_related("notice", "complaint")
        .only(
            "notice__version",
            "complaint__reference",
            "method",
            "purpose",
            "scope",
            "evidence",
            "given_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_method",
            "withdrawal_note",
            "language",
            "channel",
        )
        .order_by("-given_at", "-pk")
    )


def consent_is_withdrawn(complaint_id: int) -> bool:
    """The complaint had a consent that was withdrawn, and has no consent in force now."""
    consents = NoticeConsent.objects.filter(complaint_id=complaint_id)
    return (
        consents.filter(withdrawn_at__isnull=False).exists()
        and not consents.filter(withdrawn_at__isnull=True).exists()
    )


def external_bodies_active() -> QuerySet[ExternalBody]:
    return ExternalBody.objects.filter(is_active=True).order_by("order", "pk")


def _unconditional(policy: SlaPolicy) -> bool:
    return not (
        policy.priorities
        or policy.channels
        or policy.vulnerable is not None
        or policy.negotiation_request is not None
        or policy.health_safety is not None
        or policy.categories.all()
        or policy.units.all()
    )


def policy_general() -> SlaPolicy | None:
    """The time-limit policy every complaint gets unless a more specific one matches: the
    first active policy, in rank order, that sets no condition."""
    policies = SlaPolicy.objects.filter(is_active=True).prefetch_related("categories", "units")
    return next((p for p in policies.order_by("rank", "code") if _unconditional(p)), None)


@dataclass(frozen=True)
class GroupTarget:
    """A shorter time limit the public should know about (vulnerable consumers, negotiation)."""

    group: str  # "vulnerable" or "negotiation"
    decision: Target


def targets_general() -> dict[str, Target]:
    """Target per step stage of the public page, from the general time-limit policy."""
    policy = policy_general()
    if policy is None:
        return {}
    targets = {step: policy.target(stage) for step, stage in SLA_STAGE.items()}
    return {step: target for step, target in targets.items() if target is not None}


def targets_for_groups() -> list[GroupTarget]:
    """The decision time limit of active policies for vulnerable consumers and for negotiation
    requests (Law 19/2023 Art. 8 and 57), when they set one."""
    found: list[GroupTarget] = []
    for policy in SlaPolicy.objects.filter(is_active=True).order_by("rank", "code"):
        target = policy.target("decision")
        if target is None:
            continue
        if policy.vulnerable and not any(g.group == "vulnerable" for g in found):
            found.append(GroupTarget("vulnerable", target))
        if policy.negotiation_request and not any(g.group == "negotiation" for g in found):
            found.append(GroupTarget("negotiation", target))
    return found


# Where the personal-data notice states how long data is kept: each version, when published,
# has the periods of privacy's retention rules written into it (``services.notice_publish``),
# and a change of the rules publishes a new version, so that the notice never promises what
# is not done and what each version said stays on record.
RETENTION_PLACEHOLDER = "{retention}"


def notice_privacy_text(notice: Notice, language: str) -> str:
    """The personal-data notice of this version in ``language``, with the retention periods
    written into the version when it was published (``Notice.retention_vi``/``_en``) where
    its text has ``{retention}``, or after its text when it has no such place."""
    text = notice.text("privacy", language)
    retention = notice.text("retention", language)
    if RETENTION_PLACEHOLDER in text:
        return text.replace(RETENTION_PLACEHOLDER, retention).strip()
    if not retention:
        return text
    return f"{text}\n\n{retention}"
