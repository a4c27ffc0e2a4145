"""Email intake: every email that reaches Redress ends as a complaint, a message on one, or a
kept record of why not (ISO 10002 4.5, 7.2; DESIGN.md rule 4).

Order of decisions for one email:

1. The same email again (the same Message-ID and the same content: sender, subject, text,
   attachments): taken once, nothing new. A different email reusing a Message-ID is kept.
2. Cannot be read: quarantined, kept whole, shown in the admin for a person to look at.
3. Our own email coming back (Message-ID of our domain, or sent from our address): a loop.
4. A delivery failure report: a bounce; the returned email is marked bounced on its complaint.
5. An automatic reply (RFC 3834 Auto-Submitted, X-Autoreply, Precedence, holiday subjects).
6. A reply: threaded by In-Reply-To/References to our emails or the complainant's earlier ones,
   else by the reference in the subject when the sender is the complainant. It becomes a
   message on the complaint (a reply to a closed complaint opens a new, linked complaint; a
   reply to a complaint merged into another, open one goes on that one). A reply from the
   complainant whose first line is an agreement word ("ĐỒNG Ý", "I AGREE") also records their
   consent to the personal-data notice, which the receipt asked for.
7. Otherwise a new complaint from the sender, with the attachments Redress accepts, received
   when the message arrived at our server (its top-most Received header) if that is plausible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.attachments import (
    MAX_FILES,
    IncomingFile,
    attachment_name,
    attachment_problem,
    attachments_count_problem,
)
from redress.complaints.links import merged_into
from redress.complaints.models import Channel, Complaint, Message, Status
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.selectors import organisation_get
from redress.handling.services import complaint_add_message
from redress.intake.consent import consent_reply_agrees, email_reply_evidence
from redress.intake.mailparse import (
    ParsedMail,
    Unparseable,
    arrival_believed,
    message_id_guess,
    parse,
)
from redress.intake.models import InboundEmail, Mailbox
from redress.intake.receive import Once, Person, Submission, intake_receive
from redress.notifications.delivery import email_bounced
from redress.notifications.models import OutboundEmail
from redress.transparency.models import ConsentMethod, NoticeConsent
from redress.transparency.selectors import notice_current
from redress.transparency.services import consent_record

logger = logging.getLogger(__name__)

EMAIL = Actor.channel(Channel.EMAIL)
Outcome = InboundEmail.Outcome


@dataclass
class IngestResult:
    email: InboundEmail
    created: bool  # False when the same email had been taken before

    @property
    def reference(self) -> str:
        return self.email.complaint.reference if self.email.complaint_id else ""  # type: ignore[union-attr]


def mail_ingest(*, raw: bytes, source: str, mailbox: Mailbox | None = None) -> IngestResult:
    """Take one raw email (RFC 5322 bytes) in, once. Never raises for a bad email: it is kept
    in the quarantine with the reason instead."""
    sha256 = hashlib.sha256(raw).hexdigest()
    parsed: ParsedMail | None = None
    problem = ""
    try:
        parsed = parse(raw)
    except Unparseable as exc:
        problem = exc.reason
    message_id = parsed.message_id if parsed else message_id_guess(raw)
    # What the message says, not its bytes: the same email fetched twice may differ in its
    # Received headers. An unreadable one has only its bytes.
    content = parsed.fingerprint if parsed else sha256
    key = "mail:" + hashlib.sha256(f"{message_id}\n{content}".encode()).hexdigest()
    existing = _already_taken(key, message_id, content, sha256)
    if existing is not None:
        return IngestResult(existing, False)
    path = f"mail/{sha256[:2]}/{sha256}.eml"
    if not default_storage.exists(path):
        # Content-addressed: kept even if the transaction below rolls back, harmlessly.
        path = default_storage.save(path, ContentFile(raw))
    inbound = InboundEmail(
        dedupe_key=key,
        email_message_id=message_id[:255],
        source=source,
        mailbox=mailbox,
        from_address=(parsed.from_address if parsed else _guess_sender(raw))[:254],
        subject=(parsed.subject if parsed else "")[:300],
        sha256=sha256,
        fingerprint=content,
        size=len(raw),
        outcome=Outcome.QUARANTINED,
        reason=problem,
    )
    inbound.raw.name = path
    try:
        with transaction.atomic():
            inbound.save(force_insert=True)
            if parsed is not None:
                _process(inbound, parsed)
            inbound.save()
    except IntegrityError:
        # The same email, taken at this moment by another worker.
        raced = InboundEmail.objects.filter(dedupe_key=key).first()
        if raced is None:
            raise
        return IngestResult(raced, False)
    return IngestResult(inbound, True)


def _already_taken(key: str, message_id: str, content: str, sha256: str) -> InboundEmail | None:
    """The email taken before that this one repeats: the same key, or a row from before
    fingerprints (keyed by the bare Message-ID, or ``sha256:`` of the bytes without one) whose
    content, read again from its kept original, is the same."""
    found = InboundEmail.objects.filter(dedupe_key=key).select_related("complaint").first()
    if found is not None:
        return found
    older = InboundEmail.objects.filter(fingerprint="").select_related("complaint")
    if message_id:
        older = older.filter(email_message_id=message_id)
    else:
        older = older.filter(dedupe_key=f"sha256:{sha256}")
    for row in older:
        if row.sha256 == sha256 or _fingerprint_of_kept(row) == content:
            return row
    return None


def _fingerprint_of_kept(row: InboundEmail) -> str:
    """The content fingerprint of an older row, from its kept original (saved on the row so it
    is read once)."""
    try:
        with default_storage.open(str(row.raw.name), "rb") as handle:
            kept = parse(handle.read()).fingerprint
    except Unparseable:
        kept = row.sha256
    except OSError:
        return ""  # the original is missing: compare nothing, keep the new email
    InboundEmail.objects.filter(pk=row.pk).update(fingerprint=kept)
    return kept


def mail_reprocess(*, inbound: InboundEmail, actor_label: str) -> InboundEmail:
    """Run a quarantined email through intake again (after a fix, or a setting changed)."""
    with default_storage.open(str(inbound.raw.name), "rb") as handle:
        raw = handle.read()
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if locked.outcome != Outcome.QUARANTINED:
            return locked
        try:
            parsed = parse(raw)
        except Unparseable as exc:
            locked.reason = exc.reason
        else:
            locked.from_address = parsed.from_address[:254]
            locked.subject = parsed.subject[:300]
            _process(locked, parsed)
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor_label[:150]
        locked.save()
    return locked


@transaction.atomic
def mail_dismiss(*, inbound: InboundEmail, actor_label: str, note: str = "") -> InboundEmail:
    """A person looked at a quarantined email and decided it needs nothing (it stays kept)."""
    locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if locked.outcome == Outcome.QUARANTINED:
        locked.outcome = Outcome.DISMISSED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor_label[:150]
        if note:
            locked.reason = f"{locked.reason}\n{note}".strip()
        locked.save(update_fields=["outcome", "reviewed_at", "reviewed_by", "reason"])
    return locked


def _guess_sender(raw: bytes) -> str:
    head = raw[:65536].split(b"\n\n", 1)[0]
    match = re.search(rb"^from:\s*(.+)$", head, re.IGNORECASE | re.MULTILINE)
    if not match:
        return ""
    return parseaddr(match.group(1).decode("utf-8", "replace"))[1]


def _process(inbound: InboundEmail, parsed: ParsedMail) -> None:
    """Decide what the email is and act; a refusal by the services sends it to quarantine."""
    try:
        with transaction.atomic():
            _route(inbound, parsed)
    except ApplicationError as exc:
        inbound.outcome = Outcome.QUARANTINED
        inbound.reason = exc.message + "".join(
            f"\n{name}: {' '.join(errs)}" for name, errs in exc.fields.items()
        )
        inbound.complaint = None
        inbound.message = None
    except Exception as exc:  # noqa: BLE001 - an unexpected failure must not lose the email
        logger.exception("email %s could not be taken in", inbound.dedupe_key)
        inbound.outcome = Outcome.QUARANTINED
        inbound.reason = _("Redress could not process this email: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"
        }
        inbound.complaint = None
        inbound.message = None


def _route(inbound: InboundEmail, parsed: ParsedMail) -> None:
    loop = _loop_reason(parsed)
    if loop:
        inbound.outcome, inbound.reason = Outcome.LOOP, loop
        return
    if parsed.bounce:
        inbound.outcome, inbound.reason = Outcome.BOUNCE, parsed.bounce_detail
        for message_id in parsed.bounced_ids:
            bounced = email_bounced(
                message_id=message_id, detail=parsed.bounce_detail or inbound.subject
            )
            if bounced is not None and bounced.complaint_id:
                inbound.complaint_id = bounced.complaint_id
        return
    complaint = _thread_by_headers(parsed)
    if parsed.auto_reply:
        inbound.outcome, inbound.reason, inbound.complaint = (
            Outcome.AUTO_REPLY,
            parsed.auto_reply,
            complaint,
        )
        return
    if complaint is None:
        complaint = _thread_by_subject(parsed)
    if complaint is not None and complaint.status == Status.CLOSED:
        # A reply about a complaint merged into another belongs to the one that goes on.
        survivor = merged_into(complaint)
        if survivor is not None and survivor.status != Status.CLOSED:
            complaint = survivor
    files, refused = _acceptable(parsed.attachments)
    if complaint is not None and complaint.status != Status.CLOSED:
        body = (
            parsed.reply_text
            or parsed.clean_subject
            or _("(Email without text; see the attachments.)")
        )
        inbound.message = complaint_add_message(
            complaint=complaint,
            actor=EMAIL,
            direction=Message.Direction.INBOUND,
            body=body + _refused_note(refused),
            subject=parsed.subject,
            channel=Channel.EMAIL,
            email_message_id=parsed.message_id,
            attachments=files,
            from_address=parsed.from_address,
        )
        inbound.outcome, inbound.complaint = Outcome.REPLY, complaint
        inbound.reason = _refused_note(refused).strip()
        _consent_by_reply(complaint, parsed)
        return
    limit = settings.REDRESS_MAIL_SENDER_LIMIT
    recent = InboundEmail.objects.filter(
        from_address=parsed.from_address,
        outcome=Outcome.COMPLAINT,
        received_at__gte=timezone.now() - dt.timedelta(hours=1),
    ).count()
    if limit and recent >= limit:
        inbound.outcome = Outcome.LOOP
        inbound.reason = _(
            "More than %(count)s new complaints from this sender in an hour: held as a possible mail loop."
        ) % {"count": limit}
        return
    inbound.complaint = _new_complaint(inbound, parsed, files, refused, follows=complaint)
    inbound.outcome = Outcome.COMPLAINT
    inbound.reason = _refused_note(refused).strip()


def _consent_by_reply(complaint: Complaint, parsed: ParsedMail) -> None:
    """The complainant answered our receipt's question with an agreement word ("ĐỒNG Ý",
    "I AGREE"): their consent to the current notice, with this email as the evidence. Only
    their own address speaks for them; a complaint that has consent in force keeps it."""
    if complaint.complainant.email.lower() != parsed.from_address:
        return
    if not consent_reply_agrees(parsed.reply_text):
        return
    if NoticeConsent.objects.filter(complaint=complaint, withdrawn_at__isnull=True).exists():
        return
    notice = notice_current()
    if notice is None:
        return
    consent_record(
        complaint=complaint,
        notice=notice,
        language=complaint.complainant.preferred_language,
        channel=Channel.EMAIL,
        method=ConsentMethod.EMAIL_REPLY,
        evidence=email_reply_evidence(message_id=parsed.message_id),
        actor=EMAIL,
    )


def _loop_reason(parsed: ParsedMail) -> str:
    domain = settings.REDRESS_MAIL_DOMAIN.lower()
    if parsed.message_id.lower().endswith(f"@{domain}>"):
        return _("The Message-ID is one of ours (%(domain)s): our own email came back.") % {
            "domain": domain
        }
    ours = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if ours and parsed.from_address == ours:
        return _("The email was sent from our own address (%(address)s).") % {"address": ours}
    return ""


def _thread_by_headers(parsed: ParsedMail) -> Complaint | None:
    """The complaint whose email this answers: our outbound Message-IDs, then the Message-IDs of
    the complainant's earlier emails (In-Reply-To first, then References, newest first)."""
    ids = [i for i in parsed.thread_ids if i != parsed.message_id][:50]
    if not ids:
        return None
    found: dict[str, int] = {}
    for message_id, complaint_id in OutboundEmail.objects.filter(
        email_message_id__in=ids, complaint__isnull=False
    ).values_list("email_message_id", "complaint_id"):
        found.setdefault(message_id, complaint_id)
    for message_id, complaint_id in Message.objects.filter(email_message_id__in=ids).values_list(
        "email_message_id", "complaint_id"
    ):
        found.setdefault(message_id, complaint_id)
    for message_id, complaint_id in InboundEmail.objects.filter(
        email_message_id__in=ids, complaint__isnull=False
    ).values_list("email_message_id", "complaint_id"):
        found.setdefault(message_id, complaint_id)  # type: ignore[arg-type]
    for message_id in ids:
        if message_id in found:
            return Complaint.objects.select_related("complainant").get(pk=found[message_id])
    return None


def reference_pattern() -> re.Pattern[str]:
    prefix = re.escape(organisation_get().reference_prefix)
    return re.compile(rf"(?<![\w-])({prefix}-\d{{4}}-\d{{6}})(?![\w-])", re.IGNORECASE)


def _thread_by_subject(parsed: ParsedMail) -> Complaint | None:
    """The complaint named in the subject, when the sender is its complainant (anyone can type a
    reference; only the complainant's own address may add to their complaint this way)."""
    match = reference_pattern().search(parsed.subject)
    if not match:
        return None
    complaint = (
        Complaint.objects.select_related("complainant")
        .filter(reference__iexact=match.group(1))
        .first()
    )
    if complaint is None or complaint.complainant.email.lower() != parsed.from_address:
        return None
    return complaint


def _acceptable(files: list[IncomingFile]) -> tuple[list[IncomingFile], list[str]]:
    """The attachments Redress keeps on the complaint, and why the others were not taken, in
    the words of the attachment rule (they stay in the original email, which is kept)."""
    accepted: list[IncomingFile] = []
    refused: list[str] = []
    for incoming in files:
        problem = attachment_problem(incoming.name, len(incoming.content), incoming.content)
        if not problem and len(accepted) >= MAX_FILES:
            name = attachment_name(incoming.name)
            problem = f"{name}: {attachments_count_problem(len(files))}"
        if problem:
            refused.append(problem)
        else:
            accepted.append(incoming)
    return accepted, refused


def _refused_note(refused: list[str]) -> str:
    if not refused:
        return ""
    return "\n\n" + _("Attachments not taken (kept with the original email): %(files)s") % {
        "files": "; ".join(refused)
    }


def _new_complaint(
    inbound: InboundEmail,
    parsed: ParsedMail,
    files: list[IncomingFile],
    refused: list[str],
    *,
    follows: Complaint | None,
) -> Complaint:
    name = parsed.from_name or parsed.from_address.split("@", 1)[0]
    subject = (
        parsed.clean_subject
        or " ".join(parsed.text.split()[:12])[:120]
        or _("Email without a subject")
    )
    description = (
        parsed.text or parsed.clean_subject or _("(Email without text; see the attachments.)")
    )
    if follows is not None:
        description = (
            _("This email answers complaint %(reference)s, which is closed.")
            % {"reference": follows.reference}
            + "\n\n"
            + (parsed.reply_text or description)
        )
    submission = Submission(
        person=Person(
            full_name=name[:200],
            email=parsed.from_address,
            preferred_language=parsed.language,
            preferred_channel=Channel.EMAIL,
        ),
        subject=subject,
        description=description + _refused_note(refused),
        unit=inbound.mailbox.unit if inbound.mailbox and inbound.mailbox.unit_id else None,
        language=parsed.language,
        attachments=files,
        # Mail read late (an outage, files ingested later) is received when it arrived.
        received_at=arrival_believed(
            parsed.arrived_at,
            now=timezone.now(),
            max_days=settings.REDRESS_MAIL_ARRIVAL_MAX_DAYS,
        ),
    )
    # The inbound email is already taken once by its key; the same key here makes the rule
    # explicit for every channel (a reprocessed email that made a complaint makes no other).
    received = intake_receive(
        submission, channel=Channel.EMAIL, actor=EMAIL, once=Once("email", inbound.dedupe_key)
    )
    if parsed.message_id:
        # The receipt answers the complainant's email, so their mail program threads it.
        OutboundEmail.objects.filter(complaint=received.complaint, template_code="receipt").update(
            in_reply_to=parsed.message_id
        )
    return received.complaint
