"""Masking of complainants' personal data for people without need-to-know (ISO 10002 4.10,
REQ-4.10-1).

Who may see a complainant's contact details is decided per complaint, the same way
``selectors.complaint_roles`` decides who may act on it: frontline staff, handlers and
complaints managers of the complaint's unit (managers: and the units below theirs), and a
handler who owns it. Top management and auditors see every complaint, masked: they review the
handling, not the person. ``PersonalDataScope`` is computed once per request, so a list of any
length is masked without another query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Message
from redress.core.roles import Role
from redress.core.selectors import unit_descendant_ids, user_roles

if TYPE_CHECKING:
    from redress.complaints.models import Complaint
    from redress.core.models import User

HIDDEN = "•••"
# Said when a file is refused to a person who sees the complainant masked.
PERSONAL_FILE_REFUSED = _(
    "This file holds personal data of the complainant, which your role has no need to know."
)


@dataclass(frozen=True)
class PersonalDataScope:
    """The complaints whose complainant a user may see unmasked."""

    user_id: int | None
    unit_ids: frozenset[int]
    owner_sees: bool

    @classmethod
    def for_user(cls, user: User) -> PersonalDataScope:
        roles = user_roles(user)
        units: set[int] = set()
        for role in (Role.FRONTLINE, Role.HANDLER):
            units |= roles.get(role, set())
        if Role.COMPLAINTS_MANAGER in roles:
            units |= unit_descendant_ids(roles[Role.COMPLAINTS_MANAGER])
        return cls(user_id=user.pk, unit_ids=frozenset(units), owner_sees=Role.HANDLER in roles)

    def allows(self, complaint: Complaint) -> bool:
        return self.allows_ids(
            unit_id=complaint.unit_id,
            owner_id=complaint.owner_id,
            subject_staff_id=complaint.subject_staff_id,
        )

    def allows_ids(
        self, *, unit_id: int | None, owner_id: int | None, subject_staff_id: int | None
    ) -> bool:
        """``allows`` for a complaint read as plain values (exports read no instances)."""
        if self.user_id is None or subject_staff_id == self.user_id:
            return False
        if unit_id in self.unit_ids:
            return True
        return self.owner_sees and owner_id == self.user_id

    def q(self) -> Q:
        """``allows`` as a filter, for searching by what only this scope may see."""
        if self.user_id is None:
            return Q(pk__in=[])
        allowed = Q(unit_id__in=self.unit_ids)
        if self.owner_sees:
            allowed |= Q(owner_id=self.user_id)
        return allowed & ~Q(subject_staff_id=self.user_id)


def mask_name(name: str) -> str:
    """Initials only: "Nguyễn Văn An" → "N. V. A."."""
    return " ".join(f"{word[0]}." for word in name.split()) or HIDDEN


def mask_email(email: str) -> str:
    """First letter and the domain: "khach@example.vn" → "k•••@example.vn"."""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{HIDDEN}@{domain}" if domain else HIDDEN


def mask_phone(phone: str) -> str:
    """The last three digits: "0912 345 678" → "•••678"."""
    digits = [ch for ch in phone if ch.isdigit()]
    if not digits:
        return ""
    return HIDDEN + "".join(digits[-3:])


def mask_text(text: str) -> str:
    return HIDDEN if text else ""


def holds_personal_data(message: Message | None) -> bool:
    """Whether a message, or a file by its message (None: a file sent with the complaint),
    holds what passed between the complainant and the organisation. Internal notes do not: a
    person who sees the complainant masked still reads the staff's notes and their files."""
    return message is None or message.direction != Message.Direction.INTERNAL


@dataclass(frozen=True)
class ComplainantView:
    """What a person is shown of a complainant (masked or not)."""

    full_name: str
    organisation: str
    email: str
    phone: str
    address: str
    representative: str
    masked: bool


def complainant_view(complaint: Complaint, scope: PersonalDataScope) -> ComplainantView:
    person = complaint.complainant
    if scope.allows(complaint):
        representative = " · ".join(
            p
            for p in (
                complaint.representative_name,
                complaint.representative_relation,
                complaint.representative_contact,
            )
            if p
        )
        return ComplainantView(
            full_name=person.full_name,
            organisation=person.organisation,
            email=person.email,
            phone=person.phone,
            address=person.address,
            representative=representative,
            masked=False,
        )
    return ComplainantView(
        full_name=mask_name(person.full_name),
        organisation=mask_text(person.organisation),
        email=mask_email(person.email),
        phone=mask_phone(person.phone),
        address=mask_text(person.address),
        representative=mask_text(complaint.representative_name),
        masked=True,
    )
