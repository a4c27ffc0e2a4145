"""References are unique and gap-free within a year, even under concurrent intake."""

import re
import threading

import pytest
from django.db import connections, transaction

from redress.complaints.models import Complaint
from redress.complaints.references import tracking_code_matches
from redress.complaints.selectors import complaint_find_by_tracking
from redress.core.selectors import organisation_get
from redress.handling.testing import make_team, receive


@pytest.mark.django_db
def test_reference_format_and_prefix():
    organisation = organisation_get()
    organisation.reference_prefix = "PA"
    organisation.save()
    team = make_team()
    received = receive(team)
    assert re.fullmatch(r"PA-\d{4}-000001", received.complaint.reference)


@pytest.mark.django_db
def test_tracking_code_is_shown_once_and_stored_hashed():
    team = make_team()
    received = receive(team)
    complaint = Complaint.objects.get(pk=received.complaint.pk)
    assert received.tracking_code not in complaint.tracking_code_hash
    assert tracking_code_matches(complaint, received.tracking_code)
    assert tracking_code_matches(complaint, received.tracking_code.lower().replace("-", " "))
    assert not tracking_code_matches(complaint, "AAAA-BBBB-CCCC")
    assert (
        complaint_find_by_tracking(complaint.reference, received.tracking_code).pk == complaint.pk
    )
    assert complaint_find_by_tracking(complaint.reference, "AAAA-BBBB-CCCC") is None


@pytest.mark.django_db
def test_rolled_back_intake_gives_its_number_back():
    team = make_team()
    first = receive(team).complaint.reference

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        receive(team)
        raise Abort
    second = receive(team).complaint.reference
    assert int(second[-6:]) == int(first[-6:]) + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_threads_receiving_at_once_get_unique_gap_free_numbers():
    team = make_team()
    per_thread = 12
    references: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work():
        try:
            barrier.wait()
            for _ in range(per_thread):
                references.append(receive(team).complaint.reference)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(ref[-6:]) for ref in references)
    assert numbers == list(range(1, 8 * per_thread + 1))
    assert Complaint.objects.count() == 8 * per_thread
