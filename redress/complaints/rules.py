"""The rules of the complaint register, as pure functions over plain values.

Each rule that the single-complaint services (``redress.handling``) and the bulk paths (the
import, ``intake.importing``; the demo seed, ``intake.seed``) both apply lives here once, so that
a complaint received one way or the other gets the same reference, priority, significance,
search text, complainant, event and audit entry by construction. Nothing here reads or writes
the database; the callers do, with what these functions return.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from redress.audit.services import AuditDraft
from redress.complaints.models import Complaint, Level, Priority, Severity, Status
from redress.complaints.models.priority import DEFAULT_PRIORITY_MATRIX
from redress.complaints.transitions import VISIBLE_TO_COMPLAINANT, Action
from redress.core.text import fold

# ---------------------------------------------------------------------------------------------
# References: KN-2026-000123, numbered per year of receipt

REFERENCE_DIGITS = 6
# What a typed reference looks like (a configurable prefix of up to 8 letters).
REFERENCE_PATTERN = re.compile(r"^[A-Za-z]{1,8}-\d{4}-\d{1,9}$")


def reference_year(received_at: dt.datetime, time_zone: str | dt.tzinfo) -> int:
    """The year whose counter numbers the complaint: the year it was received in, in the
    organisation's time (a complaint received at 23:30 on 31 December in Hà Nội is of that
    year, though it is already the next one in UTC)."""
    zone = zoneinfo.ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    return received_at.astimezone(zone).year


def reference_format(prefix: str, year: int, number: int) -> str:
    """The reference of the ``number``-th complaint of ``year``: ``KN-2026-000123``."""
    return f"{prefix}-{year}-{number:0{REFERENCE_DIGITS}d}"


# ---------------------------------------------------------------------------------------------
# Priority, severity and significance at receipt

SIGNIFICANT_SEVERITIES = frozenset({Severity.HIGH, Severity.CRITICAL})


def intake_priority_severity(*, vulnerable: bool, health_safety: bool) -> tuple[str, str]:
    """(priority, severity) of a complaint as received, before anyone assesses it: urgent and
    high for a health or safety risk; high priority for a vulnerable complainant; otherwise
    normal and medium."""
    if health_safety:
        return Priority.URGENT, Severity.HIGH
    if vulnerable:
        return Priority.HIGH, Severity.MEDIUM
    return Priority.NORMAL, Severity.MEDIUM


def is_significant(*, health_safety: bool, severity: str, vulnerable: bool) -> bool:
    """Significant complaints (health or safety, high or critical severity, a vulnerable
    complainant) are told to the complaints managers and top management at once."""
    return bool(health_safety or severity in SIGNIFICANT_SEVERITIES or vulnerable)


# ---------------------------------------------------------------------------------------------
# Priority at initial assessment (7.5): the severity × impact matrix, under the statutory floors

PriorityMatrixCells = Mapping[str, Mapping[str, str]]
# Lowest to highest: a floor is a minimum on this scale.
PRIORITY_RANK = {p: n for n, p in enumerate(Priority.values)}
# An assessment that leaves the impact out reads this column of the matrix.
IMPACT_WHEN_UNSET = Level.MEDIUM


def priority_matrix_errors(cells: object) -> list[str]:
    """What is missing or wrong in a priority matrix, one sentence per bad cell; empty when it
    gives a valid priority for every severity and every impact."""
    if not isinstance(cells, Mapping):
        return [_("The matrix must give a priority for each severity and impact.")]
    errors = []
    for severity in Severity:
        row = cells.get(severity.value)
        for impact in Level:
            value = row.get(impact.value) if isinstance(row, Mapping) else None
            if value not in Priority.values:
                errors.append(
                    _("No valid priority for severity “%(severity)s” and impact “%(impact)s”.")
                    % {"severity": severity.label, "impact": impact.label}
                )
    return errors


def priority_floor(*, health_safety: bool, vulnerable: bool) -> str:
    """The lowest priority the law and the policy allow: urgent for a health or safety risk,
    high for a vulnerable complainant (Law 19/2023 Art. 8), else no floor (low)."""
    if health_safety:
        return Priority.URGENT
    if vulnerable:
        return Priority.HIGH
    return Priority.LOW


def priority_at_least(priority: str, floor: str) -> str:
    """``priority``, raised to ``floor`` when it is below it."""
    return priority if PRIORITY_RANK[priority] >= PRIORITY_RANK[floor] else floor


def matrix_priority(cells: PriorityMatrixCells | None, *, severity: str, impact: str) -> str:
    """The matrix's cell for the severity and impact (the medium column when the impact is not
    assessed); the default matrix's cell when the organisation's lacks it."""
    column = impact or IMPACT_WHEN_UNSET
    value = (cells or {}).get(severity, {}).get(column)
    if value in Priority.values:
        return str(value)
    return str(DEFAULT_PRIORITY_MATRIX[Severity(severity)][Level(column)])


def proposed_priority(
    cells: PriorityMatrixCells | None,
    *,
    severity: str,
    impact: str,
    health_safety: bool,
    vulnerable: bool,
) -> str:
    """The priority proposed at assessment: the matrix's, never below the statutory floor
    (``priority_floor``): the matrix cannot lower a health/safety complaint below urgent."""
    return priority_at_least(
        matrix_priority(cells, severity=severity, impact=impact),
        priority_floor(health_safety=health_safety, vulnerable=vulnerable),
    )


# ---------------------------------------------------------------------------------------------
# Dispute routes of a complaint affecting the public interest (REQ-VN-3)

# Words (folded) that name a negotiation or mediation route, in Vietnamese and English.
NEGOTIATION_OR_MEDIATION_WORDS = ("hoa giai", "thuong luong", "mediat", "negotiat", "conciliat")


def is_negotiation_or_mediation(provider: str) -> bool:
    """Whether an external body, as typed, is a negotiation or mediation route: Law 19/2023
    allows neither where the dispute harms the State's, many consumers' or the public
    interest, so a complaint flagged ``public_interest`` is not referred to one."""
    folded = fold(provider)
    return any(word in folded for word in NEGOTIATION_OR_MEDIATION_WORDS)


# ---------------------------------------------------------------------------------------------
# Search text (``complaints.search``)


def complaint_search_text(
    reference: str,
    subject: str,
    description: str,
    order_ref: str,
    *,
    folder: Callable[[str], str] = fold,
) -> str:
    """``Complaint.search_text``: the reference, subject, description and order reference,
    folded. ``folder`` must give what ``core.text.fold`` gives (a faster one for bulk loads)."""
    return folder(" ".join(p for p in (reference, subject, description, order_ref) if p))


def complainant_search_text(
    full_name: str,
    organisation: str,
    email: str,
    phone: str,
    *,
    folder: Callable[[str], str] = fold,
) -> str:
    """``Complaint.search_personal``: the complainant's name, organisation and contacts, folded;
    the phone also as bare digits, so that "0912 345 678" is found by "0912345678" and the
    reverse."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return folder(" ".join(p for p in (full_name, organisation, email, phone, digits) if p))


# ---------------------------------------------------------------------------------------------
# Finding a returning complainant

ComplainantKey = tuple[str, str, str]


def complainant_match_key(*, full_name: str, email: str, phone: str) -> ComplainantKey | None:
    """What an incoming complainant is matched by: the same full name with the same email
    (ignoring case), or, without an email, the same full name with the same phone. None when
    there is neither: the complainant is new."""
    name = full_name.strip()
    if email.strip():
        return ("email", email.strip().lower(), name)
    if phone.strip():
        return ("phone", phone.strip(), name)
    return None


def complainant_keys(*, full_name: str, email: str, phone: str) -> list[ComplainantKey]:
    """Every key under which a stored complainant is found: by their email, and by their phone
    (an incoming complainant without an email is matched by phone whatever the stored email)."""
    name = full_name.strip()
    keys = []
    if email.strip():
        keys.append(("email", email.strip().lower(), name))
    if phone.strip():
        keys.append(("phone", phone.strip(), name))
    return keys


# ---------------------------------------------------------------------------------------------
# Events and their audit entries

# The fields of a complaint whose changes its audit entries record (before → after).
AUDITED_FIELDS = (
    "status",
    "owner_id",
    "unit_id",
    "priority",
    "severity",
    "classification",
    "health_safety",
    "is_significant",
    "paused_at",
    "pause_reason",
    "subject_staff_id",
)
AUDIT_TARGET = Complaint._meta.label_lower  # as ``audit_record`` names a complaint


@functools.cache
def _audited_defaults() -> dict[str, Any]:
    fields = {f.attname: f for f in Complaint._meta.concrete_fields}
    return {name: fields[name].get_default() for name in AUDITED_FIELDS}


def audited_values(complaint: Complaint | Mapping[str, Any]) -> dict[str, Any]:
    """The audited fields of a complaint, or of a complaint row about to be written (a field
    the row leaves out has its default, as it will in the database)."""
    if isinstance(complaint, Mapping):
        defaults = _audited_defaults()
        return {name: complaint.get(name, defaults[name]) for name in AUDITED_FIELDS}
    return {name: getattr(complaint, name) for name in AUDITED_FIELDS}


def audit_change(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audited fields that an action changed: (their values before, their values after).
    At receipt ``before`` is empty and every field that has a value counts as changed."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in after.items():
        previous = before.get(name)
        if previous != value:
            old[name] = previous
            new[name] = value
    return old, new


def event_audit_after(
    changed: Mapping[str, Any], *, event_id: int | str, data: dict[str, Any]
) -> dict[str, Any]:
    """The ``after`` of an event's audit entry: the changed fields, the event's id and, when it
    has any, the event's data."""
    return {**changed, "event": event_id, **({"data": data} if data else {})}


def event_audit_action(action: str) -> str:
    """The audit action of a complaint event: ``complaint.receive``, ``complaint.assess``…"""
    return f"complaint.{action}"


def event_method(method: str, *, actor_kind: str, actor_label: str) -> str:
    """How the action was taken: as given, or for a channel acting alone, the channel."""
    return method or (actor_label if actor_kind == "channel" else "")


def event_values(
    *,
    action: str,
    from_status: str,
    to_status: str,
    at: dt.datetime,
    actor_kind: str,
    actor_label: str,
    actor_user_id: int | None,
    data: dict[str, Any],
    method: str = "",
) -> dict[str, Any]:
    """The fields of a ``ComplaintEvent`` (without the complaint): who, when, from which state
    to which, how, and whether the complainant sees it on their timeline."""
    return {
        "at": at,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "actor_kind": actor_kind,
        "actor_label": actor_label[:150],
        "actor_user_id": actor_user_id,
        "method": event_method(method, actor_kind=actor_kind, actor_label=actor_label),
        "data": data,
        "visible_to_complainant": action in VISIBLE_TO_COMPLAINANT,
    }


def receive_event_data(
    *, channel: str, negotiation_request: bool, attachments: int, **extra: Any
) -> dict[str, Any]:
    """The data of a "receive" event (``extra``: what a bulk path adds, e.g. the file's row)."""
    return {
        "channel": channel,
        "negotiation_request": negotiation_request,
        "attachments": attachments,
        **extra,
    }


def receive_event_values(
    *,
    channel: str,
    at: dt.datetime,
    actor_kind: str,
    actor_label: str,
    actor_user_id: int | None,
    negotiation_request: bool,
    attachments: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """The "receive" event of a new complaint (``event_values`` with the receipt's data)."""
    return event_values(
        action=Action.RECEIVE,
        from_status="",
        to_status=Status.RECEIVED,
        at=at,
        actor_kind=actor_kind,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        method=channel,
        data=receive_event_data(
            channel=channel,
            negotiation_request=negotiation_request,
            attachments=attachments,
            **extra,
        ),
    )


def event_audit_draft(
    *,
    complaint_id: int | str,
    reference: str,
    event: Mapping[str, Any],
    event_id: int | str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> AuditDraft:
    """The audit entry of a complaint event (``event``: its ``event_values``), as
    ``audit_record_bulk`` takes it. ``before`` and ``after`` are the complaint's
    ``audited_values`` around the action (at receipt, ``before`` is empty). The ids may be
    slots (``audit_slot``) for ``audit_entry_prepare``."""
    audit_before, audit_after = audit_change(before, after)
    return {
        "at": event["at"],
        "actor_kind": event["actor_kind"],
        "actor_label": event["actor_label"],
        "actor_user_id": event["actor_user_id"],
        "action": event_audit_action(event["action"]),
        "target_type": AUDIT_TARGET,
        "target_id": str(complaint_id),
        "target_label": reference,
        "before": audit_before,
        "after": event_audit_after(audit_after, event_id=event_id, data=event["data"]),
    }
