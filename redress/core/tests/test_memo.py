"""Settings rows remembered per process (redress.core.memo) and tasks queued with the work."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from redress.complaints.models import Complaint
from redress.core import memo as memo_module
from redress.core.memo import memo_clear
from redress.core.models import Organisation
from redress.core.selectors import organisation_get
from redress.core.tasks import enqueue_all_on_commit
from redress.handling.testing import make_team, receive
from redress.notifications.models import MessageTemplate
from redress.notifications.services import template_render
from redress.sla.models import SlaPolicy
from redress.sla.selectors import policy_for
from redress.sla.services import sla_recompute_received_since, sla_recompute_schedule
from redress.sla.tasks import check_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def remembered(settings, monkeypatch):
    """Memo switched on, with a clock the test moves."""
    settings.REDRESS_SETTINGS_MEMO_SECONDS = 10
    memo_clear()
    now = [1000.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: now[0])
    yield now
    memo_clear()


def test_a_change_made_elsewhere_is_seen_once_the_memo_expires(remembered):
    assert organisation_get().reference_prefix == "KN"
    Organisation.objects.filter(pk=1).update(reference_prefix="PA")  # another process's edit

    remembered[0] += 9
    assert organisation_get().reference_prefix == "KN"
    remembered[0] += 1
    assert organisation_get().reference_prefix == "PA"


def test_an_admin_edit_is_seen_at_once_in_its_own_process(remembered, admin_client):
    context = {"reference": "KN-2026-000001", "name": "An"}
    vietnamese = template_render("receipt", "vi", context)
    assert template_render("receipt", "en", context) != vietnamese
    english = MessageTemplate.objects.get(code="receipt", language="en", is_active=True)

    response = admin_client.post(
        f"/admin/notifications/messagetemplate/{english.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert template_render("receipt", "en", context) == vietnamese  # falls back at once


def test_with_the_database_queue_tasks_commit_or_roll_back_with_the_work():
    later = timezone.now() + dt.timedelta(hours=2)
    calls = [(check_clock, (1,)), (check_clock.using(run_after=later), (2,))]

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_all_on_commit(calls)
        raise RuntimeError("the intake failed")
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        enqueue_all_on_commit(calls)
    rows = {row.args_kwargs["args"][0]: row for row in DBTaskResult.objects.all()}
    assert rows[1].run_after == get_date_max()  # due at once, as the backend itself stores it
    assert rows[2].run_after == later
    assert {row.task_path for row in rows.values()} == {"redress.sla.tasks.check_clock"}
    assert all(row.status == "READY" for row in rows.values())


def test_after_a_policy_edit_deadlines_are_recomputed_once_every_process_has_forgotten(
    remembered, django_capture_on_commit_callbacks
):
    team = make_team()
    before = receive(team).complaint
    policy = SlaPolicy.objects.get(code="iso-default")
    assert policy_for(before) == policy
    edited_at = timezone.now()
    # Another process saves a longer acknowledgement target; this one still remembers the old.
    SlaPolicy.objects.filter(pk=policy.pk).update(acknowledge_amount=10)
    meanwhile = receive(team).complaint
    assert meanwhile.acknowledge_due_at == before.acknowledge_due_at

    with django_capture_on_commit_callbacks(execute=True):
        sla_recompute_schedule()  # what saving the policy in the admin does

    queued = DBTaskResult.objects.filter(task_path__startswith="redress.sla.tasks.recompute")
    assert {row.task_path.rsplit(".", 1)[1] for row in queued} == {
        "recompute_complaints",
        "recompute_received_since",
    }
    assert all(row.run_after >= edited_at + dt.timedelta(seconds=10) for row in queued)
    since = queued.get(task_path__endswith="recompute_received_since").args_kwargs["args"][0]
    assert sla_recompute_received_since(since=dt.datetime.fromisoformat(since), unit_ids=None) == 0

    sla_recompute_received_since(since=edited_at, unit_ids=None)
    assert Complaint.objects.get(pk=meanwhile.pk).acknowledge_due_at > meanwhile.acknowledge_due_at


def test_with_a_queue_that_cannot_wait_the_recomputation_runs_at_once(
    remembered, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    complaint = receive(make_team()).complaint
    SlaPolicy.objects.filter(code="iso-default").update(acknowledge_amount=10)

    with django_capture_on_commit_callbacks(execute=True):
        sla_recompute_schedule()

    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.acknowledge_due_at > complaint.acknowledge_due_at
