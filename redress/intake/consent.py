"""How each channel shows that a complainant agreed to the personal-data notice (REQ-PD-1).

A channel that asks says how (``ConsentMethod``) and keeps what shows the answer; the evidence
is shaped here, in one place, so that the back office and an auditor read the same keys for
every channel:

- web: the form, a keyed hash of the client's address (not the address) and the browser in short;
- staff (phone, in person, letter): the clerk's name and their note of what was said;
- API: the token's name (an integration speaks for the complainant);
- import: the file and the row;
- email reply: the reply's Message-ID (``consent_reply_agrees`` reads the agreement word).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

from redress.complaints.models import Channel
from redress.core.models import User
from redress.core.text import fold
from redress.intake.receive import Consent
from redress.transparency.models import ConsentMethod
from redress.transparency.services import staff_evidence

# The words a complainant may reply with to agree (compared without accents, case and the
# punctuation around them). The receipt email asks for the first two.
AGREEMENT_WORDS = frozenset({"dong y", "i agree", "toi dong y", "agree", "yes, i agree"})

_STAFF_METHODS: dict[str, str] = {
    Channel.PHONE: ConsentMethod.PHONE,
    Channel.IN_PERSON: ConsentMethod.IN_PERSON,
    Channel.LETTER: ConsentMethod.LETTER,
}
_BROWSERS = ("Edg", "OPR", "Firefox", "Chrome", "Safari", "Zalo", "FBAN")
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def address_hash(address: str | None) -> str:
    """A keyed hash of the client's address: the same address gives the same value, which
    cannot be turned back into the address without the site's secret key."""
    if not address:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def browser_summary(user_agent: str) -> str:
    """ "Firefox 128 on Android": enough to recognise the device, not a fingerprint."""
    browser = ""
    for name in _BROWSERS:
        match = re.search(rf"\b{name}/(\d+)", user_agent)
        if match:
            browser = f"{name} {match.group(1)}"
            break
    system = next((label for key, label in _SYSTEMS if key in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:60]


def web_consent(*, address: str | None, user_agent: str) -> Consent:
    """The tick on the portal's complaint form."""
    return Consent(
        ConsentMethod.WEB,
        {
            "form": "portal complaint form",
            "address_hash": address_hash(address),
            "browser": browser_summary(user_agent),
        },
    )


def staff_consent(*, channel: str, clerk: User, note: str = "") -> Consent:
    """A statement the complainant made to staff, recorded by the clerk who heard or read it."""
    return Consent(
        _STAFF_METHODS.get(channel, ConsentMethod.PHONE), staff_evidence(clerk=clerk, note=note)
    )


def api_consent(*, token_name: str) -> Consent:
    """The API's ``consent_to_notice`` field, sent by the integration the token names."""
    return Consent(ConsentMethod.API, {"token": token_name})


def import_consent_evidence(*, file: str, row: int) -> dict[str, object]:
    return {"file": file, "row": row}


def email_reply_evidence(*, message_id: str) -> dict[str, object]:
    return {"message_id": message_id}


def consent_reply_agrees(reply_text: str) -> bool:
    """The first line of a reply's own text (the quoted history removed by the caller) is an
    agreement word such as "ĐỒNG Ý" or "I AGREE", and nothing else."""
    first = next((line for line in reply_text.splitlines() if line.strip()), "")
    return fold(first).strip(" .!,;:\"'“”") in AGREEMENT_WORDS
