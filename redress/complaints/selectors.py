"""Reads of the register. ``complaints_visible_to`` is the one visibility gate: every list,
detail, export, API call and dashboard starts from it (DESIGN.md rule 3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from redress.complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ConflictDeclaration,
    Message,
    PauseReason,
    PriorityMatrix,
)
from redress.complaints.models.priority import default_priority_matrix
from redress.complaints.references import tracking_code_matches
from redress.complaints.transitions import Action
from redress.core.errors import NotFound
from redress.core.memo import memo
from redress.core.models import User
from redress.core.read_memo import remembered
from redress.core.roles import ORGANISATION_WIDE_ROLES, Role
from redress.core.selectors import organisation_get, unit_descendant_ids, user_roles


def _unit_scope(user: User) -> tuple[bool, set[int]]:
    """(sees the whole organisation, ids of units whose complaints the user sees)."""
    roles = user_roles(user)
    if any(role in ORGANISATION_WIDE_ROLES for role in roles):
        return True, set()
    units: set[int] = set()
    for role in (Role.FRONTLINE, Role.HANDLER):
        units |= roles.get(role, set())
    if Role.COMPLAINTS_MANAGER in roles:
        units |= unit_descendant_ids(roles[Role.COMPLAINTS_MANAGER])
    return False, units


@dataclass(frozen=True)
class VisibleScope:
    """What ``complaints_visible_to`` lets a person see, in parts: the complaints of whole units
    (``everything``, or the ``units``), plus those matching ``also``, minus those matching
    ``hidden``. Figures kept per unit (the analytics rollup) start from the units and correct
    for the other two, which hold a few complaints."""

    everything: bool
    units: frozenset[int]
    also: Q | None = None
    hidden: Q | None = None
    nothing: bool = False


# A complaint restricted at the person's request (Law 91/2025): the data-protection officer's
# alone until the restriction is lifted.
RESTRICTED = Q(processing_restricted=True)


def sees_restricted(user: User) -> bool:
    """Whether the person may read complaints whose processing is restricted (the
    data-protection officer; ``complaints_visible_to`` applies the same rule)."""
    return user.is_active and Role.DPO in user_roles(user)


def complaint_readers(complaint: Complaint, users: Iterable[User]) -> list[User]:
    """Of ``users``, those who may be told about ``complaint``: all of them, unless its
    processing is restricted; then only those who may read it (the data-protection officer).
    Every notice about a complaint passes through here, so that a restriction silences
    reminders, escalations and digests to everyone else."""
    people = list(users)
    if not complaint.processing_restricted:
        return people
    return [user for user in people if sees_restricted(user)]


# What a person without a staff role is granted to see, asked of the apps above the register
# that grant it (the external auditor's access to the sampled complaints of a pack, in
# certification, registered from its ``ready()``): each answers the complaints granted, or None.
VISIBILITY_GRANTS: list[Callable[[User], Q | None]] = []


def visibility_grant_register(grant: Callable[[User], Q | None]) -> None:
    if grant not in VISIBILITY_GRANTS:
        VISIBILITY_GRANTS.append(grant)


def _granted_scope(user: User) -> VisibleScope:
    """A person without a staff role: the complaints granted to them, if any, never one whose
    processing is restricted."""
    granted = [q for grant in VISIBILITY_GRANTS if (q := grant(user)) is not None]
    if not granted:
        return VisibleScope(everything=False, units=frozenset(), nothing=True)
    also = granted[0]
    for q in granted[1:]:
        also |= q
    return VisibleScope(everything=False, units=frozenset(), also=also, hidden=RESTRICTED)


def visible_scope(user: User) -> VisibleScope:
    """The parts of a person's visibility (see ``complaints_visible_to``)."""
    if not user.is_authenticated or not user.is_active:
        return VisibleScope(everything=False, units=frozenset(), nothing=True)
    roles = user_roles(user)
    if not roles:
        return _granted_scope(user)
    everything, units = _unit_scope(user)
    handles = Role.HANDLER in roles or Role.COMPLAINTS_MANAGER in roles
    answers_for_data = sees_restricted(user)
    if not everything and not units and not handles and not answers_for_data:
        return VisibleScope(everything=False, units=frozenset(), nothing=True)
    also = None
    if handles and not everything:
        also = Q(owner=user)
    if answers_for_data and not everything:
        also = RESTRICTED if also is None else also | RESTRICTED
    hidden = None if Role.AUDITOR in roles else Q(subject_staff=user)
    if not answers_for_data:
        hidden = RESTRICTED if hidden is None else hidden | RESTRICTED
    return VisibleScope(everything=everything, units=frozenset(units), also=also, hidden=hidden)


def scope_corrections_any(user: User, scope: VisibleScope) -> tuple[bool, bool]:
    """Whether, anywhere in the register, the person sees a complaint outside the units of
    their scope (one they own), and whether a complaint is hidden from them (about them, or
    restricted): asked once per GET request, an index look-up each. Figures kept per unit (the
    queue tally, the analytics rollup) need a correction only where one of these holds; most
    people have neither."""

    def compute() -> tuple[bool, bool]:
        elsewhere = False
        if not scope.everything and scope.also is not None:
            outside = Complaint.objects.filter(scope.also).exclude(unit_id__in=sorted(scope.units))
            if scope.hidden is not None:
                outside = outside.exclude(scope.hidden)
            elsewhere = outside.exists()
        hidden = scope.hidden is not None and Complaint.objects.filter(scope.hidden).exists()
        return elsewhere, hidden

    return remembered(("scope_corrections_any", user.pk), compute)


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Complaints the user may see.

    - top management and auditors: all;
    - complaints managers: their units and every unit below;
    - handlers and frontline staff: their units' complaints, and any complaint they own;
    - nobody sees a complaint about themselves, except auditors (objectivity, confidentiality);
    - a complaint whose processing is restricted at the person's request: only the
      data-protection officer (Law 91/2025; they see nothing else by this role);
    - admins without another role, and inactive users: none;
    - a person without a staff role: what an app above grants them (an external auditor: the
      sampled complaints of the packs of their live grants), else none.
    """
    scope = visible_scope(user)
    if scope.nothing:
        return Complaint.objects.none()
    queryset = Complaint.objects.all()
    if not scope.everything:
        condition = Q(unit_id__in=scope.units)
        if scope.also is not None:
            condition |= scope.also
        queryset = queryset.filter(condition)
    if scope.hidden is not None:
        queryset = queryset.exclude(scope.hidden)
    return queryset


def complaint_roles(user: User, complaint: Complaint) -> set[Role]:
    """The roles the user holds *for this complaint* (a handler in unit A is only a reader in
    the units a manager role of theirs covers elsewhere, and so on)."""
    roles = user_roles(user)
    held: set[Role] = {role for role in roles if role in ORGANISATION_WIDE_ROLES}
    for role in (Role.FRONTLINE, Role.HANDLER):
        if complaint.unit_id in roles.get(role, set()):
            held.add(role)
    if complaint.owner_id == user.pk and Role.HANDLER in roles:
        held.add(Role.HANDLER)
    if Role.COMPLAINTS_MANAGER in roles and complaint.unit_id in unit_descendant_ids(
        roles[Role.COMPLAINTS_MANAGER]
    ):
        held.add(Role.COMPLAINTS_MANAGER)
    if complaint.subject_staff_id == user.pk:
        held &= {Role.AUDITOR}
    return held


def conflicted_person_ids(complaint: Complaint) -> set[int]:
    """The people with a standing conflict-of-interest declaration on the complaint: they may
    neither own it nor decide it (ISO 10002 4.7)."""
    return set(
        ConflictDeclaration.objects.filter(
            complaint=complaint, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )


def conflict_declarations(complaint: Complaint, *, withdrawn: bool) -> list[ConflictDeclaration]:
    """The complaint's declarations, oldest first, with the people named (one query); the
    withdrawn ones too when ``withdrawn``."""
    rows = complaint.conflict_declarations.select_related("person", "withdrawn_by")
    if not withdrawn:
        rows = rows.filter(withdrawn_at__isnull=True)
    return list(rows)


def complaint_get_for_user(user: User, reference: str) -> Complaint:
    """One complaint by reference, through the gate. Unknown and invisible look the same."""
    complaint = (
        complaints_visible_to(user)
        .filter(reference=reference)
        .select_related("complainant", "unit", "owner", "category", "product", "subject_staff")
        .first()
    )
    if complaint is None:
        raise NotFound(reference)
    return complaint


def complaint_find_by_tracking(reference: str, tracking_code: str) -> Complaint | None:
    """The portal's only way in: reference plus the secret tracking code, never an id."""
    complaint = (
        Complaint.objects.filter(reference=reference.strip().upper())
        .select_related("complainant")
        .first()
    )
    if complaint is None or not tracking_code_matches(complaint, tracking_code):
        return None
    return complaint


def public_timeline() -> QuerySet[ComplaintEvent]:
    """The steps of complaints' records their complainant is shown (the portal's timeline, the
    person's data export), oldest first; filter it by complaint."""
    return ComplaintEvent.objects.filter(visible_to_complainant=True).order_by("at", "pk")


def public_messages() -> QuerySet[Message]:
    """Messages from and to complainants, without staff's internal notes, oldest first."""
    return Message.objects.exclude(direction=Message.Direction.INTERNAL).order_by(
        "created_at", "pk"
    )


@dataclass(frozen=True)
class InformationRequest:
    """What staff asked the complainant for while the complaint waits for them."""

    asked_at: Any
    question: str


def information_request(complaint: Complaint) -> InformationRequest | None:
    """The open request for information to the complainant (the complaint is paused waiting for
    them), with the question as staff wrote it; None when nothing is asked of them."""
    if complaint.paused_at is None or complaint.pause_reason != PauseReason.COMPLAINANT:
        return None
    pause = complaint.events.filter(action=Action.PAUSE).order_by("-at", "-pk").first()
    data = pause.data if pause is not None and isinstance(pause.data, dict) else {}
    return InformationRequest(asked_at=complaint.paused_at, question=str(data.get("note") or ""))


def public_attachments() -> QuerySet[Attachment]:
    """The files a complainant is shown: sent with the complaint or with a message to or from
    them, never a file of an internal note."""
    return Attachment.objects.exclude(message__direction=Message.Direction.INTERNAL)


@memo
def priority_matrix_cells() -> dict[str, dict[str, str]]:
    """The organisation's severity × impact priority matrix (the default one until an
    administrator sets it). Remembered for a few seconds (``core.memo``): read-only."""
    organisation = organisation_get()
    found = PriorityMatrix.objects.filter(organisation=organisation).first()
    return found.cells if found is not None else default_priority_matrix()
