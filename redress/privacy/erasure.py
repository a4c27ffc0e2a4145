"""Erasure by anonymisation (PDPL right to deletion; ISO10002.md §5): a person's identifiers are
removed from every table and file while the statistics stay.

- ``complaints_anonymise``: the core, also for retention. For each complaint its complainant's
  record is blanked (the name becomes ``scrub.PLACEHOLDER``), the representative's details and
  the order reference cleared, every identifier replaced in the free text of every row linked
  to the complaint (description, messages, events, decisions, outbox mail, inbound mail store,
  webhook payloads, survey comment...) and then in any other row of any table that still
  mentions one (quarantine, admin log, investigation notes); attachments and original emails
  deleted from storage; stored import spreadsheets rewritten without them (``import_files``); search columns rebuilt; the audit entries holding an identifier
  redacted (``audit.services.audit_redact``, so that ``redress audit verify`` still passes).
  Category, dates, channel, unit, status, outcome, remedies and amounts, survey scores,
  deadlines and rollups are untouched: the KPI figures do not move.
- ``person_erase``: every complainant record with an email or phone, refused while one of their
  complaints is open or under a legal hold.

Every erasure is audited (``privacy.erase``) with counts, complaint ids and the reason, never an
identifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.models import AuditEntry
from redress.audit.services import RedactedContent, audit_record, audit_redact
from redress.complaints.models import Attachment, Complainant, Complaint, Status
from redress.complaints.rules import complainant_search_text, complaint_search_text
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.privacy.import_files import import_files_rewrite
from redress.privacy.legal_hold import held_complaint_ids
from redress.privacy.models import AnonymisedComplaint, Erasure
from redress.privacy.roles import Permission, permission_check
from redress.privacy.scrub import (
    PLACEHOLDER,
    Identifiers,
    ScrubCount,
    forms_batches,
    phone_national,
    rows_scrub,
    rows_sweep,
)
from redress.privacy.selectors import complainants_matching

# The lifecycle's end states: a complaint in any other is still being handled.
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.NOT_ACCEPTED})


@dataclass
class ErasureReport:
    """What an erasure did, in counts."""

    erasure_id: int
    complaint_ids: list[int]
    complainants: int
    rows: dict[str, int] = field(default_factory=dict)  # rows changed per table
    files_deleted: int = 0
    import_files_rewritten: int = 0
    audit_redacted: int = 0

    @property
    def rows_changed(self) -> int:
        return sum(self.rows.values())

    def as_counts(self) -> dict[str, object]:
        return {
            "complaints": len(self.complaint_ids),
            "complainants": self.complainants,
            "rows_changed": self.rows_changed,
            "rows_by_table": dict(sorted(self.rows.items())),
            "files_deleted": self.files_deleted,
            "import_files_rewritten": self.import_files_rewritten,
            "audit_entries_redacted": self.audit_redacted,
        }


def _refuse(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field_name: [message]})


def _authorise(actor: Actor) -> None:
    """The DPO, or a job of Redress itself (retention; the command line, run by whoever has
    the server); never a channel (the portal, the API's integrations)."""
    if actor.kind == "channel":
        raise NotPermitted(_("You may not do this: %(what)s.") % {"what": _("erase personal data")})
    if actor.kind == "user":
        if actor.user is None:
            raise NotPermitted(_("Only a signed-in person can do this."))
        permission_check(actor.user, Permission.ERASE)


def erasure_blockers(complaint_ids: Iterable[int]) -> tuple[list[str], list[str]]:
    """The references of the complaints still open, and of those under a legal hold."""
    ids = list(complaint_ids)
    rows = Complaint.objects.filter(pk__in=ids).order_by("reference")
    still_open = [c.reference for c in rows if c.status not in FINISHED]
    held = held_complaint_ids(ids)
    return still_open, [c.reference for c in rows if c.pk in held]


def _blockers_check(complaint_ids: Sequence[int]) -> None:
    still_open, held = erasure_blockers(complaint_ids)
    if still_open:
        raise _refuse(
            "complaints",
            _(
                "These complaints are still being handled, so their personal data cannot be "
                "erased yet: %(references)s."
            )
            % {"references": ", ".join(still_open)},
        )
    if held:
        raise _refuse(
            "complaints",
            _(
                "These complaints are under a legal hold, so their personal data cannot be "
                "erased: %(references)s."
            )
            % {"references": ", ".join(held)},
        )


def _identifiers(
    complainants: Sequence[Complainant], complaints: Sequence[Complaint]
) -> Identifiers:
    texts: list[str] = []
    phones: list[str] = []
    for person in complainants:
        texts += [person.full_name, person.email, person.address, person.organisation]
        phones.append(person.phone)
    for complaint in complaints:
        texts += [complaint.representative_name, complaint.order_ref]
        contact = complaint.representative_contact
        if len(phone_national(contact)) >= 9 and not any(ch.isalpha() for ch in contact):
            phones.append(contact)
        else:
            texts.append(contact)
    return Identifiers.of((t for t in texts if t and t != PLACEHOLDER), (p for p in phones if p))


def _linked_rows(
    model: type[models.Model], ids: Sequence[int]
) -> list[models.QuerySet[models.Model]]:
    """The rows of every table linked to ``model`` rows ``ids`` by a foreign key."""
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or not isinstance(related, type) or related is Attachment:
            continue
        found.append(related._base_manager.filter(**{f"{relation.field.name}__in": ids}))
    return found


def _inbound_mail() -> type[models.Model]:
    # The inbound mail store is intake's; intake sits above privacy in the layers (it records
    # consent through it), so the model is taken from the registry rather than imported.
    return apps.get_model("intake", "InboundEmail")


def _delete_files(names: set[str], report: ErasureReport) -> None:
    """Delete the files once the erasure is committed (a rolled-back erasure keeps them)."""

    def delete() -> None:
        for name in names:
            if default_storage.exists(name):
                default_storage.delete(name)

    report.files_deleted += len(names)
    transaction.on_commit(delete)


def _attachments_remove(complaint_ids: Sequence[int], report: ErasureReport) -> None:
    """The complaints' attachments, rows and files (a file is kept while another complaint's
    attachment has the same content, hence the same name)."""
    rows = Attachment.objects.filter(complaint_id__in=complaint_ids)
    names = {name for name in rows.values_list("file", flat=True) if name}
    shared = set(
        Attachment.objects.filter(file__in=names)
        .exclude(complaint_id__in=complaint_ids)
        .values_list("file", flat=True)
    )
    deleted, _per_model = rows.delete()
    if deleted:
        report.rows[Attachment._meta.db_table] = deleted
    _delete_files(names - shared, report)


def _raw_mail_remove(
    complaint_ids: Sequence[int], emails: Sequence[str], ids: Identifiers, count: ScrubCount
) -> set[str]:
    """The original emails of the complaints and any other (quarantined, ignored) from the
    person's addresses: their text scrubbed, their files to delete."""
    inbound = _inbound_mail()
    from_person = Q()
    for email in emails:
        from_person |= Q(from_address__iexact=email)
    # By primary key: scrubbing changes the addresses they were found by.
    found = inbound._base_manager.filter(Q(complaint_id__in=complaint_ids) | from_person)
    rows = inbound._base_manager.filter(pk__in=list(found.values_list("pk", flat=True)))
    names = {name for name in rows.values_list("raw", flat=True) if name}
    rows_scrub(rows, ids, count)
    rows.exclude(raw="").update(raw="")
    # A quarantined email without its original cannot be processed again: it leaves the
    # quarantine as dismissed, by the erasure.
    rows.filter(outcome="quarantined").update(
        outcome="dismissed", reviewed_at=timezone.now(), reviewed_by="erasure"
    )
    return names


def _complainants_blank(complainants: Sequence[Complainant], count: ScrubCount) -> None:
    pks = [c.pk for c in complainants]
    n = Complainant.objects.filter(pk__in=pks).update(
        full_name=PLACEHOLDER, email="", phone="", address="", organisation=""
    )
    count.add(Complainant._meta.db_table, n)


def _complaints_blank(complaint_ids: Sequence[int], ids: Identifiers, count: ScrubCount) -> None:
    """The structured personal fields of the complaints, their free text, and their search
    columns rebuilt from what is left (``complaints.rules``)."""
    Complaint.objects.filter(pk__in=complaint_ids).exclude(representative_name="").update(
        representative_name=PLACEHOLDER
    )
    Complaint.objects.filter(pk__in=complaint_ids).update(
        representative_contact="", representative_relation="", order_ref=""
    )
    rows_scrub(Complaint.objects.filter(pk__in=complaint_ids), ids, count)
    for c in Complaint.objects.filter(pk__in=complaint_ids).select_related("complainant"):
        person = c.complainant
        Complaint.objects.filter(pk=c.pk).update(
            search_text=complaint_search_text(c.reference, c.subject, c.description, c.order_ref),
            search_personal=complainant_search_text(
                person.full_name, person.organisation, person.email, person.phone
            ),
        )


def _audit_redactions(
    complaint_ids: Sequence[int], complainant_ids: Sequence[int], ids: Identifiers
) -> dict[int, RedactedContent]:
    """The audit entries about the complaints or complainants (one indexed query), and any
    other whose content holds an identifier (a scan of the JSON as text per batch of forms),
    redacted."""
    about = Q(
        target_type=Complaint._meta.label_lower, target_id__in=[str(i) for i in complaint_ids]
    ) | Q(
        target_type=Complainant._meta.label_lower,
        target_id__in=[str(i) for i in complainant_ids],
    )
    entries = AuditEntry.objects.annotate(
        _before=Cast("before", TextField()), _after=Cast("after", TextField())
    )
    seqs = set(entries.filter(about).values_list("seq", flat=True))
    # The mentions in batches of forms, as the sweep does (``scrub.forms_batches``).
    for batch in forms_batches(ids.search_forms(), 3):
        mention = Q()
        for form in batch:
            mention |= (
                Q(target_label__icontains=form)
                | Q(_before__icontains=form)
                | Q(_after__icontains=form)
            )
        seqs.update(entries.filter(mention).values_list("seq", flat=True))
    redactions: dict[int, RedactedContent] = {}
    ordered = sorted(seqs)
    for start in range(0, len(ordered), 500):
        for entry in AuditEntry.objects.filter(seq__in=ordered[start : start + 500]).order_by(
            "seq"
        ):
            _redaction_add(redactions, entry, ids)
    return redactions


def _redaction_add(
    redactions: dict[int, RedactedContent], entry: AuditEntry, ids: Identifiers
) -> None:
    content: RedactedContent = {
        "before": ids.replace_json(entry.before or {}),
        "after": ids.replace_json(entry.after or {}),
        "target_label": ids.replace(entry.target_label),
    }
    if (content["before"], content["after"], content["target_label"]) != (
        entry.before or {},
        entry.after or {},
        entry.target_label,
    ):
        redactions[entry.seq] = content


def _anonymise(
    complaint_ids: Sequence[int],
    complainants: Sequence[Complainant],
    *,
    actor: Actor,
    reason: str,
    extra_identifiers: Iterable[str] = (),
    extra_phones: Iterable[str] = (),
) -> ErasureReport:
    complaints = list(Complaint.objects.filter(pk__in=complaint_ids).select_for_update())
    ids = _identifiers(complainants, complaints)
    ids = Identifiers.of(
        [*ids.texts, *extra_identifiers], [*ids.phones, *(p for p in extra_phones if p)]
    )
    now = timezone.now()
    erasure = Erasure.objects.create(
        at=now,
        actor_label=actor.label[:150],
        by=actor.user,
        reason=ids.replace(reason.strip()),
        complaint_ids=sorted(complaint_ids),
    )
    report = ErasureReport(erasure.pk, sorted(complaint_ids), len(complainants))
    count = ScrubCount()
    emails = [c.email for c in complainants if c.email]

    _attachments_remove(complaint_ids, report)
    files = _raw_mail_remove(complaint_ids, emails, ids, count)
    for queryset in _linked_rows(Complaint, complaint_ids):
        rows_scrub(queryset, ids, count)
    # Records kept about the person rather than a complaint (their complaints are above).
    for queryset in _linked_rows(Complainant, [c.pk for c in complainants]):
        if queryset.model is not Complaint:
            rows_scrub(queryset, ids, count)
    _complaints_blank(complaint_ids, ids, count)
    _complainants_blank(complainants, count)
    rows_sweep(ids, count)
    report.import_files_rewritten = import_files_rewrite(complaint_ids, ids)
    _delete_files(files, report)
    for table, n in count.rows.items():
        report.rows[table] = report.rows.get(table, 0) + n

    redactions = _audit_redactions(complaint_ids, [c.pk for c in complainants], ids)
    report.audit_redacted = len(redactions)
    AnonymisedComplaint.objects.bulk_create(
        [
            AnonymisedComplaint(complaint_id=i, erasure=erasure, anonymised_at=now)
            for i in complaint_ids
        ],
        ignore_conflicts=True,
    )
    erasure.counts = report.as_counts()
    erasure.save(update_fields=["counts"])
    audit_redact(
        redactions,
        actor=actor,
        reason=erasure.reason,
        target=erasure,
        target_label=f"#{erasure.pk}",
    )
    audit_record(
        actor=actor,
        action="privacy.erase",
        target=erasure,
        target_label=f"#{erasure.pk}",
        after={
            "complaint_ids": report.complaint_ids,
            "reason": erasure.reason,
            **report.as_counts(),
        },
    )
    return report


@transaction.atomic
def complaints_anonymise(
    complaint_ids: Sequence[int], *, actor: Actor, reason: str
) -> ErasureReport:
    """Anonymise these complaints and their complainants' records (module docstring). Refused,
    changing nothing, while one of them is open or under a legal hold, or without a reason.

    The complainant records are blanked whole: a caller anonymising some of a person's
    complaints (retention) leaves their other complaints pointing at the blanked record."""
    _authorise(actor)
    if not reason.strip():
        raise _refuse("reason", _("Give the reason for the erasure."))
    ids = sorted(set(complaint_ids))
    if not ids:
        raise _refuse("complaints", _("No complaint to anonymise."))
    _blockers_check(ids)
    people = Complaint.objects.filter(pk__in=ids).values_list("complainant_id", flat=True)
    complainants = list(
        Complainant.objects.filter(pk__in=set(people)).select_for_update().order_by("pk")
    )
    return _anonymise(ids, complainants, actor=actor, reason=reason)


@transaction.atomic
def person_erase(*, email: str = "", phone: str = "", actor: Actor, reason: str) -> ErasureReport:
    """Erase everything Redress holds about the person with this email or phone: every
    complainant record matching either, and all their complaints. Refused, changing nothing,
    without an email or phone, without a reason, when no complainant matches, or while one of
    their complaints is open or under a legal hold."""
    _authorise(actor)
    if not email.strip() and not phone.strip():
        message = _("Give the person's email or phone.")
        raise ValidationFailed(message, fields={"email": [message], "phone": [message]})
    if phone.strip() and len(phone_national(phone)) < 6:
        raise _refuse("phone", _("This is not a phone number."))
    if not reason.strip():
        raise _refuse("reason", _("Give the reason for the erasure."))
    complainants = complainants_matching(email=email, phone=phone)
    if not complainants:
        raise _refuse("email", _("No complainant has this email or phone."))
    complainants = list(
        Complainant.objects.filter(pk__in=[c.pk for c in complainants])
        .select_for_update()
        .order_by("pk")
    )
    ids = sorted(
        Complaint.objects.filter(complainant__in=complainants).values_list("pk", flat=True)
    )
    _blockers_check(ids)
    return _anonymise(
        ids,
        complainants,
        actor=actor,
        reason=reason,
        extra_identifiers=[email.strip()],
        extra_phones=[phone.strip()],
    )
