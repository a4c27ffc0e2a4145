"""How much time is left before a deadline, or how long it has passed: "2 days left", "3 hours
overdue". One function for the ``{% time_left %}`` tag and the rows built in Python
(``backoffice.queue_rows``), so that both say it the same way."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext, ngettext


def _duration(delta: dt.timedelta) -> str:
    """The largest useful unit: days from two days up, then hours, then minutes."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 48 * 60:
        days = minutes // (24 * 60)
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if minutes >= 60:
        hours = minutes // 60
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def time_left(due: dt.datetime | None, now: dt.datetime) -> str:
    """ "2 days left" or "3 hours overdue"."""
    if due is None:
        return ""
    if due >= now:
        return gettext("%(time)s left") % {"time": _duration(due - now)}
    return gettext("%(time)s overdue") % {"time": _duration(now - due)}
