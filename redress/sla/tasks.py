"""Background work of the deadline engine (Django Tasks: database or RQ backend).

Tasks take ids, are idempotent, and retry a bounded number of times with growing delays; the
sweep (``redress sla sweep``, run by the worker every minute) catches whatever a lost or failed
task missed, so a breach is never silent.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from redress.core.logs import retry_scheduled
from redress.core.models import User
from redress.core.selectors import organisation_get
from redress.sla import services
from redress.sla.models import DeadlineNotice, StageClock

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _backoff(attempt: int) -> dt.timedelta:
    # 1, 2, 4, 8 minutes: a database or mail server that is briefly away loses nothing.
    return dt.timedelta(minutes=2 ** (attempt - 1))


def _retry_later(task_obj: object, attempt: int, *args: object) -> None:
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s%r failed %s times; the sweep will pick it up", task_obj, args, attempt)
        return
    task_obj.using(run_after=timezone.now() + _backoff(attempt)).enqueue(*args, attempt=attempt + 1)  # type: ignore[attr-defined]
    # Called while handling the task's error: the worker logs it as a warning, no traceback.
    retry_scheduled(sys.exception())


@task()
def check_clock(clock_id: int, attempt: int = 1) -> int:
    """Send what one clock owes now (see ``services.sla_clock_check``); returns notices sent."""
    try:
        return len(services.sla_clock_check(clock_id=clock_id))
    except Exception:
        _retry_later(check_clock, attempt, clock_id)
        raise


@task()
def recompute_complaints(complaint_ids: list[int], attempt: int = 1) -> int:
    """Recompute deadlines after a policy or calendar was edited."""
    try:
        return services.sla_recompute_complaints(complaint_ids=complaint_ids)
    except Exception:
        _retry_later(recompute_complaints, attempt, complaint_ids)
        raise


@task()
def recompute_received_since(since: str, unit_ids: list[int] | None, attempt: int = 1) -> int:
    """Recompute the complaints received while other processes still had the old settings."""
    try:
        return services.sla_recompute_received_since(
            since=dt.datetime.fromisoformat(since), unit_ids=unit_ids
        )
    except Exception:
        _retry_later(recompute_received_since, attempt, since, unit_ids)
        raise


@task()
def email_notice(notice_id: int, only: list[int] | None = None, attempt: int = 1) -> int:
    """Email a deadline notice to its recipients (``only`` these of them, when the others
    were told in a digest), each in their language; once only."""
    try:
        with transaction.atomic():
            notice = (
                DeadlineNotice.objects.select_for_update()
                .select_related("clock__complaint")
                .filter(pk=notice_id, emailed_at__isnull=True)
                .first()
            )
            if notice is None:
                return 0
            sent = 0
            recipients = notice.recipients if only is None else set(notice.recipients) & set(only)
            for user in User.objects.filter(pk__in=recipients, is_active=True).exclude(email=""):
                subject, body = notice_text(notice, user.language)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                sent += 1
            notice.emailed_at = timezone.now()
            notice.save(update_fields=["emailed_at"])
            return sent
    except Exception:
        _retry_later(email_notice, attempt, notice_id, only)
        raise


def notice_text(notice: DeadlineNotice, language: str) -> tuple[str, str]:
    """Subject and body of a deadline notice email in ``language``."""
    clock: StageClock = notice.clock
    complaint = clock.complaint
    zone = ZoneInfo(organisation_get().time_zone)
    with translation.override(language):
        due = (
            formats.date_format(clock.due_at.astimezone(zone), "DATETIME_FORMAT")
            if clock.due_at
            else ""
        )
        values = {"reference": complaint.reference, "stage": clock.get_stage_display(), "due": due}
        if notice.kind == DeadlineNotice.Kind.NEAR_DUE:
            subject = _("[%(reference)s] Deadline near: %(stage)s") % values
            body = _("The deadline for “%(stage)s” of complaint %(reference)s is %(due)s.") % values
        else:
            subject = _("[%(reference)s] Deadline missed: %(stage)s") % values
            body = (
                _("The deadline for “%(stage)s” of complaint %(reference)s passed at %(due)s.")
                % values
            )
    return subject, body
