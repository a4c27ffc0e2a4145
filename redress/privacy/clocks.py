"""The clocks of a data-subject request (Decree 356/2025; ISO10002.md §5.4), computed on the
organisation's working calendar (``sla.selectors.calendar_for_unit(None)``), so that Tết, public
holidays, swapped Saturdays and the organisation's own days off count as they do for complaints.

- **First response**: within 2 *working* days of receipt (the decree says working days).
- **Completion**: withdrawal of consent, restriction and objection within 15 days, 20 when a
  processor or third party is involved; the other kinds as ``REDRESS_DSAR_COMPLETION_DAYS``
  sets (defaults below). The decree says "days", not working days: these are calendar days,
  counted as the Civil Code counts periods in days (Art. 147–148: the day of receipt is not
  counted; a period whose last day is a day off ends at the end of the next working day).
- **Extension**: once, at most 15 days, from the end of the deadline in force.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from redress.privacy.models import RequestKind
from redress.sla.selectors import calendar_for_unit

FIRST_RESPONSE_WORKING_DAYS = 2
DECREE_DAYS = 15
DECREE_DAYS_WITH_PROCESSOR = 20
MAX_EXTENSION_DAYS = 15
# The kinds whose completion time the decree fixes.
DECREE_KINDS = frozenset(
    {RequestKind.CONSENT_WITHDRAWAL, RequestKind.RESTRICTION, RequestKind.OBJECTION}
)
# The other kinds: the decree's per-right values are not confirmed (ISO10002.md §8); these
# defaults stay within its 10–20 days and are overridden by REDRESS_DSAR_COMPLETION_DAYS.
DEFAULT_COMPLETION_DAYS = {
    RequestKind.ACCESS: 20,
    RequestKind.RECTIFICATION: 10,
    RequestKind.ERASURE: 20,
}


def completion_days(kind: str, *, processor_involved: bool) -> int:
    if kind in DECREE_KINDS:
        return DECREE_DAYS_WITH_PROCESSOR if processor_involved else DECREE_DAYS
    configured = getattr(settings, "REDRESS_DSAR_COMPLETION_DAYS", {}) or {}
    return int(configured.get(str(kind), DEFAULT_COMPLETION_DAYS[RequestKind(kind)]))


def first_response_due(received_at: dt.datetime) -> dt.datetime:
    return calendar_for_unit(None).add_working_days(received_at, FIRST_RESPONSE_WORKING_DAYS)


def completion_due(received_at: dt.datetime, kind: str, *, processor_involved: bool) -> dt.datetime:
    days = completion_days(kind, processor_involved=processor_involved)
    return calendar_for_unit(None).add_calendar_days(received_at, days)


def extended_due(due_at: dt.datetime, days: int) -> dt.datetime:
    """``days`` more days after the deadline in force. The deadline is 24:00 of its last day,
    so counting starts from that day (a moment before midnight), not the day after."""
    return calendar_for_unit(None).add_calendar_days(due_at - dt.timedelta(microseconds=1), days)
