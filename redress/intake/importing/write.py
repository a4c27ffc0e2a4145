"""Writing an import: every row of a checked ``Plan`` as a received complaint, all or nothing.

Writing 100,000 complaints one service call at a time takes far longer than an operator will
wait, so ``plan_write`` is a bulk receive path. It keeps the rules of ``complaint_receive`` by
calling the same rules (``complaints.rules``) and the same bulk writers:

- references are reserved from the same per-year counters under the same row lock, in file
  order (``references_reserve``), so they stay unique and gap-free (a failed import gives its
  numbers back);
- the complainant is found as ``complainant_get_or_create`` finds them, or created;
- every complaint gets its "receive" event and its own audit entry, built by the same rules and
  chained in order under the audit chain's lock (``audit_record_bulk``);
- priority, severity, significance, search text and the hashed tracking code come from the same
  rules, and managers are told of significant complaints;
- each row's intake key is stored, so the same row is never imported twice;
- possible duplicates (the same person, a similar subject, within 30 days) are found for the
  whole file at once, against the stored complaints and the file's earlier rows
  (``importing.duplicates``), and kept as links and on the receive event, as at any receipt;
- consent to the personal-data notice is recorded, in bulk, for the rows whose consent column
  says yes (method "import", the file and row as evidence, on the receive event too);
- deadlines come from the SLA engine's bulk builder (``DeadlineBuilder``, the one
  ``redress sla rebuild`` uses): each complaint is inserted with its stage deadlines and its
  clocks are written with it, in the same transaction.

Imported complaints are records the organisation already holds: no receipt email is sent.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from redress.analytics.repeats import repeat_links_refresh
from redress.analytics.rollup import rollup_mark_received
from redress.audit.services import audit_record_bulk
from redress.complaints.models import (
    Channel,
    Complainant,
    Complaint,
    ComplaintEvent,
    ComplaintLink,
    LinkKind,
    Status,
)
from redress.complaints.queue_tally import queue_tally_add
from redress.complaints.references import references_reserve, tracking_code_hash
from redress.complaints.rules import (
    ComplainantKey,
    audited_values,
    complainant_keys,
    complainant_match_key,
    complainant_search_text,
    complaint_search_text,
    event_audit_draft,
    intake_priority_severity,
    is_significant,
    receive_event_values,
)
from redress.core.actors import Actor
from redress.core.bulk import bulk_insert
from redress.core.roles import Role
from redress.core.selectors import organisation_get, unit_ancestor_ids, users_with_role
from redress.core.text import MemoisedFold
from redress.handling.services import default_intake_unit
from redress.intake.consent import import_consent_evidence
from redress.intake.importing.check import SCOPE, CheckedRow, Plan
from redress.intake.importing.duplicates import Earlier, rows_duplicates
from redress.intake.models import IntakeKey
from redress.notifications.models import Notification
from redress.sla.services import DeadlineBuilder, due_fields
from redress.transparency.models import (
    ConsentMethod,
    ConsentPurpose,
    ConsentScope,
    Notice,
    NoticeConsent,
)
from redress.transparency.selectors import notice_in_force_chooser

IMPORT_ACTOR = Actor.channel("import")
CHUNK = 2000  # rows written together (each table's rows of a chunk in one COPY)
LOOKUP = 5000  # values per query when finding complainants


@dataclass
class ImportResult:
    created: int
    complaint_ids: list[int]
    references: tuple[str, str] | None  # first and last reference created


def plan_write(
    plan: Plan,
    *,
    actor: Actor = IMPORT_ACTOR,
    source: str = "import",
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write every row of a checked plan as a received complaint, all or nothing (see the module
    doc). Refuses a plan with errors. ``file_name``: the imported file, kept as the evidence of
    the consents its rows record."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be imported")
    if not plan.rows:
        return ImportResult(0, [], None)
    with transaction.atomic():
        result = _write(
            plan.rows, actor=actor, source=source, file_name=file_name, progress=progress
        )
        queue_tally_add(Complaint.objects.filter(pk__in=result.complaint_ids))
    return result


def _write(
    rows: Sequence[CheckedRow],
    *,
    actor: Actor,
    source: str,
    file_name: str,
    progress: Callable[[int], None] | None,
) -> ImportResult:
    organisation = organisation_get()
    now = timezone.now()
    default_unit = default_intake_unit().pk
    received = [r.values["received_at"] or now for r in rows]
    references = references_reserve(
        prefix=organisation.reference_prefix,
        received_at=received,
        time_zone=organisation.time_zone,
    )
    # Before anything is written: the stored complaints compared are those there before.
    duplicates = rows_duplicates(rows, received)
    people = _complainants(rows)
    folder = MemoisedFold()
    notice_at = notice_in_force_chooser()
    ids: list[int] = []
    significant: list[tuple[int, int]] = []
    deadlines = DeadlineBuilder()
    for start in range(0, len(rows), CHUNK):
        part = slice(start, start + CHUNK)
        chunk = rows[part]
        complaints: list[dict[str, Any]] = []
        for row, at, reference, person in zip(
            chunk, received[part], references[part], people[part], strict=True
        ):
            v = row.values
            vulnerable = bool(v["vulnerable_group"])
            priority, severity = intake_priority_severity(
                vulnerable=vulnerable, health_safety=v["health_safety"]
            )
            subject = v["subject"][:300]
            order_ref = v["order_ref"][:100]
            complaints.append(
                {
                    "reference": reference,
                    # The code of an imported complaint is random and never shown (as with any
                    # complaint whose receipt was not sent); staff can give the complainant a new one.
                    "tracking_code_hash": tracking_code_hash(reference, secrets.token_urlsafe(12)),
                    "status": Status.RECEIVED,
                    "channel": v["channel"],
                    "received_at": at,
                    "received_by_id": actor.user_id,
                    "language": v["preferred_language"],
                    "source_system": source[:64],
                    "complainant_id": person["id"],
                    "subject": subject,
                    "description": v["description"],
                    "occurred_on": v["occurred_on"],
                    "category_id": v["category"],
                    "product_id": v["product"],
                    "order_ref": order_ref,
                    "remedy_requested": v["remedy_requested"],
                    "amount_claimed": v["amount_claimed"],
                    "currency": organisation.currency,
                    "is_negotiation_request": v["is_negotiation_request"],
                    "vulnerable_group": v["vulnerable_group"],
                    "health_safety": v["health_safety"],
                    "priority": priority,
                    "severity": severity,
                    "is_significant": is_significant(
                        health_safety=v["health_safety"], severity=severity, vulnerable=vulnerable
                    ),
                    "unit_id": v["unit"] or default_unit,
                    "search_text": complaint_search_text(
                        reference, subject, v["description"], order_ref, folder=folder
                    ),
                    "search_personal": complainant_search_text(
                        person["full_name"],
                        person["organisation"],
                        person["email"],
                        person["phone"],
                        folder=folder,
                    ),
                }
            )
        # Each complaint is inserted with its stage deadlines and its clocks follow at once,
        # as the SLA engine starts them at receipt (nothing has happened to them yet).
        planned = [deadlines.plan(c, ()) for c in complaints]
        for c, replay in zip(complaints, planned, strict=True):
            c.update(due_fields(replay.clocks))
        complaint_ids = bulk_insert(Complaint, complaints)
        deadlines.write(list(zip(complaint_ids, planned, strict=True)))
        ids.extend(complaint_ids)
        links = _links(duplicates, range(part.start, part.start + len(chunk)), ids, now)
        bulk_insert(ComplaintLink, links)
        events = []
        consents: list[dict[str, Any]] = []
        for position, c, row, pk in zip(
            range(part.start, part.start + len(chunk)),
            complaints,
            chunk,
            complaint_ids,
            strict=True,
        ):
            # As ``complaint_receive`` keeps them: references that may be the same complaint.
            extra: dict[str, Any] = {"import_row": row.row}
            found = [
                e.reference if e.position is None else references[e.position]
                for e in duplicates.get(position, ())
            ]
            if found:
                extra["possible_duplicates"] = found
            consent = _consent(row, c, notice_at, file_name or source)
            if consent is not None:
                consents.append({**consent, "complaint_id": pk})
                # On the receive event, so that the audit chain holds it as for any receipt.
                extra["consent"] = {
                    "notice_version": consent["notice"].version,
                    "method": ConsentMethod.IMPORT,
                }
            event = receive_event_values(
                channel=c["channel"],
                at=c["received_at"],
                actor_kind=actor.kind,
                actor_label=actor.label,
                actor_user_id=actor.user_id,
                negotiation_request=c["is_negotiation_request"],
                **extra,
            )
            event["complaint_id"] = pk
            events.append(event)
        event_ids = bulk_insert(ComplaintEvent, events)
        bulk_insert(
            NoticeConsent,
            [
                {**{k: v for k, v in c.items() if k != "notice"}, "notice_id": c["notice"].pk}
                for c in consents
            ],
        )
        audit_record_bulk(
            [
                event_audit_draft(
                    complaint_id=pk,
                    reference=c["reference"],
                    event=event,
                    event_id=event_id,
                    before={},
                    after=audited_values(c),
                )
                for c, pk, event, event_id in zip(
                    complaints, complaint_ids, events, event_ids, strict=True
                )
            ]
        )
        bulk_insert(
            IntakeKey,
            [
                {"scope": SCOPE, "key": row.key, "fingerprint": row.key, "complaint_id": pk}
                for row, pk in zip(chunk, complaint_ids, strict=True)
            ],
        )
        rollup_mark_received((c["received_at"], c["unit_id"]) for c in complaints)
        repeat_links_refresh({c["complainant_id"] for c in complaints})
        significant.extend(
            (pk, c["unit_id"])
            for pk, c in zip(complaint_ids, complaints, strict=True)
            if c["is_significant"]
        )
        if progress:
            progress(len(chunk))
    _tell_managers(significant)
    return ImportResult(len(ids), ids, (references[0], references[-1]))


def _consent(
    row: CheckedRow,
    complaint: dict[str, Any],
    notice_at: Callable[[dt.datetime], Notice | None],
    file_name: str,
) -> dict[str, Any] | None:
    """The consent a row records: only where its consent column says yes, to the version in
    force when it was given (its consent time, else when the complaint was received)."""
    if not row.values.get("consent"):
        return None
    given_at = row.values.get("consent_at") or complaint["received_at"]
    notice = notice_at(given_at)
    if notice is None:
        return None
    return {
        "notice": notice,
        "language": complaint["language"],
        "channel": complaint["channel"],
        "method": ConsentMethod.IMPORT,
        "purpose": ConsentPurpose.COMPLAINT_HANDLING,
        "scope": ConsentScope.COMPLAINT_DATA,
        "evidence": import_consent_evidence(file=file_name, row=row.row),
        "given_at": given_at,
        "withdrawn_by": "",
        "withdrawal_method": "",
        "withdrawal_note": "",
    }


def _links(
    duplicates: dict[int, list[Earlier]], positions: range, ids: Sequence[int], at: Any
) -> list[dict[str, Any]]:
    """The possible-duplicate links of the rows at ``positions`` (``ids``: every complaint
    written so far, in file order; an earlier row is always written before the one repeating it)."""
    return [
        {
            "complaint_id": ids[position],
            "other_id": e.complaint_id if e.position is None else ids[e.position],
            "kind": LinkKind.POSSIBLE_DUPLICATE,
            "found_by": "import",
            "found_at": at,
        }
        for position in positions
        for e in duplicates.get(position, ())
    ]


_PERSON = (
    "full_name",
    "email",
    "phone",
    "address",
    "organisation",
    "preferred_language",
    "preferred_channel",
    "vulnerable_group",
)


def _complainants(rows: Sequence[CheckedRow]) -> list[dict[str, Any]]:
    """The complainant of every row, in row order (a dict of their fields with their id): found
    as ``complainant_get_or_create`` finds them (``complainant_match_key``), or new. Rows of the
    same new person share one complainant, as they would one receipt after another."""
    keys = [
        complainant_match_key(
            full_name=r.values["full_name"], email=r.values["email"], phone=r.values["phone"]
        )
        for r in rows
    ]
    stored: dict[ComplainantKey, dict[str, Any]] = {}
    for found in _stored_complainants(keys):
        for stored_key in complainant_keys(
            full_name=found["full_name"], email=found["email"], phone=found["phone"]
        ):
            stored.setdefault(stored_key, found)
    people: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for row, key in zip(rows, keys, strict=True):
        match = stored.get(key) if key is not None else None
        if match is not None:
            people.append(match)
            continue
        v = row.values
        person = {
            "full_name": v["full_name"],
            "email": v["email"],
            "phone": v["phone"],
            "address": v["address"],
            "organisation": v["organisation"],
            "preferred_language": v["preferred_language"],
            "preferred_channel": Channel.EMAIL if v["email"] else Channel.PHONE,
            "vulnerable_group": v["vulnerable_group"],
        }
        new.append(person)
        if key is not None:
            stored[key] = person
        people.append(person)
    for start in range(0, len(new), CHUNK):
        part = new[start : start + CHUNK]
        for person, pk in zip(part, bulk_insert(Complainant, part), strict=True):
            person["id"] = pk
    return people


def _stored_complainants(keys: Sequence[ComplainantKey | None]) -> list[dict[str, Any]]:
    """The stored complainants some key may match, oldest first (``complainant_get_or_create``
    takes the first match)."""
    emails = sorted({k[1] for k in keys if k is not None and k[0] == "email"})
    phones = sorted({k[1] for k in keys if k is not None and k[0] == "phone"})
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(emails), LOOKUP):
        by_email = Complainant.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails[start : start + LOOKUP]
        )
        found.update((p["id"], p) for p in by_email.values("id", *_PERSON))
    for start in range(0, len(phones), LOOKUP):
        by_phone = Complainant.objects.filter(phone__in=phones[start : start + LOOKUP])
        found.update((p["id"], p) for p in by_phone.values("id", *_PERSON))
    return [found[pk] for pk in sorted(found)]


def _tell_managers(significant: Sequence[tuple[int, int]]) -> None:
    """As the service does: the complaints managers over the unit and top management hear of
    each significant complaint (complaint id, unit id) at once."""
    if not significant:
        return
    top = users_with_role(Role.TOP_MANAGEMENT)
    by_unit: dict[int, list[int]] = {}
    rows: list[Notification] = []
    for complaint_id, unit_id in significant:
        if unit_id not in by_unit:
            managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(unit_id))
            by_unit[unit_id] = sorted({u.pk for u in [*managers, *top]})
        rows.extend(
            Notification(
                recipient_id=user_id,
                kind=Notification.Kind.SIGNIFICANT,
                complaint_id=complaint_id,
                dedupe_key=f"significant:{complaint_id}",
            )
            for user_id in by_unit[unit_id]
        )
    Notification.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
