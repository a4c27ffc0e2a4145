"""The digest of deadline notices: when one sweep of the deadline engine owes a person more
than a few notices (``REDRESS_DEADLINE_DIGEST_AFTER``), they get one notice naming the
complaints — reference, stage, near or missed, and how late — and at most one email, instead
of one of each per deadline (docs/sla.md, "Escalation")."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from email.utils import make_msgid

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from redress.core.models import User
from redress.core.selectors import organisation_get
from redress.core.tasks import enqueue_on_commit
from redress.notifications.models import DEADLINE_TITLES, Notification, OutboundEmail
from redress.notifications.tasks import deliver_email

# The complaints a digest names, the most late first (the queue's overdue list has the rest).
DEADLINE_DIGEST_ITEMS = 100


def deadline_digest_item(
    *, reference: str, stage: str, kind: str, due_at: dt.datetime | None
) -> dict[str, str]:
    """One line of a digest: a complaint's stage whose deadline is near (``near_due``) or
    missed (``breached``)."""
    return {
        "reference": reference,
        "stage": stage,
        "kind": kind,
        "due_at": due_at.isoformat() if due_at else "",
    }


def deadline_digest_notify(
    *, user: User, items: Sequence[dict[str, str]], email: bool = True
) -> Notification:
    """Tell ``user`` of these deadlines in one notice, the most late first, and (with
    ``email``, when they have an address) in one email through the outbox."""
    ordered = sorted(items, key=lambda item: (item["due_at"] or "9999", item["reference"]))
    notice = Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.DEADLINE_DIGEST,
        details={"count": len(ordered), "items": ordered[:DEADLINE_DIGEST_ITEMS]},
        updated_at=timezone.now(),
    )
    if email and user.email and user.is_active:
        subject, body = deadline_digest_text(user, notice)
        outbound = OutboundEmail.objects.create(
            to=user.email,
            subject=subject[:300],
            body=body,
            email_message_id=make_msgid(domain=settings.REDRESS_MAIL_DOMAIN),
            template_code="deadline_digest",
        )
        enqueue_on_commit(deliver_email, outbound.pk)
    return notice


def lateness(delta: dt.timedelta) -> str:
    """How late, in days and hours (minutes under an hour), in the active language."""
    days, hours, minutes = delta.days, delta.seconds // 3600, delta.seconds // 60 % 60
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if not parts:
        parts.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)


def deadline_digest_text(user: User, notice: Notification) -> tuple[str, str]:
    """Subject and body of a digest's email, in the person's language: one line per
    complaint (reference, what is due, the deadline, how late), and the links to the notices
    page and the overdue queue."""
    zone = zoneinfo.ZoneInfo(organisation_get().time_zone)
    count = notice.details.get("count", 0)
    with translation.override(user.language):
        subject = ngettext(
            "Redress: %(count)s deadline near or missed",
            "Redress: %(count)s deadlines near or missed",
            count,
        ) % {"count": count}
        lines = [
            _("Hello %(name)s, these deadlines need your attention:")
            % {"name": user.get_full_name() or user.get_username()},
            "",
        ]
        for item in notice.details.get("items", []):
            title = str(DEADLINE_TITLES.get((item["kind"], item["stage"]), item["stage"]))
            line = f"- {item['reference']}  {title}"
            if item["due_at"]:
                due = dt.datetime.fromisoformat(item["due_at"])
                values = {
                    "due": formats.date_format(due.astimezone(zone), "SHORT_DATETIME_FORMAT"),
                    "late": lateness(notice.created_at - due),
                }
                line += (
                    "  "
                    + (
                        _("(due %(due)s, %(late)s late)")
                        if item["kind"] == Notification.Kind.BREACHED
                        else _("(due %(due)s)")
                    )
                    % values
                )
            lines.append(line)
        if count > len(notice.details.get("items", [])):
            lines += ["", _("… and more.")]
        base = settings.REDRESS_PUBLIC_URL.rstrip("/")
        lines += [
            "",
            _("Your notices: %(url)s") % {"url": base + reverse("backoffice:notifications")},
        ]
    return subject, "\n".join(lines) + "\n"
