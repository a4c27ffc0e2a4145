"""The one visibility gate: role × unit matrix, for lists and for single complaints."""

import pytest

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_get_for_user, complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import NotFound, NotPermitted
from redress.core.roles import Role
from redress.core.testing import UnitFactory, UserFactory, staff
from redress.handling import services
from redress.handling.testing import Team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    hq = UnitFactory(code="hq")
    care = UnitFactory(code="care", parent=hq)
    hanoi = UnitFactory(code="hanoi", parent=hq)
    hanoi_east = UnitFactory(code="hanoi-east", parent=hanoi)
    people = {
        "frontline_care": staff(Role.FRONTLINE, care),
        "handler_care": staff(Role.HANDLER, care),
        "manager_hanoi": staff(Role.COMPLAINTS_MANAGER, hanoi),
        "manager_hq": staff(Role.COMPLAINTS_MANAGER, hq),
        "top": staff(Role.TOP_MANAGEMENT, hq),
        "auditor": staff(Role.AUDITOR, hq),
        "admin": staff(Role.ADMIN, hq),
        "nobody": UserFactory(),
    }
    inactive = staff(Role.HANDLER, care)
    inactive.is_active = False
    inactive.save()
    people["inactive"] = inactive
    handler_hanoi = staff(Role.HANDLER, hanoi)

    def complaint(unit):
        return receive(Team(unit, None, None, None, None, None), unit=unit).complaint

    c = {
        "hq": complaint(hq),
        "care": complaint(care),
        "hanoi": complaint(hanoi),
        "hanoi_east": complaint(hanoi_east),
        "care_about_handler": receive(
            Team(care, None, None, None, None, None),
            unit=care,
            subject_staff=people["handler_care"],
        ).complaint,
    }
    # A Hanoi complaint owned by the care handler (e.g. a specialist lent to Hanoi).
    c["hanoi_owned"] = complaint(hanoi)
    services.complaint_assign(
        complaint=c["hanoi_owned"], actor=Actor.for_user(handler_hanoi), owner=handler_hanoi
    )
    Complaint.objects.filter(pk=c["hanoi_owned"].pk).update(owner=people["handler_care"])
    return people, c


EVERYTHING = {"hq", "care", "hanoi", "hanoi_east", "care_about_handler", "hanoi_owned"}
EXPECTED = {
    "frontline_care": {"care", "care_about_handler"},
    "handler_care": {"care", "hanoi_owned"},
    "manager_hanoi": {"hanoi", "hanoi_east", "hanoi_owned"},
    "manager_hq": EVERYTHING,
    "top": EVERYTHING,
    "auditor": EVERYTHING,
    "admin": set(),
    "nobody": set(),
    "inactive": set(),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_list_shows_exactly_what_the_role_may_see(world, who):
    people, complaints = world
    names = {
        name
        for name, c in complaints.items()
        if complaints_visible_to(people[who]).filter(pk=c.pk).exists()
    }
    assert names == EXPECTED[who]
    assert complaints_visible_to(people[who]).count() == len(EXPECTED[who])


@pytest.mark.parametrize("who", list(EXPECTED))
def test_single_complaint_follows_the_same_gate(world, who):
    people, complaints = world
    for name, complaint in complaints.items():
        if name in EXPECTED[who]:
            assert complaint_get_for_user(people[who], complaint.reference).pk == complaint.pk
        else:
            with pytest.raises(NotFound):
                complaint_get_for_user(people[who], complaint.reference)


def test_auditor_reads_but_changes_nothing(world):
    people, complaints = world
    complaint = complaints["care"]
    before = Complaint.objects.filter(pk=complaint.pk).values().get()
    with pytest.raises(NotPermitted):
        services.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(people["auditor"]))
    with pytest.raises(NotPermitted):
        services.complaint_add_note(
            complaint=complaint, actor=Actor.for_user(people["auditor"]), body="x"
        )
    assert Complaint.objects.filter(pk=complaint.pk).values().get() == before


def test_person_outside_the_unit_cannot_act(world):
    people, complaints = world
    with pytest.raises(NotPermitted):
        services.complaint_acknowledge(
            complaint=complaints["hanoi"], actor=Actor.for_user(people["handler_care"])
        )
    assert Complaint.objects.get(pk=complaints["hanoi"].pk).status == "received"
