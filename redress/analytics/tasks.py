"""The monthly report on a schedule: on or after the configured day and hour of each month (in
the organisation's time zone), last month's report goes by email, once, to the people with the
configured role, each in their own language (``REDRESS_MONTHLY_REPORT``; docs/analytics.md).

``monthly_report_send`` is a periodic job (``REDRESS_PERIODIC_JOBS``): the worker calls it every
minute, and it does nothing until the report is due. Sending once is kept by the database, not
by the worker: the period's ``ReportDispatch`` row is unique and is locked while a worker takes
it, a lease keeps other workers off while it sends, and each person who got the report is
recorded at once, so neither a restart nor a second worker sends anyone the report twice.
Mail leaves through the configured email backend outside any transaction (a slow mail server
never holds a database lock); the outbox is not used because its messages carry no attachment.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redress.analytics.cohort import Period, organisation_zone
from redress.analytics.models import ReportDispatch
from redress.analytics.report import last_month, monthly_report_pdf, period_text, report_filename
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import organisation_get, users_with_role

logger = logging.getLogger(__name__)

DEFAULT_SCHEDULE: dict[str, Any] = {"day": 1, "hour": 7, "recipients": "top_management"}
MAX_ATTEMPTS = 6
# How long a worker that took the sending has before another may take it over.
LEASE = dt.timedelta(minutes=15)


def _backoff(attempts: int) -> dt.timedelta:
    # 2, 4, 8, 16, 32 minutes between attempts, as the outbox does.
    return dt.timedelta(minutes=2**attempts)


def schedule() -> dict[str, Any] | None:
    """``REDRESS_MONTHLY_REPORT`` checked, with defaults; None when the report is switched off
    (the setting is empty)."""
    configured = getattr(settings, "REDRESS_MONTHLY_REPORT", DEFAULT_SCHEDULE)
    if not configured:
        return None
    found = {**DEFAULT_SCHEDULE, **configured}
    day, hour = found["day"], found["hour"]
    if not (isinstance(day, int) and 1 <= day <= 31):
        raise ImproperlyConfigured("REDRESS_MONTHLY_REPORT['day'] must be a day of month, 1–31")
    if not (isinstance(hour, int) and 0 <= hour <= 23):
        raise ImproperlyConfigured("REDRESS_MONTHLY_REPORT['hour'] must be an hour, 0–23")
    roles = found["recipients"]
    if isinstance(roles, str):
        roles = [role.strip() for role in roles.split(",") if role.strip()]
    roles = list(roles)
    unknown = [role for role in roles if role not in Role.values]
    if unknown or not roles:
        raise ImproperlyConfigured(
            f"REDRESS_MONTHLY_REPORT['recipients']: unknown role(s) {unknown}; "
            f"choose among {', '.join(Role.values)}"
        )
    return {"day": day, "hour": hour, "recipients": roles}


def due_at(local: dt.datetime, day: int, hour: int) -> dt.datetime:
    """The moment this month's sending falls due (a day past the month's end: its last day)."""
    last_day = calendar.monthrange(local.year, local.month)[1]
    return local.replace(day=min(day, last_day), hour=hour, minute=0, second=0, microsecond=0)


def report_recipients(roles: Iterable[str]) -> list[User]:
    """The active people holding any of the roles today, with an email address."""
    found: dict[int, User] = {}
    for role in roles:
        for user in users_with_role(Role(role)):
            if user.email:
                found.setdefault(user.pk, user)
            else:
                logger.warning("monthly report: %s has no email address", user.get_username())
    return [found[pk] for pk in sorted(found)]


def _claim(period: Period, now: dt.datetime) -> ReportDispatch | None:
    """Take the period's sending for one attempt, or None when it is done, being sent by
    another worker, or waiting for its next attempt."""
    with transaction.atomic():
        dispatch, _created = ReportDispatch.objects.select_for_update().get_or_create(
            period_first=period.first, period_last=period.last
        )
        if dispatch.sent_at is not None:
            return None
        if dispatch.next_attempt_at is not None and dispatch.next_attempt_at > now:
            return None
        dispatch.attempts += 1
        dispatch.next_attempt_at = now + LEASE
        dispatch.save(update_fields=["attempts", "next_attempt_at"])
    return dispatch


def _message(user: User, period: Period, pdf: bytes) -> EmailMessage:
    """The report for one person, in their language."""
    organisation = organisation_get()
    language = user.language or "vi"
    with translation.override(language):
        name = (
            organisation.name_en if language == "en" and organisation.name_en else organisation.name
        )
        month = f"{period.first:%m/%Y}"
        link = settings.REDRESS_PUBLIC_URL.rstrip("/") + reverse("backoffice:report_pdf")
        link += f"?from={period.first:%Y-%m-%d}&to={period.last:%Y-%m-%d}"
        subject = _("Monthly complaints report %(month)s — %(organisation)s") % {
            "month": month,
            "organisation": name,
        }
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                _(
                    "Attached is the complaints report of %(organisation)s for %(period)s: the "
                    "key performance indicators, the breakdowns of complaints with their charts, "
                    "and the signals of the control charts."
                )
                % {"organisation": name, "period": period_text(period, language)},
                _("The same report, always with the latest figures, can be downloaded here:")
                + "\n"
                + link,
                _("This message was sent automatically by Redress; please do not reply to it."),
            ]
        )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
        attachments=[(report_filename(period), pdf, "application/pdf")],
    )


def _send(
    dispatch: ReportDispatch, period: Period, recipients: list[User], now: dt.datetime
) -> int:
    """Send to each recipient who does not have the report yet; returns how many got it now."""
    delivered = set(dispatch.delivered_to)
    waiting = [user for user in recipients if user.pk not in delivered]
    pdfs: dict[str, bytes] = {}
    errors: list[str] = []
    sent = 0
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)
    for user in waiting:
        try:
            language = user.language or "vi"
            if language not in pdfs:
                pdfs[language] = monthly_report_pdf(period, language=language, now=now)
            message = _message(user, period, pdfs[language])
            message.connection = connection
            message.send()
        except Exception as exc:  # noqa: BLE001 - a failure for one person is retried later
            errors.append(f"{user.get_username()}: {type(exc).__name__}: {exc}"[:500])
            logger.warning("monthly report %s not sent to %s: %s", dispatch, user, exc)
            continue
        delivered.add(user.pk)
        sent += 1
        # Recorded at once: a worker that stops after this never sends this person it again.
        ReportDispatch.objects.filter(pk=dispatch.pk).update(delivered_to=sorted(delivered))
    dispatch.delivered_to = sorted(delivered)
    dispatch.recipients_count = len(delivered)
    dispatch.last_error = "\n".join(errors)
    if not errors or dispatch.attempts >= MAX_ATTEMPTS:
        dispatch.sent_at = now
        dispatch.next_attempt_at = None
        if errors:
            logger.error("monthly report %s: gave up on %d people", dispatch, len(errors))
    else:
        dispatch.next_attempt_at = now + _backoff(dispatch.attempts)
    dispatch.save(
        update_fields=[
            "delivered_to",
            "recipients_count",
            "last_error",
            "sent_at",
            "next_attempt_at",
        ]
    )
    return sent


def monthly_report_send(now: dt.datetime | None = None) -> int:
    """Send last month's report if it is due and not yet sent; returns how many people got
    it in this call (0 almost every minute). Nothing is recorded while nobody holds the
    recipients' role: the report goes out as soon as someone does."""
    config = schedule()
    if config is None:
        return 0
    now = now or timezone.now()
    local = now.astimezone(organisation_zone())
    if local < due_at(local, config["day"], config["hour"]):
        return 0
    period = last_month(local.date())
    done = ReportDispatch.objects.filter(
        period_first=period.first, period_last=period.last, sent_at__isnull=False
    )
    if done.exists():
        return 0
    recipients = report_recipients(config["recipients"])
    if not recipients:
        return 0
    dispatch = _claim(period, now)
    if dispatch is None:
        return 0
    return _send(dispatch, period, recipients, now)
