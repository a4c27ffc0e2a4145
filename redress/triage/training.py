"""Training on demand in the background: "Train now" on the evaluation page asks the worker
(Django's Tasks API, ``django-tasks``) to train a new version, so that no web request waits
minutes for a large register; the page shows the training in progress and then its result.
One training at a time (``TriageTraining.in_progress``, a unique constraint)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.core.tasks import enqueue_on_commit
from redress.triage.models import TrainingState, TriageModel, TriageTraining
from redress.triage.services import triage_train

logger = logging.getLogger(__name__)

# A training in progress for longer than this is taken as lost (its worker stopped, or the
# queue lost it): it is marked failed and another may be asked for. 100,000 complaints train
# in about three minutes (bench/triage.md).
LOST_AFTER = dt.timedelta(hours=2)


def training_current() -> TriageTraining | None:
    """The latest training asked for on the page, in progress or finished."""
    return TriageTraining.objects.select_related("model", "requested_by").first()


def training_in_progress() -> bool:
    return TriageTraining.objects.filter(in_progress=True).exists()


def triage_training_request(*, actor: Actor) -> TriageTraining:
    """Ask the worker to train a new version now. Refused (``Conflict``, code
    ``training_in_progress``) while another training waits or runs, unless it has been in
    progress for longer than ``LOST_AFTER`` (then it is marked failed). Audited; the task is
    queued with the row, so both commit or neither does."""
    now = timezone.now()
    with transaction.atomic():
        TriageTraining.objects.filter(in_progress=True, requested_at__lt=now - LOST_AFTER).update(
            in_progress=False,
            state=TrainingState.FAILED,
            finished_at=now,
            error=_("No result from the worker after %(hours)d hours.")
            % {"hours": LOST_AFTER.total_seconds() // 3600},
        )
        try:
            with transaction.atomic():
                training = TriageTraining.objects.create(
                    requested_at=now, requested_by=actor.user, state=TrainingState.QUEUED
                )
        except IntegrityError:
            raise Conflict(
                _("A training is already in progress; its result will show on this page."),
                code="training_in_progress",
            ) from None
        audit_record(
            actor=actor,
            action="triage.train_request",
            target=training,
            target_label=str(training),
            after={"training": training.pk},
        )
        enqueue_on_commit(triage_training_task, training.pk)
    return training


def triage_training_run(*, training_id: int) -> TriageModel | None:
    """Run a training asked for (the worker's task): train, and record the version made or why
    it failed. A training already run, or given up as lost, is not run again (the task may be
    delivered twice)."""
    with transaction.atomic():
        training = (
            TriageTraining.objects.select_for_update()
            .filter(pk=training_id, state=TrainingState.QUEUED, in_progress=True)
            .first()
        )
        if training is None:
            return None
        training.state = TrainingState.RUNNING
        training.started_at = timezone.now()
        training.save(update_fields=["state", "started_at"])
    person = training.requested_by
    actor = Actor.for_user(person) if person is not None else Actor.system("triage")
    try:
        model = triage_train(actor=actor)
    except Exception as error:  # the page says it failed; the log has the traceback
        logger.exception("triage training %s failed", training_id)
        TriageTraining.objects.filter(pk=training_id).update(
            state=TrainingState.FAILED,
            in_progress=False,
            finished_at=timezone.now(),
            error=str(error)[:2000] or error.__class__.__name__,
        )
        return None
    TriageTraining.objects.filter(pk=training_id).update(
        state=TrainingState.DONE, in_progress=False, finished_at=timezone.now(), model=model
    )
    return model


@task()
def triage_training_task(training_id: int) -> int | None:
    """The worker's side of "Train now": the version made, or None."""
    model = triage_training_run(training_id=training_id)
    return model.version if model is not None else None
