"""Raw emails as mail programs send them, for the intake tests."""

from __future__ import annotations

import base64
import unicodedata
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from redress.complaints.testing import plain_pdf

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = plain_pdf()


def mail(
    *,
    subject: str = "Hóa đơn tính sai tiền",
    body: str = "Tôi bị tính tiền hai lần cho cùng một đơn hàng.",
    sender: str = "an@example.vn",
    name: str = "Nguyễn Văn An",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((name, sender))
    msg["To"] = "khieunai@redress.local"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="mail.example.vn")
    msg["Date"] = "Tue, 24 Nov 2026 09:15:00 +0700"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, content, mime in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def handmade(headers: list[tuple[str, str]], body: bytes) -> bytes:
    """A message written byte by byte, for encodings a library would not choose itself."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers).encode("utf-8")
    return head + b"\r\n" + body


def encoded_word(text: str, encoding: str) -> str:
    """An RFC 2047 encoded word: 'b' (base64) or 'q' (quoted-printable)."""
    data = text.encode("utf-8")
    if encoding == "b":
        return f"=?UTF-8?B?{base64.b64encode(data).decode()}?="
    chars = "".join(
        "_"
        if byte == 0x20
        else chr(byte)
        if chr(byte).isascii() and chr(byte).isalnum()
        else f"={byte:02X}"
        for byte in data
    )
    return f"=?utf-8?Q?{chars}?="


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: letters with their vowel marks, and the tone
    marks as separate combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones
        )
    return "".join(out).encode("cp1258")


def multipart_bytes(
    parts: list[tuple[str, bytes]], *, close: bool = True, headers: list[tuple[str, str]] = ()
) -> bytes:
    """A multipart/mixed message from (part headers, part body) pairs; ``close=False`` leaves
    out the closing boundary, as a message cut off in transit does."""
    boundary = "=_ranh_gioi_01"
    head = [
        ("From", "Trần Thị Bích <bich@example.vn>"),
        ("To", "khieunai@redress.local"),
        ("Subject", "Khiếu nại về đơn hàng"),
        ("Message-ID", make_msgid(domain="mail.example.vn")),
        ("Date", "Tue, 24 Nov 2026 09:15:00 +0700"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
        *headers,
    ]
    body = b""
    for part_headers, part_body in parts:
        body += f"--{boundary}\r\n{part_headers}\r\n\r\n".encode() + part_body + b"\r\n"
    if close:
        body += f"--{boundary}--\r\n".encode()
    return handmade(head, body)


def text_part(body: bytes, content_type: str, *, encoding: str = "8bit") -> bytes:
    """A single-part text message whose body bytes and Content-Type are given as they are."""
    return handmade(
        [
            ("From", "Lê Văn Cường <cuong@example.vn>"),
            ("To", "khieunai@redress.local"),
            ("Subject", "Dịch vụ chăm sóc khách hàng kém"),
            ("Message-ID", make_msgid(domain="mail.example.vn")),
            ("MIME-Version", "1.0"),
            ("Content-Type", content_type),
            ("Content-Transfer-Encoding", encoding),
        ],
        body,
    )
