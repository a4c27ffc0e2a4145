"""The kinds of record privacy's retention run deals with itself (``privacy.retention``): closed
complaints, their files, the texts of emails sent, consents of anonymised complaints, the
personal-data access log and the audit trail (kept). Registered from ``PrivacyConfig.ready``;
the inbound mail store is intake's (``intake.retention``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet

from redress.audit.models import AuditEntry
from redress.complaints.models import Attachment, Complaint
from redress.core.actors import Actor
from redress.notifications.models import OutboundEmail
from redress.privacy import retention
from redress.privacy.models import (
    AnonymisedComplaint,
    Expiry,
    PersonalDataAccess,
    RecordType,
    RetentionRule,
)
from redress.privacy.retention import (
    RetentionTarget,
    closed_complaints,
    files_delete_unreferenced,
    months_before,
    retention_target_register,
)
from redress.transparency.models import NoticeConsent

Rules = dict[str, RetentionRule]

# Emails still to be sent (or retried) keep their text, whatever their age.
_OUTBOX_FINISHED = (
    OutboundEmail.State.SENT,
    OutboundEmail.State.FAILED,
    OutboundEmail.State.BOUNCED,
)


def _complaints_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[Complaint]:
    return retention.complaints_whole_persons(
        retention.complaints_not_yet_anonymised(closed_complaints(cutoff))
    )


def _complaints_expire(ids: list[int], actor: Actor) -> int:
    return retention._closed_complaints_expire(ids, actor)


def _attachments_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[Attachment]:
    return Attachment.objects.filter(complaint__in=closed_complaints(cutoff).values("pk"))


def _attachments_expire(ids: list[int], actor: Actor) -> int:
    with transaction.atomic():
        rows = Attachment.objects.filter(pk__in=ids)
        names = list(rows.values_list("file", flat=True))
        deleted = rows.delete()[1].get(rows.model._meta.label, 0)
    files_delete_unreferenced(Attachment, "file", names)
    return deleted


def _outbox_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[OutboundEmail]:
    closed_or_none = Q(complaint__isnull=True) | Q(complaint__status="closed")
    return (
        OutboundEmail.objects.filter(created_at__lt=cutoff, state__in=_OUTBOX_FINISHED)
        .filter(closed_or_none)
        .exclude(body="")
        .exclude(complaint__in=retention.complaints_held().values("pk"))
    )


def _outbox_expire(ids: list[int], actor: Actor) -> int:
    # The delivery record (to whom, when, state, attempts) stays: only the text goes.
    return OutboundEmail.objects.filter(pk__in=ids).exclude(body="").update(body="")


def anonymised_before(cutoff: dt.datetime, rules: Rules) -> QuerySet[Complaint]:
    """The complaints anonymised before ``cutoff``: on a person's request or by retention
    (``AnonymisedComplaint``), and those closed a full complaints' period before it when that
    rule anonymises (a safe bound for complaints anonymised before the mark was kept)."""
    erased = Complaint.objects.filter(
        pk__in=AnonymisedComplaint.objects.filter(anonymised_at__lt=cutoff).values("complaint_id")
    )
    rule = rules.get(RecordType.CLOSED_COMPLAINTS)
    if rule is None or rule.expiry != Expiry.ANONYMISE:
        return erased
    return erased | closed_complaints(months_before(cutoff, rule.months))


def _consents_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[NoticeConsent]:
    return NoticeConsent.objects.filter(complaint__in=anonymised_before(cutoff, rules).values("pk"))


def _consents_expire(ids: list[int], actor: Actor) -> int:
    return NoticeConsent.objects.filter(pk__in=ids).delete()[1].get(NoticeConsent._meta.label, 0)


def _access_log_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[PersonalDataAccess]:
    return PersonalDataAccess.objects.filter(at__lt=cutoff)


def _access_log_expire(ids: list[int], actor: Actor) -> int:
    return (
        PersonalDataAccess.objects.filter(pk__in=ids)
        .delete()[1]
        .get(PersonalDataAccess._meta.label, 0)
    )


def _audit_expired(cutoff: dt.datetime, rules: Rules) -> QuerySet[AuditEntry]:
    # Counted for the report only: the audit rule can only keep (each entry seals the last).
    return AuditEntry.objects.filter(at__lt=cutoff)


def _audit_expire(ids: list[int], actor: Actor) -> int:
    return 0


def register() -> None:
    for record_type, target in {
        RecordType.CLOSED_COMPLAINTS: RetentionTarget(_complaints_expired, _complaints_expire),
        RecordType.ATTACHMENTS: RetentionTarget(_attachments_expired, _attachments_expire),
        RecordType.OUTBOX_BODIES: RetentionTarget(_outbox_expired, _outbox_expire),
        RecordType.CONSENTS: RetentionTarget(_consents_expired, _consents_expire),
        RecordType.ACCESS_LOG: RetentionTarget(_access_log_expired, _access_log_expire),
        RecordType.AUDIT: RetentionTarget(_audit_expired, _audit_expire),
    }.items():
        retention_target_register(record_type, target)
