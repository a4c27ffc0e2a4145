"""Writes of the personal-data breach register (REQ-PD-3): report an incident, record the
notification to the authority (within 72 hours of finding it, or late with the reason), decide
whether to inform the people affected and record that they were, close it. Each write is
audited (``privacy.breach_*``); a refusal names the field and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record, jsonable
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.privacy.models import (
    NOTIFY_AUTHORITY_HOURS,
    BreachIncident,
    DataCategory,
    SubjectsDecision,
)
from redress.privacy.roles import Permission, permission_check


def privacy_record(
    *,
    actor: Actor,
    action: str,
    target: BreachIncident,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """The audit entry (``privacy.<action>``) of one change, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=f"privacy.{action}",
        target=target,
        target_label=target.reference,
        before=jsonable(dict(before or {})),
        after=jsonable(dict(after or {})),
        at=at,
    )


def _person(actor: Actor, permission: str) -> User:
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, permission)
    return actor.user


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _required(fields: Mapping[str, Any]) -> None:
    missing = {
        name: [_("This field is required.")]
        for name, value in fields.items()
        if value is None or (isinstance(value, str) and not value.strip())
    }
    if missing:
        raise ValidationFailed(_("Some required fields are empty."), fields=missing)


def _not_future(field: str, when: dt.datetime, now: dt.datetime) -> None:
    if when > now:
        raise _refuse(field, _("This time is in the future."))


def _locked(incident: BreachIncident) -> BreachIncident:
    locked = BreachIncident.objects.select_for_update().get(pk=incident.pk)
    if locked.closed_at is not None:
        raise Conflict(_("This breach is closed."), code="breach_closed")
    return locked


@transaction.atomic
def breach_report(
    *,
    actor: Actor,
    title: str,
    description: str,
    discovered_at: dt.datetime | None,
    data_categories: Sequence[str],
    occurred_at: dt.datetime | None = None,
    people_affected: int | None = None,
    affected_description: str = "",
    cause: str = "",
    containment: str = "",
) -> BreachIncident:
    """Enter a breach in the register with the next reference of its year (``BR-2026-001``);
    the clock to notify the authority runs 72 hours from when it was found."""
    user = _person(actor, Permission.BREACH_REPORT)
    _required({"title": title, "description": description, "discovered_at": discovered_at})
    assert discovered_at is not None
    now = timezone.now()
    _not_future("discovered_at", discovered_at, now)
    if occurred_at is not None and occurred_at > discovered_at:
        raise _refuse("occurred_at", _("A breach cannot happen after it was found."))
    chosen = list(dict.fromkeys(data_categories))
    if not chosen:
        raise _refuse("data_categories", _("Choose at least one kind of data concerned."))
    unknown = [code for code in chosen if code not in DataCategory.values]
    if unknown:
        raise _refuse("data_categories", _("Not a valid choice."))
    year = discovered_at.astimezone(timezone.get_current_timezone()).year
    last = (
        BreachIncident.objects.select_for_update()
        .filter(year=year)
        .aggregate(n=Max("sequence"))["n"]
    )
    incident = BreachIncident.objects.create(
        year=year,
        sequence=(last or 0) + 1,
        title=title.strip()[:200],
        description=description.strip(),
        discovered_at=discovered_at,
        occurred_at=occurred_at,
        data_categories=chosen,
        people_affected=people_affected,
        affected_description=affected_description.strip(),
        cause=cause.strip(),
        containment=containment.strip(),
        notify_due_at=discovered_at + dt.timedelta(hours=NOTIFY_AUTHORITY_HOURS),
        reported_by=user,
        reported_at=now,
    )
    privacy_record(
        actor=actor,
        action="breach_report",
        target=incident,
        after={
            "title": incident.title,
            "discovered_at": discovered_at,
            "occurred_at": occurred_at,
            "data_categories": chosen,
            "people_affected": people_affected,
            "notify_due_at": incident.notify_due_at,
        },
    )
    return incident


@transaction.atomic
def breach_notify_authority(
    *,
    actor: Actor,
    incident: BreachIncident,
    notified_at: dt.datetime | None,
    authority_reference: str = "",
    late_reason: str = "",
) -> BreachIncident:
    """Record that the authority was notified, and when. Past the 72 hours the reason for the
    delay is required (the law asks for it with a late notification)."""
    _person(actor, Permission.BREACH_MANAGE)
    _required({"notified_at": notified_at})
    assert notified_at is not None
    locked = _locked(incident)
    if locked.authority_notified_at is not None:
        raise Conflict(_("The authority's notification is already recorded."), code="notified")
    _not_future("notified_at", notified_at, timezone.now())
    if notified_at < locked.discovered_at:
        raise _refuse(
            "notified_at", _("The authority cannot be notified before the breach was found.")
        )
    late = notified_at > locked.notify_due_at
    if late and not late_reason.strip():
        raise _refuse(
            "late_reason",
            _("The notification came after the 72 hours: give the reason for the delay."),
        )
    locked.authority_notified_at = notified_at
    locked.authority_reference = authority_reference.strip()[:100]
    locked.late_reason = late_reason.strip() if late else ""
    locked.save(update_fields=["authority_notified_at", "authority_reference", "late_reason"])
    privacy_record(
        actor=actor,
        action="breach_notify_authority",
        target=locked,
        after={
            "notified_at": notified_at,
            "late": late,
            "authority_reference": locked.authority_reference,
        },
    )
    return locked


@transaction.atomic
def breach_decide_subjects(
    *, actor: Actor, incident: BreachIncident, decision: str, reason: str
) -> BreachIncident:
    """Decide whether the people affected are told, with the reason either way (the DPO)."""
    _person(actor, Permission.BREACH_MANAGE)
    if decision not in (SubjectsDecision.INFORM, SubjectsDecision.NOT_INFORM):
        raise _refuse("decision", _("Not a valid choice."))
    _required({"reason": reason})
    locked = _locked(incident)
    if locked.subjects_informed_at is not None:
        raise Conflict(_("The people affected were already informed."), code="informed")
    before = {"decision": locked.subjects_decision, "reason": locked.subjects_reason}
    locked.subjects_decision = decision
    locked.subjects_reason = reason.strip()
    locked.save(update_fields=["subjects_decision", "subjects_reason"])
    privacy_record(
        actor=actor,
        action="breach_decide_subjects",
        target=locked,
        before=before,
        after={"decision": decision, "reason": locked.subjects_reason},
    )
    return locked


@transaction.atomic
def breach_subjects_informed(
    *, actor: Actor, incident: BreachIncident, informed_at: dt.datetime | None
) -> BreachIncident:
    """Record when the people affected were informed (after deciding to inform them)."""
    _person(actor, Permission.BREACH_MANAGE)
    _required({"informed_at": informed_at})
    assert informed_at is not None
    locked = _locked(incident)
    if locked.subjects_decision != SubjectsDecision.INFORM:
        raise _refuse("informed_at", _("First decide to inform the people affected."))
    _not_future("informed_at", informed_at, timezone.now())
    if informed_at < locked.discovered_at:
        raise _refuse("informed_at", _("People cannot be informed before the breach was found."))
    locked.subjects_informed_at = informed_at
    locked.save(update_fields=["subjects_informed_at"])
    privacy_record(
        actor=actor, action="breach_subjects_informed", target=locked, after={"at": informed_at}
    )
    return locked


@transaction.atomic
def breach_close(*, actor: Actor, incident: BreachIncident, note: str) -> BreachIncident:
    """Close a breach once the authority was notified and the decision about the people
    affected was carried out; the closing note says what was learnt."""
    _person(actor, Permission.BREACH_MANAGE)
    _required({"note": note})
    locked = _locked(incident)
    missing = []
    if locked.authority_notified_at is None:
        missing.append(_("the notification to the authority is not recorded"))
    if locked.subjects_decision == SubjectsDecision.UNDECIDED:
        missing.append(_("nobody decided whether to inform the people affected"))
    elif (
        locked.subjects_decision == SubjectsDecision.INFORM and locked.subjects_informed_at is None
    ):
        missing.append(_("the people affected are not informed yet"))
    if missing:
        raise Conflict(
            _("The breach cannot be closed: %(missing)s.") % {"missing": "; ".join(missing)},
            code="breach_incomplete",
        )
    locked.closed_at = timezone.now()
    locked.closing_note = note.strip()
    locked.save(update_fields=["closed_at", "closing_note"])
    privacy_record(actor=actor, action="breach_close", target=locked, after={"note": note.strip()})
    return locked
