"""The daily email digest of a person's unread notices: an option each person sets on their
notices page, sent by a periodic job (``REDRESS_PERIODIC_JOBS``) once per local day, from
``REDRESS_NOTICE_DIGEST_HOUR`` (the organisation's time zone), through the outbox.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.selectors import organisation_get
from redress.core.tasks import enqueue_on_commit
from redress.notifications.models import NoticeDigest, Notification, OutboundEmail
from redress.notifications.selectors import notices_of
from redress.notifications.tasks import deliver_email

# The notices listed in one digest (the newest; the page shows the rest).
DIGEST_LIMIT = 50
# People handled by one run of the job; the next minute's run takes the next ones.
BATCH = 200


def notice_digest_on(user: User) -> bool:
    """Whether the person receives the daily digest."""
    return NoticeDigest.objects.filter(user=user, daily=True).exists()


@transaction.atomic
def notice_digest_set(*, user: User, daily: bool) -> NoticeDigest:
    """Turn the person's daily digest on or off (only their own: the view passes the signed-in
    person). Audited."""
    digest, _created = NoticeDigest.objects.select_for_update().get_or_create(user=user)
    if digest.daily != daily:
        before = {"daily": digest.daily}
        digest.daily = daily
        digest.save(update_fields=["daily"])
        audit_record(
            actor=Actor.for_user(user),
            action="notice_digest.set",
            target=digest,
            before=before,
            after={"daily": daily},
        )
    return digest


def _local(now: dt.datetime) -> dt.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(organisation_get().time_zone))


def notice_digest_send(now: dt.datetime | None = None) -> int:
    """Email each person who asked for it their unread notices, once per local day, from the
    digest hour on. A person with nothing unread gets no email that day. Safe to run every
    minute and from several workers: a day is claimed per person by a conditional update in
    the same transaction as the email. Returns how many digests were queued."""
    now = now or timezone.now()
    local = _local(now)
    if local.hour < settings.REDRESS_NOTICE_DIGEST_HOUR:
        return 0
    today = local.date()
    due = Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today)
    waiting = list(
        NoticeDigest.objects.filter(due, daily=True, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", flat=True)[:BATCH]
    )
    sent = 0
    for user_id in waiting:
        with transaction.atomic():
            if not NoticeDigest.objects.filter(due, pk=user_id).update(last_sent_on=today):
                continue  # another worker took this person's day
            user = User.objects.get(pk=user_id)
            notices = list(
                notices_of(user)
                .filter(read_at__isnull=True)
                .select_related("complaint")
                .order_by("-updated_at", "-pk")[: DIGEST_LIMIT + 1]
            )
            if notices:
                _queue(user, notices)
                sent += 1
    return sent


def _queue(user: User, notices: list[Notification]) -> OutboundEmail:
    subject, body = digest_text(user, notices)
    email = OutboundEmail.objects.create(
        to=user.email,
        subject=subject[:300],
        body=body,
        email_message_id=make_msgid(domain=settings.REDRESS_MAIL_DOMAIN),
        template_code="notice_digest",
    )
    enqueue_on_commit(deliver_email, email.pk)
    return email


def digest_text(user: User, notices: list[Notification]) -> tuple[str, str]:
    """Subject and body of a person's digest, in their language: one line per notice (time,
    what happened, the complaint or record), newest first, and the link to the notices page."""
    shown = notices[:DIGEST_LIMIT]
    with translation.override(user.language):
        count = len(notices)
        more = count > DIGEST_LIMIT
        subject = (
            _("Redress: more than %(count)s unread notices") % {"count": DIGEST_LIMIT}
            if more
            else ngettext(
                "Redress: %(count)s unread notice", "Redress: %(count)s unread notices", count
            )
            % {"count": count}
        )
        lines = [
            _("Hello %(name)s, these notices are waiting for you:")
            % {"name": user.get_full_name() or user.get_username()},
            "",
        ]
        for notice in shown:
            about = notice.complaint.reference if notice.complaint else notice.target_label
            when = formats.date_format(_local(notice.updated_at), "SHORT_DATETIME_FORMAT")
            repeats = (
                " " + _("(%(count)s times)") % {"count": notice.repeats}
                if notice.repeats > 1
                else ""
            )
            lines.append(f"- {when}  {notice.title} {about}{repeats}".rstrip())
        if more:
            lines += ["", _("… and more.")]
        link = settings.REDRESS_PUBLIC_URL.rstrip("/") + reverse("backoffice:notifications")
        lines += [
            "",
            _("Read them and turn this email off on your notices page: %(url)s") % {"url": link},
        ]
    return subject, "\n".join(lines) + "\n"
