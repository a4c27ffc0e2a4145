"""The seed in several processes: the same seed gives the same complaints, events and clocks
whatever the number of processes, and the audit chain it writes verifies."""

import pytest
from django.utils import timezone

from redress.audit.verify import audit_verify
from redress.complaints.models import Complaint, ComplaintEvent, ReferenceCounter
from redress.intake.seed import seed_complaints
from redress.sla.models import StageClock

# Each seed's workers read what the loading process committed: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

_IDS = {"id", "complaint_id", "complainant_id"}


def _columns(model):
    """Every column but the ids and the times of writing (``auto_now``: when the run wrote)."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in _IDS
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def _seeded():
    """The seeded rows that matter, named by reference instead of ids, in a fixed order."""
    complaints = list(
        Complaint.objects.order_by("reference").values_list(
            *_columns(Complaint), "complainant__full_name", "complainant__email"
        )
    )
    events = list(
        ComplaintEvent.objects.order_by("complaint__reference", "at", "pk").values_list(
            "complaint__reference", *_columns(ComplaintEvent)
        )
    )
    clocks = list(
        StageClock.objects.order_by("complaint__reference", "round", "stage", "pk").values_list(
            "complaint__reference", *_columns(StageClock)
        )
    )
    return complaints, events, clocks


def test_the_same_seed_gives_the_same_data_in_one_process_or_two():
    now = timezone.now()
    seed_complaints(260, batch=60, jobs=1, now=now, seed=11)
    one_process = _seeded()
    Complaint.objects.all().delete()
    ReferenceCounter.objects.all().delete()

    seed_complaints(260, batch=60, jobs=2, now=now, seed=11)

    complaints, events, clocks = _seeded()
    assert len(complaints) == 260 and len(events) > 260 and len(clocks) > 260
    assert (complaints, events, clocks) == one_process
    report = audit_verify()
    assert report.ok, report.problem


def test_another_seed_gives_other_data():
    now = timezone.now()
    seed_complaints(40, batch=40, jobs=2, now=now, seed=1)
    first = _seeded()
    Complaint.objects.all().delete()
    ReferenceCounter.objects.all().delete()
    seed_complaints(40, batch=40, jobs=2, now=now, seed=2)
    assert _seeded()[0] != first[0]
