"""Phone numbers and the text of a short message."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\D+")

# GSM 03.38 basic characters: a text made only of these is sent as 160 characters a part; any
# other character (Vietnamese with accents) makes the whole text UCS-2, 70 a part.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def phone_international(raw: str) -> str:
    """A Vietnamese number in the form gateways expect: digits with the country code, no plus
    (``0912 345 678`` → ``84912345678``). Other numbers keep their digits. Empty if none."""
    digits = _DIGITS.sub("", raw or "")
    if raw.strip().startswith("+") or digits.startswith("84"):
        return digits
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits


def phone_variants(raw: str) -> list[str]:
    """The ways a complainant's number may have been written down, to find them by a number
    a gateway gives (``84912345678`` → ``0912345678``, ``+84912345678``, ``84912345678``)."""
    international = phone_international(raw)
    if not international:
        return []
    variants = {international, "+" + international}
    if international.startswith("84"):
        national = "0" + international[2:]
        variants |= {national, f"{national[:4]} {national[4:7]} {national[7:]}"}
        variants.add(f"+84 {international[2:]}")
    return sorted(variants)


def unaccent(text: str) -> str:
    """Vietnamese without diacritics (``Khiếu nại đã nhận`` → ``Khieu nai da nhan``): cheaper
    SMS (GSM characters, 160 a part instead of 70)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def is_gsm(text: str) -> bool:
    return all(c in _GSM for c in text)


def sms_parts(text: str) -> int:
    """How many SMS the text takes (concatenated parts hold 153 GSM or 67 UCS-2 characters)."""
    single, multi = (160, 153) if is_gsm(text) else (70, 67)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)
