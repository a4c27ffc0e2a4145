"""Writes of the auditor's pack and of external auditors' access, each with its audit entry
(docs/certification.md, "The auditor's pack and the external auditor")."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.certification.models import (
    AuditorPack,
    ExternalAuditorGrant,
    PackLanguage,
    PackSampleItem,
    PackState,
)
from redress.certification.selectors import (
    SEED_LIMIT,
    external_auditor_candidates,
    may_grant,
    may_start_packs,
    sample_draw,
    sample_population,
    today,
)
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_SAMPLE = 200  # the sample's records go in the PDF: enough for an audit, bounded for the job
MAX_PERIOD_DAYS = 3 * 366
MAX_GRANT_DAYS = 366


def _record(actor: Actor, action: str, target: Model, label: str, **after: Any) -> None:
    audit_record(
        actor=actor,
        action=f"certification.{action}",
        target=target,
        target_label=label,
        after=after,
    )


def _person(actor: Actor) -> User:
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person may do this."))
    return actor.user


@transaction.atomic
def pack_start(
    *,
    actor: Actor,
    period_start: dt.date,
    period_end: dt.date,
    language: str,
    sample_size: int,
    unmasked: bool = False,
    seed: int | None = None,
) -> AuditorPack:
    """Ask for an auditor's pack of the period; it is prepared by a background job
    (``certification.tasks.pack_generate_task``). A complaints manager or an administrator.
    A new random seed unless one is given (to draw again the sample of an earlier pack).
    Refuses (422) a period in the wrong order, longer than three years or in the future, a
    sample size outside 1–200, another language than Vietnamese or English, a seed out of
    range."""
    user = _person(actor)
    if not may_start_packs(user):
        raise NotPermitted(_("Only complaints managers and administrators may ask for a pack."))
    problems: dict[str, list[str]] = {}
    if period_end < period_start:
        problems["period_end"] = [_("The period ends before it starts.")]
    elif (period_end - period_start).days >= MAX_PERIOD_DAYS:
        problems["period_end"] = [_("A pack covers at most three years.")]
    if period_start > today():
        problems["period_start"] = [_("The period has not started yet.")]
    if not 1 <= sample_size <= MAX_SAMPLE:
        problems["sample_size"] = [_("Enter a number from 1 to %(most)s.") % {"most": MAX_SAMPLE}]
    if language not in PackLanguage.values:
        problems["language"] = [_("Choose Vietnamese or English.")]
    if seed is not None and not 0 <= seed < SEED_LIMIT:
        problems["seed"] = [
            _("Enter a whole number from 0 to %(most)s.") % {"most": SEED_LIMIT - 1}
        ]
    if problems:
        raise ValidationFailed(_("The pack cannot be prepared as asked."), fields=problems)
    pack = AuditorPack.objects.create(
        period_start=period_start,
        period_end=period_end,
        language=language,
        sample_size=sample_size,
        seed=secrets.randbelow(SEED_LIMIT) if seed is None else seed,
        unmasked=unmasked,
        requested_by=user,
        requested_at=timezone.now(),
    )
    _record(
        actor,
        "pack_start",
        pack,
        pack.reference,
        period=[period_start.isoformat(), period_end.isoformat()],
        language=language,
        sample_size=sample_size,
        seed=pack.seed,
        unmasked=unmasked,
    )
    from redress.certification.tasks import pack_generate_task

    enqueue_on_commit(pack_generate_task, pack.pk)
    return pack


def pack_progress(pack: AuditorPack, *, percent: int, step: str) -> None:
    """Say how far the job got (read by the pack's page while it waits)."""
    AuditorPack.objects.filter(pk=pack.pk).update(progress=percent, step=step[:40])


def pack_sample_take(pack: AuditorPack) -> list[int]:
    """Draw the pack's sample (in one query) and keep it; the population's size is kept too."""
    ids = sample_draw(pack.period_start, pack.period_end, seed=pack.seed, size=pack.sample_size)
    with transaction.atomic():
        pack.sample_items.all().delete()
        PackSampleItem.objects.bulk_create(
            PackSampleItem(pack=pack, complaint_id=pk, position=n)
            for n, pk in enumerate(ids, start=1)
        )
        pack.population_size = sample_population(pack.period_start, pack.period_end).count()
        pack.save(update_fields=["population_size"])
    return ids


def pack_generate(pack_id: int) -> AuditorPack | None:
    """Prepare a queued pack: its sample, then the PDF and the files, stored as one ZIP, and
    its audit entry. A pack already ready, or gone, is left alone (the task may run twice); a
    failure is kept on the pack, with its reason, and logged."""
    from redress.certification.build import pack_zip

    with transaction.atomic():
        pack = AuditorPack.objects.select_for_update().filter(pk=pack_id).first()
        if pack is None or pack.state == PackState.READY:
            return pack
        pack.state = PackState.RUNNING
        pack.started_at = timezone.now()
        pack.progress, pack.step, pack.error = 0, "sample", ""
        pack.save(update_fields=["state", "started_at", "progress", "step", "error"])
    try:
        sample = pack_sample_take(pack)
        pack_progress(pack, percent=10, step="records")
        content, names = pack_zip(
            pack, progress=lambda p, s: pack_progress(pack, percent=p, step=s)
        )
    except Exception as error:  # kept on the pack for the person waiting, then logged whole
        logger.exception("auditor's pack %s failed", pack.pk)
        AuditorPack.objects.filter(pk=pack.pk).update(
            state=PackState.FAILED, finished_at=timezone.now(), error=str(error)[:300]
        )
        pack.refresh_from_db()
        return pack
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        pack.refresh_from_db()
        pack.file.save(f"{pack.reference}.zip", ContentFile(content), save=False)
        pack.file_size, pack.sha256 = len(content), digest
        pack.state, pack.progress, pack.step = PackState.READY, 100, ""
        pack.finished_at = timezone.now()
        pack.save()
        _record(
            Actor.system("auditor's pack"),
            "pack_generate",
            pack,
            pack.reference,
            sample=len(sample),
            population=pack.population_size,
            files=len(names),
            sha256=digest,
        )
    return pack


@transaction.atomic
def pack_downloaded(*, actor: Actor, pack: AuditorPack) -> None:
    """Record that someone downloaded the pack (an external auditor's every view is recorded)."""
    _record(actor, "pack_download", pack, pack.reference, sha256=pack.sha256)


@transaction.atomic
def grant_create(
    *,
    actor: Actor,
    auditor: User,
    packs: list[AuditorPack],
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> ExternalAuditorGrant:
    """Give a named external auditor read-only access to ready packs (and their sampled
    complaints, masked) from ``starts_on`` to ``ends_on``. An administrator. Refuses (422) a
    member of staff, no pack, a pack not ready or holding unmasked personal data, days in the
    wrong order, ending in the past or lasting more than a year, no reason."""
    granter = _person(actor)
    if not may_grant(granter):
        raise NotPermitted(_("Only administrators may grant access to external auditors."))
    problems: dict[str, list[str]] = {}
    if not external_auditor_candidates().filter(pk=auditor.pk).exists():
        problems["auditor"] = [
            _("Choose an active person without a staff role: staff see what their role allows.")
        ]
    if not packs:
        problems["packs"] = [_("Choose at least one pack.")]
    elif any(p.state != PackState.READY for p in packs):
        problems["packs"] = [_("Only a ready pack can be granted.")]
    elif any(p.unmasked for p in packs):
        problems["packs"] = [
            _("A pack holding unmasked personal data cannot be given to an external auditor.")
        ]
    if ends_on < starts_on:
        problems["ends_on"] = [_("The access ends before it starts.")]
    elif ends_on < today():
        problems["ends_on"] = [_("The access would already be over.")]
    elif (ends_on - starts_on).days >= MAX_GRANT_DAYS:
        problems["ends_on"] = [_("Access lasts at most a year.")]
    if not reason.strip():
        problems["reason"] = [_("Say why the auditor needs access.")]
    if problems:
        raise ValidationFailed(_("The access cannot be granted as asked."), fields=problems)
    grant = ExternalAuditorGrant.objects.create(
        auditor=auditor,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        granted_by=granter,
        granted_at=timezone.now(),
    )
    grant.packs.set(packs)
    _record(
        actor,
        "grant",
        grant,
        auditor.get_username(),
        auditor=auditor.pk,
        packs=[p.pk for p in packs],
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
        reason=grant.reason,
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: ExternalAuditorGrant, reason: str) -> ExternalAuditorGrant:
    """End an external auditor's access now. An administrator; refuses (409) a grant already
    revoked and (422) no reason."""
    granter = _person(actor)
    if not may_grant(granter):
        raise NotPermitted(_("Only administrators may revoke an external auditor's access."))
    grant = ExternalAuditorGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise Conflict(_("This access was revoked already."))
    if not reason.strip():
        raise ValidationFailed(
            _("Say why the access is revoked."), fields={"reason": [_("This field is required.")]}
        )
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), granter, reason
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _record(actor, "revoke", grant, grant.auditor.get_username(), reason=reason)
    return grant


@transaction.atomic
def external_view_record(*, actor: Actor, target: Model, label: str, page: str) -> None:
    """Record one view by an external auditor (a pack, its sample, a complaint's record)."""
    _record(actor, "external_view", target, label, page=page)
