"""Management review (ISO 10002 8.6): planning a review with top management among its
participants, writing its free-text inputs, freezing the inputs as a snapshot at the review
date, recording the meeting as held, its outputs (an action opens a CAPA or is a task tracked
here), its minutes and their approval by a top-management participant.

The lifecycle is ``framework.review_transitions``; who may do what, ``framework.roles``
(``REVIEW_PREPARE``: complaints managers and top management; ``REVIEW_APPROVE``: top
management). Every change writes its audit entry (``framework.review_*``). Once the minutes are
approved nothing of the review changes (inputs, outputs, minutes); only the follow-up of its
actions goes on: a task's owner marks it done, a CAPA follows its own lifecycle. The scheduled duties (reminders, the automatic freeze, overdue
actions) are ``framework.services.review_jobs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from redress.analytics.cohort import organisation_zone
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import user_roles
from redress.framework.models.review import (
    ManagementReview,
    OutputType,
    ReviewOutput,
    ReviewSnapshot,
    ReviewStatus,
    TaskStatus,
)
from redress.framework.review_inputs import review_inputs_gather, snapshot_digest
from redress.framework.review_transitions import ReviewAction, review_transition_check
from redress.framework.roles import Permission
from redress.framework.services.common import allowed, choice_check, framework_record, required
from redress.improvement.models import CapaSource, CapaType
from redress.improvement.selectors import may as improvement_may
from redress.improvement.services.capa import capa_open
from redress.improvement.transitions import Permission as ImprovementPermission

# The longest review period (as the figures': ten years).
MAX_PERIOD_DAYS = 3660


def _lock(review: ManagementReview) -> ManagementReview:
    return ManagementReview.objects.select_for_update().get(pk=review.pk)


def _date_text(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _is_top_management(user: User) -> bool:
    return user.is_active and Role.TOP_MANAGEMENT in user_roles(user)


def participants_check(participants: Sequence[User]) -> list[User]:
    """The participants, each an active member of staff, at least one of them an active
    top-management user (a review without top management is not a management review)."""
    people = list({user.pk: user for user in participants}.values())
    if any(not user.is_active for user in people):
        raise ValidationFailed(
            _("Some participants are not active."),
            fields={"participants": [_("Choose active members of staff.")]},
        )
    if not any(_is_top_management(user) for user in people):
        raise ValidationFailed(
            _("A management review needs top management among its participants."),
            fields={"participants": [_("Add at least one active member of top management.")]},
        )
    return people


def _period_default(review_date: dt.date) -> tuple[dt.date, dt.date]:
    """From the day after the previous review (else a year before) to the review date."""
    previous = (
        ManagementReview.objects.filter(review_date__lt=review_date)
        .order_by("-review_date")
        .values_list("review_date", flat=True)
        .first()
    )
    # A year: the review date and the 364 days before it.
    first = previous + dt.timedelta(days=1) if previous else review_date - dt.timedelta(days=364)
    return first, review_date


def _period_check(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ValidationFailed(
            _("The review period ends before it starts."),
            fields={"period_end": [_("Choose a day on or after the start of the period.")]},
        )
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            _("The review period may cover at most ten years."),
            fields={"period_start": [_("Choose a shorter period.")]},
        )


def _reference_next(year: int) -> str:
    prefix = f"MR-{year}-"
    taken = ManagementReview.objects.filter(reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(ref.removeprefix(prefix)) for ref in taken if ref.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


@transaction.atomic
def review_plan(
    *,
    actor: Actor,
    title: str,
    review_date: dt.date,
    participants: Sequence[User],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ManagementReview:
    """Plan a review (complaints managers, top management): its title, date and participants,
    at least one of whom is top management (refused otherwise, on ``participants``), and the
    period its figures cover (default: since the previous review, else the last year, to the
    review date). Its reference is ``MR-<year of the date>-<number>``."""
    preparer = allowed(actor, Permission.REVIEW_PREPARE)
    if preparer is None:
        raise NotPermitted(_("Only a person prepares a management review."))
    required({"title": title})
    people = participants_check(participants)
    default_start, default_end = _period_default(review_date)
    first, last = period_start or default_start, period_end or default_end
    _period_check(first, last)
    now = timezone.now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                review = ManagementReview.objects.create(
                    reference=_reference_next(review_date.year),
                    title=title.strip()[:200],
                    review_date=review_date,
                    period_start=first,
                    period_end=last,
                    prepared_by=preparer,
                    created_at=now,
                )
            break
        except IntegrityError:  # another review took the number meanwhile
            continue
    else:
        raise Conflict(_("Another review was planned at the same time; try again."))
    review.participants.set(people)
    framework_record(
        actor=actor,
        action="review_plan",
        target=review,
        label=review.reference,
        after={
            "title": review.title,
            "review_date": review_date,
            "period": [first, last],
            "participants": sorted(user.pk for user in people),
        },
        at=now,
    )
    return review


@transaction.atomic
def review_inputs_save(
    *, review: ManagementReview, actor: Actor, context_changes: str, resources: str, other: str
) -> ManagementReview:
    """The preparer's free-text inputs (changes in law or context, resources, other), written
    before the inputs are frozen; the snapshot keeps them as they were then."""
    allowed(actor, Permission.REVIEW_PREPARE)
    review = _lock(review)
    review_transition_check(review.status, ReviewAction.INPUTS)
    before = {
        "context_changes": review.context_changes,
        "resources": review.resources,
        "other_inputs": review.other_inputs,
    }
    review.context_changes = context_changes.strip()
    review.resources = resources.strip()
    review.other_inputs = other.strip()
    review.save(update_fields=["context_changes", "resources", "other_inputs"])
    framework_record(
        actor=actor,
        action="review_inputs",
        target=review,
        label=review.reference,
        before=before,
        after={
            "context_changes": review.context_changes,
            "resources": review.resources,
            "other_inputs": review.other_inputs,
        },
    )
    return review


@transaction.atomic
def review_freeze(
    *, review: ManagementReview, actor: Actor, now: dt.datetime | None = None
) -> ReviewSnapshot:
    """Take the snapshot of the inputs (``review_inputs``) and freeze it: on or after the review
    date (the preparer, or the scheduled job on the date), once. Its SHA-256 goes into the
    audit entry; nothing recomputes it afterwards."""
    allowed(actor, Permission.REVIEW_PREPARE)
    review = _lock(review)
    target = review_transition_check(review.status, ReviewAction.FREEZE)
    now = now or timezone.now()
    if now.astimezone(organisation_zone()).date() < review.review_date:
        raise Conflict(
            _("The inputs are frozen on the review date, %(date)s, or after it.")
            % {"date": _date_text(review.review_date)}
        )
    data = review_inputs_gather(review, now=now)
    digest = snapshot_digest(data)
    snapshot = ReviewSnapshot.objects.create(
        review=review, taken_at=now, taken_by_label=actor.label[:150], data=data, sha256=digest
    )
    review.status = target
    review.frozen_at = now
    review.save(update_fields=["status", "frozen_at"])
    framework_record(
        actor=actor,
        action="review_freeze",
        target=review,
        label=review.reference,
        before={"status": ReviewStatus.PLANNED},
        after={"status": target, "snapshot": snapshot.pk, "sha256": digest},
        at=now,
    )
    return snapshot


@transaction.atomic
def review_hold(*, review: ManagementReview, actor: Actor) -> ManagementReview:
    """The meeting took place: its outputs and minutes may now be recorded."""
    allowed(actor, Permission.REVIEW_PREPARE)
    review = _lock(review)
    from_status = review.status
    review.status = review_transition_check(review.status, ReviewAction.HOLD)
    review.held_at = timezone.now()
    review.save(update_fields=["status", "held_at"])
    framework_record(
        actor=actor,
        action="review_hold",
        target=review,
        label=review.reference,
        before={"status": from_status},
        after={"status": review.status},
        at=review.held_at,
    )
    return review


def _capa_unit(owner: User, unit: OrgUnit | None) -> OrgUnit:
    if unit is not None:
        return unit
    membership = owner.memberships.select_related("unit").order_by("pk").first()
    if membership is None:
        raise ValidationFailed(
            _("Choose the unit the CAPA belongs to."),
            fields={"unit": [_("This field is required.")]},
        )
    return membership.unit


def _capa_actor(actor: Actor, unit: OrgUnit) -> Actor:
    """The person recording the action opens its CAPA when they may open CAPA in the unit;
    otherwise the review opens it (the decision is the review's, approved with its minutes)."""
    if actor.user is not None and improvement_may(
        actor.user, ImprovementPermission.CAPA_OPEN, unit_id=unit.pk
    ):
        return actor
    return Actor.system("management-review")


@transaction.atomic
def review_output_record(
    *,
    review: ManagementReview,
    actor: Actor,
    type: str,
    text: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    open_capa: bool = False,
    capa_type: str = CapaType.CORRECTIVE,
    capa_unit: OrgUnit | None = None,
) -> ReviewOutput:
    """Record an output while the review is held: a decision, an action, a resource need or an
    improvement to the policy or objectives. An action needs an owner (active) and a due date
    (not in the past); it either opens a CAPA (source: management review) or is a task tracked
    on the review, open until its owner marks it done."""
    allowed(actor, Permission.REVIEW_PREPARE)
    review = _lock(review)
    review_transition_check(review.status, ReviewAction.OUTPUT)
    choice_check("type", type, OutputType)
    required({"text": text})
    is_action = type == OutputType.ACTION
    if is_action:
        problems: dict[str, list[str]] = {}
        if owner is None or not owner.is_active:
            problems["owner"] = [_("An action needs an active owner.")]
        if due_on is None:
            problems["due_on"] = [_("An action needs a due date.")]
        elif due_on < timezone.localdate():
            problems["due_on"] = [_("The due date cannot be in the past.")]
        if problems:
            raise ValidationFailed(_("An action needs an owner and a due date."), fields=problems)
    now = timezone.now()
    capa = None
    if is_action and open_capa:
        assert owner is not None
        choice_check("capa_type", capa_type, CapaType)
        unit = _capa_unit(owner, capa_unit)
        capa = capa_open(
            actor=_capa_actor(actor, unit),
            title=text.strip()[:300],
            type=capa_type,
            source=CapaSource.MANAGEMENT_REVIEW,
            source_note=_("Management review %(reference)s of %(date)s")
            % {"reference": review.reference, "date": _date_text(review.review_date)},
            owner=owner,
            unit=unit,
        )
    output = ReviewOutput.objects.create(
        review=review,
        type=type,
        text=text.strip(),
        owner=owner if is_action else None,
        due_on=due_on if is_action else None,
        capa=capa,
        task_status=TaskStatus.OPEN if is_action and capa is None else "",
        recorded_at=now,
        recorded_by_label=actor.label[:150],
    )
    framework_record(
        actor=actor,
        action="review_output",
        target=review,
        label=review.reference,
        after={
            "output": output.pk,
            "type": type,
            "owner": output.owner_id,
            "due_on": output.due_on,
            "capa": capa.reference if capa else None,
        },
        at=now,
    )
    return output


@transaction.atomic
def review_action_done(*, output: ReviewOutput, actor: Actor) -> ReviewOutput:
    """The owner of an action tracked as a task marks it done (only its owner; an action
    followed by a CAPA is done when the CAPA closes)."""
    output = ReviewOutput.objects.select_for_update().select_related("review").get(pk=output.pk)
    if actor.user is None or actor.user.pk != output.owner_id:
        raise NotPermitted(_("Only the owner of this action marks it done."))
    if output.type != OutputType.ACTION or output.capa_id is not None:
        raise Conflict(_("Only an action tracked as a task here is marked done."))
    if output.task_status == TaskStatus.DONE:
        raise Conflict(_("This action is done already."))
    output.task_status = TaskStatus.DONE
    output.done_at = timezone.now()
    output.save(update_fields=["task_status", "done_at"])
    framework_record(
        actor=actor,
        action="review_action_done",
        target=output.review,
        label=output.review.reference,
        before={"output": output.pk, "task_status": TaskStatus.OPEN},
        after={"output": output.pk, "task_status": TaskStatus.DONE},
        at=output.done_at,
    )
    return output


@transaction.atomic
def review_minutes_save(
    *, review: ManagementReview, actor: Actor, minutes: str
) -> ManagementReview:
    """Write (or rewrite) the minutes while the review is held."""
    allowed(actor, Permission.REVIEW_PREPARE)
    review = _lock(review)
    review_transition_check(review.status, ReviewAction.MINUTES)
    required({"minutes": minutes})
    before = {"minutes_length": len(review.minutes)}
    review.minutes = minutes.strip()
    review.save(update_fields=["minutes"])
    framework_record(
        actor=actor,
        action="review_minutes",
        target=review,
        label=review.reference,
        before=before,
        after={"minutes": review.minutes},
    )
    return review


@transaction.atomic
def review_minutes_approve(*, review: ManagementReview, actor: Actor) -> ManagementReview:
    """Top management approves the minutes: the approver is a participant of the review and the
    minutes are written. After this nothing of the review changes."""
    approver = allowed(actor, Permission.REVIEW_APPROVE)
    if approver is None:
        raise NotPermitted(_("Only a person approves the minutes."))
    review = _lock(review)
    target = review_transition_check(review.status, ReviewAction.APPROVE)
    if not review.participants.filter(pk=approver.pk).exists():
        raise ValidationFailed(
            _("Only a member of top management who took part in the review approves its minutes."),
            fields={"approver": [_("You are not a participant of this review.")]},
        )
    if not review.minutes.strip():
        raise ValidationFailed(
            _("Write the minutes before they are approved."),
            fields={"minutes": [_("This field is required.")]},
        )
    now = timezone.now()
    review.status = target
    review.approved_at = now
    review.approved_by = approver
    review.save(update_fields=["status", "approved_at", "approved_by"])
    framework_record(
        actor=actor,
        action="review_approve",
        target=review,
        label=review.reference,
        before={"status": ReviewStatus.HELD},
        after={"status": target, "approved_by": approver.pk},
        at=now,
    )
    return review
