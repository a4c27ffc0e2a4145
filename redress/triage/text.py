"""The text triage learns from and compares: subject and description, with personal
identifiers removed before anything is learned.

The complainant's own identifiers (name, organisation, email, phone, address, a representative)
go through privacy's scrubbing (``privacy.scrub.Identifiers``, any case, with or without
diacritics, a phone in any of its written forms); any other email address, phone-like number or
web address is replaced too, since a description may name other people."""

from __future__ import annotations

import re
from collections.abc import Iterable

from redress.complaints.likeness import complaint_text
from redress.privacy.scrub import Identifiers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# Six digits or more, with the usual separators: phones, identity cards, account numbers.
_NUMBER = re.compile(r"(?<!\w)\+?\d(?:[\s.\-]?\d){5,}(?!\w)")
MARK = " "


def scrub(text: str, identifiers: Identifiers | None = None) -> str:
    """``text`` without the identifiers given nor any email, web address or long number."""
    if identifiers:
        text = identifiers.replace(text)
    text = _EMAIL.sub(MARK, text)
    text = _URL.sub(MARK, text)
    return _NUMBER.sub(MARK, text)


def identifiers_of(texts: Iterable[str], phones: Iterable[str]) -> Identifiers:
    return Identifiers.of(texts, phones)


__all__ = ["complaint_text", "identifiers_of", "scrub"]
