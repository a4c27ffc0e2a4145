"""The complaints-handling policy (ISO 10002 5.2, principle 4.2): drafted by a complaints
manager, approved by top management — never by the person who drafted it — published with an
effective date, and acknowledged by staff."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.framework.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from redress.framework.roles import Permission
from redress.framework.selectors_policy import policy_current
from redress.framework.services.common import allowed, framework_record, person, required


def _texts(title: str, text: str) -> None:
    required({"title": title, "text": text})


@transaction.atomic
def policy_draft(
    *,
    actor: Actor,
    title: str,
    text: str,
    title_en: str = "",
    text_en: str = "",
    change_summary: str = "",
) -> PolicyVersion:
    """A new draft version (complaints managers). One draft at a time: the open one is edited
    (``policy_draft_edit``) or discarded first."""
    allowed(actor, Permission.POLICY_DRAFT)
    _texts(title, text)
    if PolicyVersion.objects.select_for_update().filter(status=PolicyStatus.DRAFT).exists():
        raise Conflict(_("A draft of the policy is already open: edit or discard it first."))
    number = (PolicyVersion.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    now = timezone.now()
    version = PolicyVersion.objects.create(
        number=number,
        title=title.strip(),
        title_en=title_en.strip(),
        text=text.strip(),
        text_en=text_en.strip(),
        change_summary=change_summary.strip(),
        drafted_by=person(actor),
        drafted_at=now,
    )
    framework_record(
        actor=actor,
        action="policy_draft",
        target=version,
        label=f"v{number}",
        after={"number": number, "title": version.title, "status": version.status},
        at=now,
    )
    return version


def _draft_only(version: PolicyVersion) -> None:
    if version.status != PolicyStatus.DRAFT:
        raise Conflict(
            _("Version %(number)s is %(status)s: only a draft can change.")
            % {"number": version.number, "status": str(version.get_status_display()).lower()}
        )


@transaction.atomic
def policy_draft_edit(
    *,
    actor: Actor,
    version: PolicyVersion,
    title: str,
    text: str,
    title_en: str = "",
    text_en: str = "",
    change_summary: str = "",
) -> PolicyVersion:
    allowed(actor, Permission.POLICY_DRAFT)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _draft_only(version)
    _texts(title, text)
    before = {"title": version.title, "text_length": len(version.text)}
    version.title, version.title_en = title.strip(), title_en.strip()
    version.text, version.text_en = text.strip(), text_en.strip()
    version.change_summary = change_summary.strip()
    # The person who last wrote the draft is its author for the four-eyes rule.
    version.drafted_by = person(actor)
    version.save()
    framework_record(
        actor=actor,
        action="policy_draft_edit",
        target=version,
        label=f"v{version.number}",
        before=before,
        after={"title": version.title, "text_length": len(version.text)},
    )
    return version


@transaction.atomic
def policy_discard(*, actor: Actor, version: PolicyVersion, reason: str) -> PolicyVersion:
    allowed(actor, Permission.POLICY_DRAFT)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _draft_only(version)
    required({"reason": reason})
    version.status = PolicyStatus.DISCARDED
    version.save(update_fields=["status"])
    framework_record(
        actor=actor,
        action="policy_discard",
        target=version,
        label=f"v{version.number}",
        before={"status": PolicyStatus.DRAFT},
        after={"status": version.status, "reason": reason.strip()},
    )
    return version


@transaction.atomic
def policy_approve(
    *, actor: Actor, version: PolicyVersion, effective_from: dt.date
) -> PolicyVersion:
    """Approve a draft and publish it from ``effective_from`` (top management; four-eyes: not
    the person who drafted it). It becomes the current policy on that date; the versions before
    it stay, each readable with its differences."""
    approver = person(actor)
    allowed(actor, Permission.POLICY_APPROVE)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    _draft_only(version)
    if version.drafted_by_id == approver.pk:
        raise ValidationFailed(
            _("You drafted this version: another person from top management must approve it."),
            fields={"approved_by": [_("The author of a draft cannot approve it.")]},
        )
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationFailed(
            _("The policy cannot take effect in the past."),
            fields={"effective_from": [_("Choose today or a later date.")]},
        )
    now = timezone.now()
    version.status = PolicyStatus.APPROVED
    version.effective_from = effective_from
    version.approved_by = approver
    version.approved_at = now
    version.save(update_fields=["status", "effective_from", "approved_by", "approved_at"])
    framework_record(
        actor=actor,
        action="policy_approve",
        target=version,
        label=f"v{version.number}",
        before={"status": PolicyStatus.DRAFT},
        after={
            "status": version.status,
            "effective_from": effective_from,
            "drafted_by": version.drafted_by_id,
        },
        at=now,
    )
    return version


@transaction.atomic
def policy_acknowledge(*, actor: Actor) -> PolicyAcknowledgement:
    """The signed-in person states they have read the current policy (again if already)."""
    user = person(actor)
    current = policy_current()
    if current is None:
        raise Conflict(_("No policy is in force yet."))
    acknowledgement, created = PolicyAcknowledgement.objects.get_or_create(
        version=current, user=user, defaults={"at": timezone.now()}
    )
    if created:
        framework_record(
            actor=actor,
            action="policy_acknowledge",
            target=current,
            label=f"v{current.number}",
            after={"user": user.pk},
            at=acknowledgement.at,
        )
    return acknowledgement
