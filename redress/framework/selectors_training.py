"""Reads about competence (ISO 10002 principle 4.14, clause 6.4): which courses a role needs,
whose training is current, and the training gate the lifecycle asks before it makes someone the
owner of a complaint (``untrained_for``).

A record is *current* on a day when it was completed on or before that day and its expiry date,
if it has one, is that day or later (a record expiring on 31 March still counts on 31 March).
Only active courses are required: a course switched off stops being asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redress.core.models import Membership, User
from redress.core.roles import Role
from redress.framework.models import Course, CourseRequirement, TrainingRecord
from redress.framework.roles import Permission, held_roles, may

# How far ahead the competence page calls training "expiring" unless asked otherwise.
EXPIRING_DAYS = 30


class Standing(StrEnum):
    """Where a person stands for one required course."""

    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


STANDING_LABELS = {
    Standing.CURRENT: _("Current"),
    Standing.EXPIRING: _("Expiring soon"),
    Standing.EXPIRED: _("Expired"),
    Standing.MISSING: _("Missing"),
}


def current_on(day: dt.date) -> Q:
    """The records (``TrainingRecord``) current on ``day``."""
    return Q(completed_on__lte=day) & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))


def courses_required(role: str) -> list[Course]:
    """The active courses ``role`` needs, by code."""
    return list(
        Course.objects.filter(active=True, requirements__role=role).order_by("code").distinct()
    )


def requirements_by_course() -> dict[int, list[str]]:
    """Each course's required roles (role codes), for the course pages."""
    found: dict[int, list[str]] = {}
    for course_id, role in CourseRequirement.objects.values_list("course_id", "role"):
        found.setdefault(course_id, []).append(role)
    return found


def untrained_for(user: User, role: str, *, on: dt.date | None = None) -> list[Course]:
    """The courses ``role`` needs in which ``user`` has no current training on ``on`` (today
    by default), by code; empty when the person is trained or the role needs no course."""
    day = on or timezone.localdate()
    required = courses_required(role)
    if not required:
        return []
    trained = set(
        TrainingRecord.objects.filter(current_on(day), user=user, course__in=required)
        .values_list("course_id", flat=True)
        .distinct()
    )
    return [course for course in required if course.pk not in trained]


def people_with_role(
    role: str, *, on: dt.date, unit_ids: Iterable[int] | None = None
) -> QuerySet[User]:
    """The active people holding ``role`` on ``on`` (in one of ``unit_ids``, when given)."""
    held = Membership.objects.filter(role=role).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
    )
    if unit_ids is not None:
        held = held.filter(unit_id__in=list(unit_ids))
    return User.objects.filter(is_active=True, pk__in=held.values("user_id"))


def trained_count(people: QuerySet[User], role: str, *, on: dt.date) -> tuple[int, int]:
    """(how many of ``people`` have current training in every course ``role`` needs on ``on``,
    how many people there are). With no course required everyone counts as trained."""
    total = people.count()
    required = [course.pk for course in courses_required(role)]
    if not required:
        return total, total
    current = (
        TrainingRecord.objects.filter(current_on(on), user__in=people, course_id__in=required)
        .values_list("user_id", "course_id")
        .distinct()
    )
    held: dict[int, set[int]] = {}
    for user_id, course_id in current:
        held.setdefault(user_id, set()).add(course_id)
    return sum(1 for courses in held.values() if len(courses) == len(required)), total


def training_records_visible_to(user: User) -> QuerySet[TrainingRecord]:
    """Everyone's records for those who keep them (``TRAINING_EDIT``) and for the roles that
    read the management system as managers and auditors; one's own records for everyone else."""
    records = TrainingRecord.objects.select_related("course", "user")
    if may_see_everyone(user):
        return records
    return records.filter(user=user)


def may_see_everyone(user: User) -> bool:
    """Whether ``user`` sees everyone's training (complaints managers, administrators, top
    management, auditors); others see their own."""
    return may(user, Permission.TRAINING_EDIT) or bool(
        held_roles(user) & {Role.COMPLAINTS_MANAGER, Role.TOP_MANAGEMENT, Role.AUDITOR}
    )


def person_records(viewer: User, person: User) -> list[TrainingRecord]:
    """A person's records, newest first, for someone who may see them (else empty)."""
    return list(
        training_records_visible_to(viewer).filter(user=person).order_by("-completed_on", "-pk")
    )


@dataclass(frozen=True)
class Cell:
    course: Course
    standing: Standing
    record: TrainingRecord | None

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self.standing])


@dataclass(frozen=True)
class PersonRow:
    person: User
    roles: list[str]
    cells: list[Cell]

    @property
    def complete(self) -> bool:
        return all(cell.standing in (Standing.CURRENT, Standing.EXPIRING) for cell in self.cells)


def _standing(record: TrainingRecord | None, day: dt.date, horizon: dt.date) -> Standing:
    if record is None or record.completed_on > day:
        return Standing.MISSING
    if record.expires_on is None or record.expires_on > horizon:
        return Standing.CURRENT
    if record.expires_on >= day:
        return Standing.EXPIRING
    return Standing.EXPIRED


def competence_matrix(
    viewer: User,
    *,
    on: dt.date | None = None,
    within_days: int = EXPIRING_DAYS,
    limit: int = 500,
) -> tuple[list[Course], list[PersonRow]]:
    """People × the courses their roles need: for each, current, expiring within
    ``within_days``, expired or missing, from each person's latest record of the course.
    Everyone (up to ``limit`` people) for those who see everyone's training; oneself otherwise."""
    day = on or timezone.localdate()
    horizon = day + dt.timedelta(days=within_days)
    needs: dict[str, list[Course]] = {}
    for requirement in CourseRequirement.objects.filter(course__active=True).select_related(
        "course"
    ):
        needs.setdefault(requirement.role, []).append(requirement.course)
    memberships = Membership.objects.filter(role__in=list(needs), user__is_active=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    if not may_see_everyone(viewer):
        memberships = memberships.filter(user=viewer)
    roles_of: dict[int, set[str]] = {}
    for user_id, role in memberships.values_list("user_id", "role"):
        roles_of.setdefault(user_id, set()).add(role)
    people = list(User.objects.filter(pk__in=list(roles_of)).order_by("username")[:limit])
    latest = _latest_records(people)
    columns = sorted({c.pk: c for cs in needs.values() for c in cs}.values(), key=lambda c: c.code)
    rows = []
    for person in people:
        wanted = {c.pk for role in roles_of[person.pk] for c in needs.get(role, [])}
        cells = [
            Cell(
                course,
                _standing(latest.get((person.pk, course.pk)), day, horizon),
                latest.get((person.pk, course.pk)),
            )
            for course in columns
            if course.pk in wanted
        ]
        labels = sorted(str(Role(role).label) for role in roles_of[person.pk])
        rows.append(PersonRow(person, labels, cells))
    return columns, rows


def _latest_records(people: Iterable[User]) -> dict[tuple[int, int], TrainingRecord]:
    """Each person's latest-expiring record of each course (a record without expiry wins)."""
    latest: dict[tuple[int, int], TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(user__in=list(people)).order_by("completed_on"):
        key = (record.user_id, record.course_id)
        kept = latest.get(key)
        if kept is None or _outlasts(record, kept):
            latest[key] = record
    return latest


def _outlasts(record: TrainingRecord, kept: TrainingRecord) -> bool:
    if kept.expires_on is None:
        return record.expires_on is None  # the later of two records that never expire
    return record.expires_on is None or record.expires_on >= kept.expires_on


def records_expiring(*, on: dt.date, within_days: int) -> QuerySet[TrainingRecord]:
    """Records of active people in active courses expiring between ``on`` and ``on`` +
    ``within_days`` (both included) whose expiry notice has not been sent, unless the person
    already holds a record of the course that lasts longer (renewed in advance)."""
    renewed = TrainingRecord.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")),
        user=OuterRef("user"),
        course=OuterRef("course"),
    )
    return (
        TrainingRecord.objects.exclude(Exists(renewed))
        .filter(
            expires_on__gte=on,
            expires_on__lte=on + dt.timedelta(days=within_days),
            expiry_notice_sent__isnull=True,
            user__is_active=True,
            course__active=True,
        )
        .select_related("user", "course")
    )
