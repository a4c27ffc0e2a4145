"""Training on demand in the background: "Train now" queues the worker's task, one training at
a time, and the result (or the failure) is recorded for the page to show."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redress.audit.models import AuditEntry
from redress.core.actors import Actor
from redress.core.errors import Conflict
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import make_team
from redress.triage import training as background
from redress.triage.models import TrainingState, TriageModel, TriageTraining
from redress.triage.testing import closed_complaints

pytestmark = pytest.mark.django_db

TASK = "redress.triage.training.triage_training_task"


@pytest.fixture
def admin():
    return Actor.for_user(staff(Role.ADMIN, make_team().unit))


def test_asking_queues_the_task_and_trains_nothing_in_the_request(admin):
    closed_complaints(120)
    training = background.triage_training_request(actor=admin)
    assert (training.state, training.in_progress) == (TrainingState.QUEUED, True)
    queued = DBTaskResult.objects.get(task_path=TASK)
    assert queued.args_kwargs["args"] == [training.pk]
    assert not TriageModel.objects.exists()
    assert AuditEntry.objects.filter(action="triage.train_request").count() == 1


def test_one_training_at_a_time(admin):
    background.triage_training_request(actor=admin)
    with pytest.raises(Conflict) as refused:
        background.triage_training_request(actor=admin)
    assert refused.value.code == "training_in_progress"
    assert TriageTraining.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1


def test_the_worker_trains_records_the_version_and_does_not_run_it_twice(admin):
    closed_complaints(120)
    training = background.triage_training_request(actor=admin)
    model = background.triage_training_run(training_id=training.pk)
    assert model is not None and model.version == 1 and model.is_active
    training.refresh_from_db()
    assert (training.state, training.in_progress, training.model) == (
        TrainingState.DONE,
        False,
        model,
    )
    assert training.started_at <= training.finished_at
    assert AuditEntry.objects.get(action="triage.train").actor_user_id == admin.user.pk
    assert background.triage_training_run(training_id=training.pk) is None
    assert TriageModel.objects.count() == 1
    # Finished: another may be asked for.
    assert background.triage_training_request(actor=admin).in_progress


def test_a_failed_training_says_why_and_frees_the_next(admin, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(background, "triage_train", broken)
    training = background.triage_training_request(actor=admin)
    assert background.triage_training_run(training_id=training.pk) is None
    training.refresh_from_db()
    assert (training.state, training.in_progress, training.error) == (
        TrainingState.FAILED,
        False,
        "disk full",
    )
    assert background.triage_training_request(actor=admin).in_progress


def test_a_training_lost_by_the_worker_is_given_up_after_a_while(admin):
    lost = background.triage_training_request(actor=admin)
    TriageTraining.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - background.LOST_AFTER - dt.timedelta(minutes=1)
    )
    again = background.triage_training_request(actor=admin)
    lost.refresh_from_db()
    assert (lost.state, lost.in_progress) == (TrainingState.FAILED, False)
    assert again.in_progress
    # The lost task, delivered late, does nothing.
    assert background.triage_training_run(training_id=lost.pk) is None


def test_the_daily_job_waits_while_a_training_asked_for_is_in_progress(admin, settings):
    from redress.sla.testing import frozen_clock
    from redress.triage.jobs import triage_train_daily

    settings.REDRESS_TRIAGE_TRAIN_HOUR = 3
    closed_complaints(40)
    with frozen_clock("2026-03-10 04:00"):
        training = background.triage_training_request(actor=admin)
        assert triage_train_daily() is None
        background.triage_training_run(training_id=training.pk)
        assert triage_train_daily() is None  # today's version was made by the training
    assert TriageModel.objects.count() == 1
