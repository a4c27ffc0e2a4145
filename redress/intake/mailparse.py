"""Reading an email: sender, subject, text, attachments, threading headers, and whether it is
an automatic reply, a bounce or a message we sent ourselves.

Vietnamese mail comes in every encoding (UTF-8 8-bit, quoted-printable, base64, RFC 2047
encoded words in headers, RFC 2231 file names, and older Windows-1258 text); the standard
library decodes all of these under ``email.policy.default``. What it cannot decode becomes an
``Unparseable`` with the reason, and the email goes to the quarantine.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.policy
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from redress.complaints.attachments import IncomingFile

_ID = re.compile(r"<[^<>\s]+>")
_STRUCTURE_DEFECTS = (
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    # The closing boundary is missing: the message was cut off, its last part may be partial.
    email.errors.CloseBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
)
# Subjects that begin like this are automatic replies (checked at the start only: a complaint
# about a holiday booking may well say "vacation").
_AUTO_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|auto:|out of (the )?office|vacation (reply|notice)"
    r"|away from (the )?office|absence|abwesenheit|réponse automatique|trả lời tự động"
    r"|thư trả lời tự động|phản hồi tự động)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECTS = re.compile(
    r"^\s*(undeliver(ed|able)|delivery status notification|mail delivery (failed|failure|system)"
    r"|returned mail|failure notice|delivery failure|non[- ]?delivery)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|tl|tr|sv|vs|trả lời|chuyển tiếp)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
# Where quoted history starts in a reply (Gmail, Outlook, Apple Mail, Vietnamese clients).
_QUOTE_STARTS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Vào\b.{0,300}\bđã viết:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*-{2,}\s*(Original Message|Thư gốc|Forwarded message)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*(From|Từ)\s*:.+\n\s*(Sent|Date|Gửi|Ngày|Đã gửi)\s*:", re.IGNORECASE),
]
_VIETNAMESE = re.compile(
    r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)
# Single-byte Western charsets that mail programs declare by default even when they wrote UTF-8.
_WESTERN = {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}
# How far into the future a Received date may be (clocks drift) before it is not believed.
_ARRIVAL_SKEW = dt.timedelta(minutes=5)
_ENGLISH = re.compile(r"\b(the|my|and|is|was|please|order|you|have|not|with|for)\b", re.IGNORECASE)


class Unparseable(Exception):
    """The email cannot be read well enough to act on; ``reason`` says why (translated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    text: str
    sent_at: object = None
    # When the first (top-most) Received header says our server took the message in.
    arrived_at: dt.datetime | None = None
    thread_ids: list[str] = field(default_factory=list)  # In-Reply-To first, then References
    attachments: list[IncomingFile] = field(default_factory=list)
    auto_reply: str = ""  # why it is an automatic reply, or ""
    bounce: bool = False
    bounced_ids: list[str] = field(default_factory=list)  # Message-IDs of the returned emails
    bounce_detail: str = ""
    language: str = "vi"

    @property
    def clean_subject(self) -> str:
        """The subject without Re:/Fwd:/TL: prefixes."""
        return _REPLY_PREFIX.sub("", self.subject).strip()

    @property
    def fingerprint(self) -> str:
        """A hash of what the message says (sender, subject, text, attachments' content): the
        same message fetched twice has it, although its Received headers may differ."""
        content = {
            "from": self.from_address,
            "subject": self.subject,
            "text": self.text,
            "attachments": sorted(hashlib.sha256(f.content).hexdigest() for f in self.attachments),
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def reply_text(self) -> str:
        """The new text of a reply, without the quoted history (all of it if nothing is left)."""
        return strip_quoted(self.text) or self.text


def message_id_guess(raw: bytes) -> str:
    """The Message-ID of a message that may not parse (for taking a broken email once)."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^message-id:\s*(<[^<>\s]+>)", head, re.IGNORECASE | re.MULTILINE)
    return match.group(1).decode("ascii", "replace") if match else ""


def parse(raw: bytes) -> ParsedMail:
    """Read ``raw`` (RFC 5322 bytes). Raises ``Unparseable`` with the reason."""
    if not raw.strip():
        raise Unparseable(_("The email is empty."))
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        return _read(msg)  # type: ignore[arg-type]
    except Unparseable:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to decode sends the email to quarantine
        raise Unparseable(
            _("The email could not be decoded: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"}
        ) from exc


def _nfc(text: str) -> str:
    # One form for Vietnamese letters (Windows-1258 and some Mac mail send tone marks as
    # separate characters), so that search and comparisons see the same text.
    return unicodedata.normalize("NFC", text)


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    return _nfc(" ".join(str(value).split())) if value is not None else ""


def _ids(value: str) -> list[str]:
    return _ID.findall(value or "")


def _read(msg: EmailMessage) -> ParsedMail:
    no_separator = any(
        isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in msg.defects
    )
    if not msg.keys() or (no_separator and not msg.get("From")):
        raise Unparseable(_("This is not an email: it has no headers."))
    defects = [d for part in msg.walk() for d in part.defects]
    broken = [d for d in defects if isinstance(d, _STRUCTURE_DEFECTS)]
    if broken:
        raise Unparseable(
            _("The structure of the email is broken (%(defect)s); its parts cannot be separated.")
            % {"defect": type(broken[0]).__name__}
        )
    from_address, from_name = _sender(msg)
    message_ids = _ids(_header(msg, "Message-ID"))
    thread_ids = _ids(_header(msg, "In-Reply-To")) + [
        i for i in reversed(_ids(_header(msg, "References")))
    ]
    parsed = ParsedMail(
        message_id=message_ids[0][:255] if message_ids else "",
        from_address=from_address,
        from_name=from_name,
        subject=_header(msg, "Subject")[:300],
        text=_body_text(msg),
        thread_ids=list(dict.fromkeys(thread_ids)),
    )
    try:
        parsed.sent_at = parsedate_to_datetime(_header(msg, "Date")) if msg.get("Date") else None
    except (TypeError, ValueError):
        parsed.sent_at = None
    parsed.arrived_at = _arrival(msg)
    parsed.bounce, parsed.bounced_ids, parsed.bounce_detail = _bounce(
        msg, from_address, parsed.subject
    )
    parsed.auto_reply = "" if parsed.bounce else _auto_reply(msg, parsed.subject)
    parsed.attachments = _attachments(msg)
    parsed.language = _language(msg, f"{parsed.subject}\n{parsed.text}")
    if not from_address and not parsed.bounce:
        raise Unparseable(_("The email has no valid sender address."))
    return parsed


def _sender(msg: EmailMessage) -> tuple[str, str]:
    for header in ("From", "Reply-To", "Sender"):
        if msg.get(header) is None:
            continue
        for name, address in getaddresses([str(msg.get(header))]):
            address = address.strip()
            try:
                validate_email(address)
            except ValidationError:
                continue
            return address.lower(), _nfc(" ".join(name.split()))
        if header == "From":
            # A From that is not an address: do not fall back to other headers silently.
            break
    return "", ""


def _decode_text(part: Message) -> str:
    """The text of a part, decoded strictly: its declared charset; UTF-8 when the bytes are not
    valid there but are valid UTF-8 (or when a Western single-byte charset is declared over
    UTF-8 bytes); without a declared charset UTF-8, then Windows-1258. Anything else would be
    garbled text, so it raises ``Unparseable`` naming the charset."""
    payload = part.get_payload(decode=True) or b""
    assert isinstance(payload, bytes)
    declared = (part.get_content_charset() or "").strip().lower()
    if not declared:
        for charset in ("utf-8", "cp1258"):
            try:
                return payload.decode(charset)
            except UnicodeDecodeError:
                continue
        raise Unparseable(
            _("A text part declares no charset and is neither UTF-8 nor Windows-1258.")
        )
    as_utf8 = _utf8_or_none(payload)
    if declared in _WESTERN and as_utf8 is not None and not payload.isascii():
        # Declared Western, written in UTF-8 (multi-byte sequences are almost never valid
        # by chance in Latin-1 text): reading it as declared would give mojibake.
        return as_utf8
    try:
        return payload.decode(declared)
    except (LookupError, UnicodeDecodeError):
        if as_utf8 is not None:
            return as_utf8
    raise Unparseable(
        _("A text part is not valid in its declared charset (%(charset)s).") % {"charset": declared}
    )


def _utf8_or_none(payload: bytes) -> str | None:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _arrival(msg: Message) -> dt.datetime | None:
    """The date of the top-most Received header (our server's), after its last ';'."""
    received = msg.get_all("Received") or []
    if not received:
        return None
    stamp = " ".join(str(received[0]).split()).rpartition(";")[2].strip()
    try:
        arrived = parsedate_to_datetime(stamp)
    except (TypeError, ValueError, IndexError):
        return None
    return arrived if arrived.tzinfo is not None else None


def arrival_believed(
    arrived_at: dt.datetime | None, *, now: dt.datetime, max_days: int
) -> dt.datetime | None:
    """``arrived_at`` when it is plausible (not in the future beyond a few minutes of clock
    drift, not older than ``max_days``), else None (the caller uses the time of ingestion)."""
    if arrived_at is None or max_days <= 0:
        return None
    if arrived_at > now + _ARRIVAL_SKEW or arrived_at < now - dt.timedelta(days=max_days):
        return None
    return min(arrived_at, now)


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decode_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return _nfc(text.replace("\r\n", "\n")).strip()


def _attachments(msg: EmailMessage) -> list[IncomingFile]:
    files: list[IncomingFile] = []
    if not msg.is_multipart():
        return files
    body = msg.get_body(preferencelist=("plain", "html"))
    for part in msg.walk():
        if (
            part.is_multipart()
            or part is body
            or part.get_content_type() in ("message/rfc822", "message/delivery-status")
        ):
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and not filename:
            continue
        if part.get_content_maintype() == "text" and not filename:
            continue
        content = part.get_payload(decode=True) or b""
        if isinstance(content, bytes):
            # NFC: Mac mail sends names decomposed (tone marks as separate characters).
            name = _nfc((filename or "attachment").strip())
            files.append(IncomingFile(name=name, content=content))
    return files


def _auto_reply(msg: Message, subject: str) -> str:
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if msg.get(name) is not None:
            return f"{name}: {_header(msg, name)}"
    for name in ("Precedence", "X-Precedence"):
        value = _header(msg, name).lower()
        if value in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
            return f"{name}: {value}"
    suppress = _header(msg, "X-Auto-Response-Suppress").lower()
    if (
        suppress
        and any(v in suppress for v in ("oof", "autoreply"))
        and _AUTO_SUBJECTS.match(subject)
    ):
        return f"X-Auto-Response-Suppress: {suppress}"
    if _AUTO_SUBJECTS.match(subject):
        return f"Subject: {subject[:80]}"
    return ""


def _bounce(msg: EmailMessage, from_address: str, subject: str) -> tuple[bool, list[str], str]:
    """Whether the email is a delivery failure report, which of our emails it returns, and
    the server's diagnostic."""
    content_type = msg.get_content_type()
    is_report = (
        content_type == "multipart/report"
        and str(msg.get_param("report-type") or "").lower() == "delivery-status"
    )
    local = from_address.split("@", 1)[0].lower()
    by_sender = local in _BOUNCE_SENDERS or (not from_address and msg.get("From") is None)
    is_bounce = (
        is_report
        or (by_sender and bool(_BOUNCE_SUBJECTS.match(subject)))
        or (local in _BOUNCE_SENDERS and content_type.startswith("multipart/"))
    )
    if not is_bounce:
        return False, [], ""
    returned: list[str] = []
    detail = ""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            blocks = part.get_payload()
            for block in blocks if isinstance(blocks, list) else []:
                if not isinstance(block, Message):
                    continue
                for name in ("Diagnostic-Code", "Status", "Action"):
                    if block.get(name) and not detail:
                        detail = f"{name}: {' '.join(str(block.get(name)).split())}"
        elif kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                returned += _ids(_header(inner, "Message-ID"))
        elif kind == "text/rfc822-headers":
            try:
                returned_headers = _decode_text(part)
            except Unparseable:
                # Only Message-IDs are read from it: a bad byte elsewhere does not matter.
                payload = part.get_payload(decode=True)
                returned_headers = (
                    payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                )
            headers = email.message_from_string(returned_headers, policy=email.policy.default)
            returned += _ids(_header(headers, "Message-ID"))
    returned += _ids(_header(msg, "In-Reply-To")) + _ids(_header(msg, "References"))
    return True, list(dict.fromkeys(returned)), detail or subject[:200]


def _language(msg: Message, text: str) -> str:
    declared = _header(msg, "Content-Language").lower()
    if declared.startswith(("vi", "en")):
        return declared[:2]
    if _VIETNAMESE.search(text):
        return "vi"
    return "en" if len(_ENGLISH.findall(text)) >= 3 else "vi"


def strip_quoted(text: str) -> str:
    """The text before the quoted history of a reply."""
    lines = text.splitlines()
    for index in range(len(lines)):
        window = "\n".join(lines[index : index + 2])
        if any(pattern.match(lines[index]) or pattern.match(window) for pattern in _QUOTE_STARTS):
            lines = lines[:index]
            break
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()
