"""Request and response shapes of /api/v1 (they are the OpenAPI schema).

Every text field rejects NUL characters and lone surrogates (a database cannot store them),
dates stay within 1900–2999, and numbers within what the database holds: bad input is a 422,
never a 500.
"""

import base64
import binascii
import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from redress.complaints.attachments import MAX_FILES
from redress.complaints.models import (
    Channel,
    Classification,
    Level,
    Outcome,
    PauseReason,
    Priority,
    Reaction,
    RemedyType,
    Severity,
    Status,
    VulnerableGroup,
)


def invalid(message: str, field: str = "") -> PydanticCustomError:
    context = {"message": message, "field": field} if field else {"message": message}
    return PydanticCustomError("redress", "{message}", context)


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise invalid(_("Remove the NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(_("The text is not valid Unicode.")) from None
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(_clean_text),
    ]


# Text fields by maximum length (``Required…``: at least one character).
if TYPE_CHECKING:
    Text3: TypeAlias = str
    Text32: TypeAlias = str
    Text60: TypeAlias = str
    Text100: TypeAlias = str
    Text150: TypeAlias = str
    Text200: TypeAlias = str
    Text300: TypeAlias = str
    Text400: TypeAlias = str
    Text1000: TypeAlias = str
    Text2000: TypeAlias = str
    Text5000: TypeAlias = str
    Required200: TypeAlias = str
    Required255: TypeAlias = str
    Required300: TypeAlias = str
    Required5000: TypeAlias = str
    Required20000: TypeAlias = str
else:
    Text3, Text32, Text60, Text100, Text150, Text200 = (
        _text(n) for n in (3, 32, 60, 100, 150, 200)
    )
    Text300, Text400, Text1000, Text2000, Text5000 = (
        _text(n) for n in (300, 400, 1000, 2000, 5000)
    )
    Required200, Required255, Required300, Required5000, Required20000 = (
        _text(n, 1) for n in (200, 255, 300, 5000, 20000)
    )


def _check_email(value: str) -> str:
    value = _clean_text(value).strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise invalid(_("Enter a valid email address.")) from None
    return value


def _iso_date_only(value: Any) -> Any:
    # Pydantic would read 0 or 1700000000 as a Unix time; a date is written YYYY-MM-DD here.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise invalid(_("Enter a valid date (YYYY-MM-DD)."))
    return value


def _check_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2999:
        raise invalid(_("Enter a date between 1900 and 2999."))
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_check_email)]
Day = Annotated[dt.date, BeforeValidator(_iso_date_only), AfterValidator(_check_date)]
# Numbers and flags of a JSON body are strict, as the schema says: ``false`` is not 0, ``1`` is
# not true, ``"5"`` is not 5 (query parameters, which are text, are read as usual).
Amount = Annotated[int, Field(ge=0, le=10**15, strict=True)]
Score = Annotated[int, Field(ge=1, le=5, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
# A page's cursor: the ``next_cursor`` of the page before, as it was given (base64url).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"
Cursor = Annotated[
    str,
    StringConstraints(max_length=200, pattern=CURSOR_PATTERN),
    Field(description="The ``next_cursor`` of the previous page; empty for the first page."),
]
# Text that must say something: at least one character that is not white space (the services
# refuse a blank value).
SAYS_SOMETHING = r"\S"
Code: TypeAlias = Text60

# The register's vocabularies (their values are the API's; labels are for people).
StatusValue = Status
ChannelValue = Channel
PriorityValue = Priority
SeverityValue = Severity
LevelValue = Level | Literal[""]
ClassificationValue = Classification
OutcomeValue = Outcome
ReactionValue = Reaction
RemedyTypeValue = RemedyType
PauseReasonValue = PauseReason
VulnerableValue = VulnerableGroup
Language = Literal["vi", "en"]


class In(Schema):
    """Inputs refuse unknown fields, so a misspelt field is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid")


def one_of_given(*names: str) -> dict[str, Any]:
    """JSON Schema: at least one of these text fields is given and not blank."""
    return {
        "anyOf": [
            {
                "required": [name],
                "properties": {name: {"type": "string", "pattern": SAYS_SOMETHING}},
            }
            for name in names
        ]
    }


def check_one_of_given(model: Any, names: tuple[str, ...], message: str) -> None:
    """The same rule, checked (a 422 naming the first field)."""
    if not any((getattr(model, name) or "").strip() for name in names):
        raise invalid(message, names[0])


def _check_base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(_("The file content is not valid base64.")) from None
    return value


class FileIn(In):
    name: Required255
    content_base64: Annotated[str, AfterValidator(_check_base64)] = Field(
        description="The file's bytes, base64-encoded (a JSON body is limited to 2.5 MB; send larger files "
        "as multipart to …/attachments)."
    )

    def decoded(self) -> bytes:
        return base64.b64decode(self.content_base64, validate=True)


# --------------------------------------------------------------------------------------------
# Output


class Deadlines(Schema):
    acknowledge_due_at: dt.datetime | None
    assess_due_at: dt.datetime | None
    decision_due_at: dt.datetime | None
    close_due_at: dt.datetime | None
    review_due_at: dt.datetime | None


class UnitRef(Schema):
    code: str
    name: str


class ComplaintSummary(Schema):
    reference: str
    status: str
    channel: str
    subject: str
    received_at: dt.datetime
    unit: UnitRef
    category: str | None
    owner: str | None
    priority: str
    severity: str
    is_significant: bool
    is_paused: bool
    overdue: bool
    deadlines: Deadlines


class ComplaintPage(Schema):
    items: list[ComplaintSummary]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` to get the next page; null on the last page."
    )


class ComplainantOut(Schema):
    masked: bool = Field(
        description="True when the token's person has no need to know who complained "
        "(top management, auditors): names and contacts are masked."
    )
    full_name: str
    organisation: str
    email: str
    phone: str
    address: str
    preferred_language: str
    preferred_channel: str
    vulnerable_group: str


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_kind: str
    method: str
    visible_to_complainant: bool
    data: dict[str, Any]


class RemedyOut(Schema):
    id: int
    type: str
    description: str
    amount: int
    currency: str
    due_at: dt.date | None
    fulfilled_at: dt.datetime | None
    waived_reason: str


class DecisionOut(Schema):
    id: int
    state: str
    outcome: str
    summary: str
    reasons: str
    is_review: bool
    proposed_by: str
    proposed_at: dt.datetime
    approved_at: dt.datetime | None
    communicated_at: dt.datetime | None
    reaction: str
    remedies: list[RemedyOut]


class LinkOut(Schema):
    reference: str
    subject: str
    status: str
    relation: str = Field(
        description=(
            "possible_duplicate (found at intake), related, merged_into (this complaint was "
            "merged into the other) or merged_from (the other was merged into this one)."
        )
    )
    found_by: str = Field(description="The channel or person that found or made the link.")
    found_at: dt.datetime
    decided_at: dt.datetime | None


class FeeOut(Schema):
    amount: int = Field(description="In VND; 0: free of charge.")
    waived: bool
    waived_reason: str


class ComplaintDetail(ComplaintSummary):
    description: str
    language: str
    source_system: str
    complainant: ComplainantOut
    representative_name: str
    occurred_on: dt.date | None
    product: str | None
    order_ref: str
    remedy_requested: str
    amount_claimed: int | None
    currency: str
    is_negotiation_request: bool
    classification: str
    impact: str
    complexity: str
    health_safety: bool
    public_interest: bool = Field(
        description="Affects the public or many consumers' interest (Law 19/2023): no "
        "negotiation or mediation routes."
    )
    fee: FeeOut | None = Field(
        description="The fee recorded at assessment (ISO 10002 4.8); null before assessment."
    )
    paused_at: dt.datetime | None
    pause_reason: str
    acknowledged_at: dt.datetime | None
    assessed_at: dt.datetime | None
    decision_communicated_at: dt.datetime | None
    closed_at: dt.datetime | None
    closure_note: str
    reopen_count: int
    allowed_actions: list[str] = Field(
        description="Actions this token may take now (state, roles and scope)."
    )
    events: list[EventOut]
    decisions: list[DecisionOut]
    links: list[LinkOut] = Field(
        description="Possible duplicates and linked complaints this token's user may see."
    )


class ComplaintCreated(Schema):
    reference: str
    status: str
    received_at: dt.datetime
    deadlines: Deadlines
    tracking_code: str | None = Field(
        description="The complainant's secret code for the portal. Returned once: null when the same "
        "Idempotency-Key is sent again."
    )
    url: str
    possible_duplicates: list[str] = Field(
        default_factory=list,
        description="References of recent complaints you can see from the same person with a "
        "similar subject (they may be the same complaint; nothing is merged).",
    )


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
    message: int | None


class MessageOut(Schema):
    id: int
    direction: str
    channel: str
    author: str | None
    subject: str
    body: str
    created_at: dt.datetime
    delivery_state: str
    content_hidden: bool = Field(
        description="True when the subject, body and file names are hidden from the token's "
        "person (personal data without need to know); internal notes are never hidden."
    )
    attachments: list[AttachmentOut]


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    next_cursor: str | None


class CategoryOut(Schema):
    code: str
    name_vi: str
    name_en: str
    parent: str | None


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None


# --------------------------------------------------------------------------------------------
# Input


CONTACTS = ("email", "phone", "address")


class ComplainantIn(In):
    """Who complains; at least one way to reach them (email, phone or address)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=one_of_given(*CONTACTS))

    full_name: Required200
    email: Email = ""
    phone: Text32 = ""
    address: Text1000 = ""
    organisation: Text200 = ""
    preferred_language: Language = "vi"
    preferred_channel: ChannelValue = Channel.EMAIL
    vulnerable_group: VulnerableValue = VulnerableGroup.NONE

    @model_validator(mode="after")
    def _reachable(self) -> "ComplainantIn":
        check_one_of_given(
            self, CONTACTS, _("Give at least one way to reach you: email, phone or address.")
        )
        return self


class ComplaintCreateIn(In):
    complainant: ComplainantIn
    channel: ChannelValue = Field(
        Channel.API, description="How the complaint reached the integration (phone, chat …)."
    )
    subject: Required300
    description: Required20000
    unit: Code | None = Field(
        None, description="Code of the receiving unit; the top unit when empty."
    )
    category: Code | None = None
    product: Code | None = None
    occurred_on: Day | None = None
    order_ref: Text100 = ""
    remedy_requested: Text5000 = ""
    amount_claimed: Amount | None = None
    is_negotiation_request: Flag = False
    health_safety: Flag = False
    language: Language = "vi"
    representative_name: Text200 = ""
    representative_relation: Text100 = ""
    representative_contact: Text200 = ""
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES)
    consent_to_notice: Flag = Field(
        False,
        description="The complainant agreed to the organisation's current personal-data notice "
        "(as published on the portal); recorded as evidence with the complaint. Leave false "
        "when they were not asked: silence is not consent.",
    )


class MessageIn(In):
    direction: Literal["inbound", "outbound", "internal"] = Field(
        description="inbound: from the complainant; outbound: to the complainant (emailed); internal: a staff note."
    )
    body: Required20000
    subject: Text300 = ""
    channel: ChannelValue | Literal[""] = ""
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES)


class ComplaintFilters(In):
    status: Text400 = Field("", description="One status or several, comma-separated.")
    category: Code = ""
    unit: Code = ""
    owner: Text150 = Field("", description="A username, ``me`` or ``none``.")
    priority: Text100 = Field("", description="One priority or several, comma-separated.")
    overdue: bool | None = Field(
        None, description="true: a deadline of the current stage has passed."
    )
    due_soon: bool | None = Field(
        None, description="true: the current stage's deadline comes within 48 hours."
    )
    q: Text200 = Field(
        "",
        description=(
            "Words (two letters or more) in the reference, subject or description, or in the"
            " complainant's name and contacts where you may see them unmasked; accents optional."
        ),
    )
    received_from: Day | None = Field(
        None, description="First day (organisation's time zone), inclusive."
    )
    received_to: Day | None = Field(None, description="Last day, inclusive.")
    cursor: Cursor = ""
    limit: int = Field(50, ge=1, le=200)


class PageParams(In):
    cursor: Cursor = ""
    limit: int = Field(50, ge=1, le=200)
