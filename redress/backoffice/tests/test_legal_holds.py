"""The legal holds page: the DPO or a complaints manager places a hold by reference and
releases it; a held complaint's complainant cannot be erased; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redress.complaints.models import Status
from redress.core.errors import ValidationFailed
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import actor, staff
from redress.handling.testing import complaint_in_state, make_team
from redress.privacy.erasure import complaints_anonymise
from redress.privacy.models import LegalHold

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = make_team()
    closed = complaint_in_state(Status.CLOSED, team)
    dpo = staff(Role.DPO, team.unit)
    return team, closed, dpo


def _signed_in(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_the_dpo_places_a_hold_that_blocks_erasure_and_releases_it(client, world):
    _team, closed, dpo = world
    _signed_in(client, dpo)
    response = client.post(
        reverse("backoffice:legal_holds"),
        {"reference": closed.reference.lower(), "reason": "Vụ kiện tại Tòa án quận 1"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(complaint=closed, released_at__isnull=True)
    page = client.get(reverse("backoffice:legal_holds")).content.decode()
    assert closed.reference in page and "Vụ kiện tại Tòa án quận 1" in page
    with pytest.raises(ValidationFailed):
        complaints_anonymise([closed.pk], actor=actor(dpo), reason="Yêu cầu xoá")

    assert client.post(reverse("backoffice:legal_hold_release", args=[hold.pk])).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by_id == dpo.pk
    # Released twice: refused with the reason, nothing changes.
    again = client.post(reverse("backoffice:legal_hold_release", args=[hold.pk]))
    assert again.status_code == 409
    assert complaints_anonymise([closed.pk], actor=actor(dpo), reason="Yêu cầu xoá").complaint_ids


def test_a_complaints_manager_may_place_a_hold(client, world):
    team, closed, _dpo = world
    _signed_in(client, team.manager)
    client.post(
        reverse("backoffice:legal_holds"), {"reference": closed.reference, "reason": "Thanh tra"}
    )
    assert LegalHold.objects.filter(complaint=closed).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reference": "KN-1999-000001", "reason": "Thanh tra"}, "reference"),
        ({"reference": "", "reason": "Thanh tra"}, "reference"),
        ({"reference": "__REF__", "reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_held(client, world, data, field):
    _team, closed, dpo = world
    _signed_in(client, dpo)
    data = {k: (closed.reference if v == "__REF__" else v) for k, v in data.items()}
    response = client.post(reverse("backoffice:legal_holds"), data)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field)
    assert not LegalHold.objects.exists()


def test_a_second_hold_on_the_same_complaint_is_refused(client, world):
    _team, closed, dpo = world
    _signed_in(client, dpo)
    data = {"reference": closed.reference, "reason": "Thanh tra"}
    client.post(reverse("backoffice:legal_holds"), data)
    assert client.post(reverse("backoffice:legal_holds"), data).status_code == 409
    assert LegalHold.objects.count() == 1
