"""Writes of the public information: publishing a version, copying it into a new draft, and
recording a complainant's consent to the personal-data notice."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.transparency.models import Notice, NoticeConsent, NoticeStep

_TEXT_FIELDS = [
    f"{part}_{lang}"
    for part in ("intro", "how", "charges", "privacy", "review")
    for lang in ("vi", "en")
]
_STEP_FIELDS = [f"{part}_{lang}" for part in ("title", "body", "target") for lang in ("vi", "en")]


def notice_next_version() -> int:
    return (Notice.objects.aggregate(last=Max("version"))["last"] or 0) + 1


@transaction.atomic
def notice_publish(*, notice: Notice, actor: Actor) -> Notice:
    """Publish a draft: from now on it is the public page. Earlier versions stay on record.

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
    locked.save(update_fields=["state", "published_at", "published_by"])
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


def consent_record(
    *, complaint: Complaint, notice: Notice, language: str, channel: str
) -> NoticeConsent:
    """Keep the evidence of consent with the complaint. Call it inside the intake transaction,
    so that a complaint is never stored without it."""
    return NoticeConsent.objects.create(
        complaint=complaint,
        notice=notice,
        language=language,
        channel=channel,
        given_at=timezone.now(),
    )
