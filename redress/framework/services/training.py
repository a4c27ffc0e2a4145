"""Competence (ISO 10002 principle 4.14, clause 6.4): the courses, which roles need which, each
person's training records, and the advance notice of training about to expire.

Courses, requirements and records are kept by complaints managers and administrators
(``Permission.TRAINING_EDIT``); every change is audited (``framework.<action>``). A record's
expiry date, when not given, is its completion date plus the course's validity; a record that
would end before it starts is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.attachments import IncomingFile, attachments_check
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import users_with_role
from redress.framework.models import Course, CourseRequirement, TrainingRecord
from redress.framework.roles import Permission
from redress.framework.selectors_training import records_expiring
from redress.framework.services.common import allowed, framework_record, required
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users

logger = logging.getLogger(__name__)

# The longest validity a course may have (fifty years): beyond it, "never expires" says it.
MAX_VALID_MONTHS = 600


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 January plus
    one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _course_values(course: Course) -> dict[str, object]:
    return {
        "code": course.code,
        "name": course.name,
        "name_en": course.name_en,
        "valid_months": course.valid_months,
        "active": course.active,
    }


def _course_check(*, code: str, name: str, valid_months: int | None, pk: int | None) -> None:
    required({"code": code, "name": name})
    same_code = Course.objects.filter(code=code.strip())
    if pk is not None:
        same_code = same_code.exclude(pk=pk)
    if same_code.exists():
        message = _("A course with the code “%(code)s” exists already.") % {"code": code.strip()}
        raise ValidationFailed(message, fields={"code": [message]})
    if valid_months is not None and not 1 <= valid_months <= MAX_VALID_MONTHS:
        message = _("A course is valid for 1 to %(max)d months, or never expires (empty).") % {
            "max": MAX_VALID_MONTHS
        }
        raise ValidationFailed(message, fields={"valid_months": [message]})


def _roles_check(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        message = _("“%(value)s” is not a valid choice.") % {"value": unknown[0]}
        raise ValidationFailed(message, fields={"roles": [_("Not a valid choice.")]})
    return chosen


def _requirements_set(course: Course, roles: list[str]) -> tuple[list[str], list[str]]:
    before = sorted(course.requirements.values_list("role", flat=True))
    course.requirements.exclude(role__in=roles).delete()
    CourseRequirement.objects.bulk_create(
        [CourseRequirement(course=course, role=role) for role in roles if role not in before]
    )
    return before, roles


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    name_en: str = "",
    valid_months: int | None = None,
    roles: Iterable[str] = (),
) -> Course:
    """A new course and the roles that need it. Refused: an empty code or name, a code in use,
    a validity outside 1–600 months, an unknown role."""
    allowed(actor, Permission.TRAINING_EDIT)
    _course_check(code=code, name=name, valid_months=valid_months, pk=None)
    chosen = _roles_check(roles)
    course = Course.objects.create(
        code=code.strip(), name=name.strip(), name_en=name_en.strip(), valid_months=valid_months
    )
    _requirements_set(course, chosen)
    framework_record(
        actor=actor,
        action="course_create",
        target=course,
        label=course.code,
        after={**_course_values(course), "roles": chosen},
    )
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    actor: Actor,
    code: str,
    name: str,
    name_en: str = "",
    valid_months: int | None = None,
    active: bool = True,
    roles: Iterable[str] = (),
) -> Course:
    """Change a course and the roles that need it (records already made keep their expiry
    dates). Refused as ``course_create``."""
    allowed(actor, Permission.TRAINING_EDIT)
    _course_check(code=code, name=name, valid_months=valid_months, pk=course.pk)
    chosen = _roles_check(roles)
    course = Course.objects.select_for_update().get(pk=course.pk)
    before = _course_values(course)
    course.code, course.name, course.name_en = code.strip(), name.strip(), name_en.strip()
    course.valid_months, course.active = valid_months, active
    course.save(update_fields=["code", "name", "name_en", "valid_months", "active"])
    roles_before, roles_after = _requirements_set(course, chosen)
    framework_record(
        actor=actor,
        action="course_update",
        target=course,
        label=course.code,
        before={**before, "roles": roles_before},
        after={**_course_values(course), "roles": roles_after},
    )
    return course


def _evidence(evidence: IncomingFile | None) -> ContentFile[bytes] | None:
    if evidence is None:
        return None
    (checked,) = attachments_check([evidence], field="evidence")
    return ContentFile(checked.content, name=checked.name)


@transaction.atomic
def training_record_add(
    *,
    actor: Actor,
    user: User,
    course: Course,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
    evidence: IncomingFile | None = None,
    note: str = "",
) -> TrainingRecord:
    """Record that ``user`` completed ``course`` on ``completed_on``. Without ``expires_on``
    the record expires after the course's validity (never, for a course without one).
    Refused: a completion in the future, an expiry before the completion, an evidence file
    of a type or size the attachment check refuses, an inactive course or person."""
    recorder = allowed(actor, Permission.TRAINING_EDIT)
    today = timezone.localdate()
    if completed_on > today:
        message = _("The completion date cannot be in the future.")
        raise ValidationFailed(message, fields={"completed_on": [message]})
    if expires_on is None and course.valid_months:
        expires_on = months_after(completed_on, course.valid_months)
    if expires_on is not None and expires_on < completed_on:
        message = _(
            "A training record cannot end before it starts: it expires on %(end)s, "
            "before its completion on %(start)s."
        ) % {
            "end": expires_on.strftime("%d/%m/%Y"),
            "start": completed_on.strftime("%d/%m/%Y"),
        }
        raise ValidationFailed(
            message, fields={"expires_on": [_("The expiry date is before the completion date.")]}
        )
    if not course.active:
        message = _("This course is no longer in use.")
        raise ValidationFailed(message, fields={"course": [message]})
    if not user.is_active:
        message = _("This person's account is not active.")
        raise ValidationFailed(message, fields={"user": [message]})
    stored = _evidence(evidence)
    record = TrainingRecord(
        user=user,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        note=note.strip()[:300],
        recorded_by_label=(recorder.get_username() if recorder else actor.label)[:150],
        recorded_at=timezone.now(),
    )
    if stored is not None:
        record.evidence.save(stored.name or "evidence", stored, save=False)
    record.save()
    framework_record(
        actor=actor,
        action="training_record_add",
        target=record,
        label=f"{course.code} #{record.pk}",
        after={
            "user": user.pk,
            "course": course.code,
            "completed_on": completed_on,
            "expires_on": expires_on,
            "evidence": record.evidence.name or "",
        },
    )
    return record


@transaction.atomic
def training_record_delete(*, record: TrainingRecord, actor: Actor, reason: str) -> None:
    """Remove a record entered by mistake; the reason is audited."""
    allowed(actor, Permission.TRAINING_EDIT)
    required({"reason": reason})
    framework_record(
        actor=actor,
        action="training_record_delete",
        target=record,
        label=f"{record.course.code} #{record.pk}",
        before={
            "user": record.user_id,
            "course": record.course.code,
            "completed_on": record.completed_on,
            "expires_on": record.expires_on,
        },
        after={"reason": reason.strip()},
    )
    record.delete()


def _managers_of(user: User) -> list[User]:
    """The complaints managers of the units where the person holds a role (all complaints
    managers when they hold none)."""
    units = set(user.memberships.values_list("unit_id", flat=True))
    return users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=units or None)


def training_expiry_notices(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Tell the person and their complaints managers, once per record, that training expires
    within ``REDRESS_TRAINING_EXPIRY_NOTICE_DAYS`` days (the worker runs it every minute).
    Returns how many records were notified."""
    today = today or timezone.localdate()
    within = settings.REDRESS_TRAINING_EXPIRY_NOTICE_DAYS
    sent = 0
    for record in records_expiring(on=today, within_days=within).order_by("expires_on")[:limit]:
        try:
            with transaction.atomic():
                locked = TrainingRecord.objects.select_for_update().get(pk=record.pk)
                if locked.expiry_notice_sent is not None:
                    continue  # another worker sent it
                locked.expiry_notice_sent = today
                locked.save(update_fields=["expiry_notice_sent"])
                label = _("%(course)s expires on %(day)s (%(person)s)") % {
                    "course": record.course.name,
                    "day": (record.expires_on or today).strftime("%d/%m/%Y"),
                    "person": record.user.get_full_name() or record.user.get_username(),
                }
                notify_users(
                    users=[record.user, *_managers_of(record.user)],
                    kind=Notification.Kind.TRAINING_EXPIRING,
                    dedupe_key=f"training-expiring:{record.pk}",
                    target=(Notification.Target.TRAINING, record.user_id, label),
                )
                framework_record(
                    actor=Actor.system("training-expiry"),
                    action="training_expiry_notice",
                    target=record,
                    label=f"{record.course.code} #{record.pk}",
                    after={"user": record.user_id, "expires_on": record.expires_on},
                )
            sent += 1
        except Exception:
            logger.exception("expiry notice of training record %s failed", record.pk)
    return sent
