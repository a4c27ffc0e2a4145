"""Writes of the public information: publishing a version, copying it into a new draft, and
recording a complainant's consent to the personal-data notice and its withdrawal (REQ-PD-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict, ValidationFailed
from redress.core.models import User
from redress.transparency.models import (
    ConsentMethod,
    Notice,
    NoticeConsent,
    NoticeStep,
    WithdrawalMethod,
)
from redress.transparency.selectors import notice_current

_TEXT_FIELDS = [
    f"{part}_{lang}"
    for part in ("intro", "how", "charges", "privacy", "review")
    for lang in ("vi", "en")
]
_STEP_FIELDS = [f"{part}_{lang}" for part in ("title", "body", "target") for lang in ("vi", "en")]


# What states the retention periods as they are set, in the active language: privacy's
# rules, above this app, registered from its ``ready()`` (``notice_retention_source_set``).
_RETENTION_SOURCE: list[Callable[[], str]] = []


def notice_retention_source_set(source: Callable[[], str]) -> None:
    _RETENTION_SOURCE[:] = [source]


def _retention_texts() -> dict[str, str]:
    if not _RETENTION_SOURCE:
        return {}
    texts = {}
    for language in ("vi", "en"):
        with translation.override(language):
            texts[f"retention_{language}"] = _RETENTION_SOURCE[0]()
    return texts


def notice_next_version() -> int:
    return (Notice.objects.aggregate(last=Max("version"))["last"] or 0) + 1


@transaction.atomic
def notice_publish(*, notice: Notice, actor: Actor) -> Notice:
    """Publish a draft: from now on it is the public page, with the retention periods as the
    rules are set now written into it. Earlier versions stay on record.

    Raises ``Conflict`` when the version is already published (published text never changes).
    """
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.is_published:
        raise Conflict(
            _("Version %(version)s is already published.") % {"version": locked.version},
            code="published",
        )
    locked.state = Notice.State.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = actor.user
    retention = _retention_texts()
    for name, text in retention.items():
        setattr(locked, name, text)
    locked.save(update_fields=["state", "published_at", "published_by", *retention])
    audit_record(
        actor=actor,
        action="transparency.publish",
        target=locked,
        target_label=str(locked),
        before={"state": Notice.State.DRAFT},
        after={"state": Notice.State.PUBLISHED, "version": locked.version},
        at=locked.published_at,
    )
    return locked


@transaction.atomic
def notice_copy(*, notice: Notice, actor: Actor) -> Notice:
    """A new draft with the text and steps of ``notice``: the way to change published text."""
    draft = Notice.objects.create(
        version=notice_next_version(),
        created_by=actor.user,
        change_note="",
        **{name: getattr(notice, name) for name in _TEXT_FIELDS},
    )
    NoticeStep.objects.bulk_create(
        NoticeStep(
            notice=draft,
            order=step.order,
            stage=step.stage,
            **{name: getattr(step, name) for name in _STEP_FIELDS},
        )
        for step in notice.steps.all()
    )
    audit_record(
        actor=actor,
        action="transparency.copy",
        target=draft,
        target_label=str(draft),
        after={"from": notice.version},
    )
    return draft


@transaction.atomic
def notice_republish(*, actor: Actor, change_note: str) -> Notice | None:
    """Publish the text of the version in force again as a new version (its retention periods
    written anew): what a change of the retention rules does. None before any publication."""
    current = notice_current()
    if current is None:
        return None
    draft = notice_copy(notice=current, actor=actor)
    draft.change_note = change_note[:300]
    draft.save(update_fields=["change_note"])
    return notice_publish(notice=draft, actor=actor)


def staff_evidence(*, clerk: User, note: str) -> dict[str, str]:
    """The evidence of a statement a complainant made to staff: who recorded it and their note
    of what was said."""
    return {"clerk": clerk.get_full_name() or clerk.get_username(), "note": note.strip()}


def consent_record(
    *,
    complaint: Complaint,
    notice: Notice,
    language: str,
    channel: str,
    method: str,
    evidence: Mapping[str, Any],
    actor: Actor,
    given_at: dt.datetime | None = None,
) -> NoticeConsent:
    """Keep the evidence that the complainant agreed to ``notice``, how (``method``: the way
    the channel asked, never guessed) and what shows it. At intake, call it inside the intake
    transaction, so that a complaint is never stored without it. Audited ``consent.record``
    (the entry names the method and version, not the evidence, which may hold personal data).

    Raises ``ValidationFailed`` for an unknown method or a time in the future, and
    ``Conflict`` (code ``consent_active``) when the complaint already has a consent that is not
    withdrawn.
    """
    if method not in ConsentMethod.values:
        message = _("“%(value)s” is not a way of giving consent.") % {"value": method}
        raise ValidationFailed(message, fields={"method": [message]})
    now = timezone.now()
    if given_at is not None and given_at > now:
        message = _("The time consent was given is in the future.")
        raise ValidationFailed(message, fields={"given_at": [message]})
    if NoticeConsent.objects.filter(complaint=complaint, withdrawn_at__isnull=True).exists():
        raise Conflict(
            _("Complaint %(reference)s already has the complainant's consent.")
            % {"reference": complaint.reference},
            code="consent_active",
        )
    consent = NoticeConsent.objects.create(
        complaint=complaint,
        notice=notice,
        language=language,
        channel=channel,
        method=method,
        evidence=dict(evidence),
        given_at=given_at or now,
    )
    audit_record(
        actor=actor,
        action="consent.record",
        target=consent,
        target_label=complaint.reference,
        after={
            "complaint": complaint.reference,
            "notice_version": notice.version,
            "method": method,
            "given_at": consent.given_at,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, complaint: Complaint, actor: Actor, method: str, note: str = ""
) -> NoticeConsent:
    """Record that the complainant withdraws their consent to the personal-data notice for
    ``complaint``: from now on nothing optional (such as the satisfaction survey) is sent on
    the strength of it; the complaint is still handled, under the legal obligation to handle
    complaints (docs/privacy.md "Consent"). Audited ``consent.withdraw``.

    Who may record it is the caller's to check (the back office through the privacy roles,
    the portal through the tracking code). Raises ``ValidationFailed`` for an unknown method
    and ``Conflict`` (code ``no_active_consent``) when there is no consent to withdraw.
    """
    if method not in WithdrawalMethod.values:
        message = _("“%(value)s” is not a way of withdrawing consent.") % {"value": method}
        raise ValidationFailed(message, fields={"method": [message]})
    consent = (
        NoticeConsent.objects.select_for_update()
        .filter(complaint=complaint, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise Conflict(
            _("Complaint %(reference)s has no consent to withdraw.")
            % {"reference": complaint.reference},
            code="no_active_consent",
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor.label[:150]
    consent.withdrawal_method = method
    consent.withdrawal_note = note.strip()
    consent.save(
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_method", "withdrawal_note"]
    )
    audit_record(
        actor=actor,
        action="consent.withdraw",
        target=consent,
        target_label=complaint.reference,
        before={"withdrawn_at": None},
        after={
            "complaint": complaint.reference,
            "withdrawn_at": consent.withdrawn_at,
            "method": method,
        },
        at=consent.withdrawn_at,
    )
    return consent


NOTICE_TEXT_FIELDS = (*_TEXT_FIELDS, "change_note")


@transaction.atomic
def notice_draft_update(*, notice: Notice, actor: Actor, **texts: str) -> Notice:
    """Change the text of a draft (each part in Vietnamese, required, and in English, which
    falls back to the Vietnamese when empty) and its note of what changed. Published text never
    changes: copy it into a new draft (``notice_copy``). Raises ``Conflict`` for a published
    version and ``ValidationFailed`` naming each missing Vietnamese part. Audited with the
    parts that changed (their names; the texts are public anyway, and long)."""
    unknown = set(texts) - set(NOTICE_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"not a part of the public information: {sorted(unknown)}")
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.is_published:
        raise Conflict(
            _("Version %(version)s is published; its text never changes. Copy it into a new draft.")
            % {"version": locked.version},
            code="published",
        )
    fields: dict[str, list[str]] = {}
    for name, value in texts.items():
        if name.endswith("_vi") and not value.strip():
            fields.setdefault(name, []).append(_("This field is required."))
    if len(texts.get("change_note", "")) > 300:
        fields.setdefault("change_note", []).append(
            _("At most %(count)d characters.") % {"count": 300}
        )
    if fields:
        raise ValidationFailed(_("The draft cannot be saved."), fields=fields)
    changed = [name for name, value in texts.items() if getattr(locked, name) != value.strip()]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, texts[name].strip())
    locked.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="transparency.draft_update",
        target=locked,
        target_label=str(locked),
        after={"changed": sorted(changed), "version": locked.version},
    )
    return locked
