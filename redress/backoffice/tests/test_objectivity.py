"""Objectivity in the back office (ISO 10002 4.7, issue 18): the person complained about named
at intake or in the workspace, conflict-of-interest declarations shown and respected."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redress.backoffice.tests.test_intake import data as intake_data
from redress.complaints.models import Complaint, ConflictDeclaration, Status
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UserFactory, staff
from redress.handling import services
from redress.handling.testing import complaint_in_state, receive

pytestmark = pytest.mark.django_db


def act_url(complaint, action):
    return reverse("backoffice:act", args=[complaint.reference, action])


def page_of(complaint):
    return reverse("backoffice:complaint", args=[complaint.reference])


def _declare(complaint, user, reason="Người thân của khách"):
    services.complaint_declare_conflict(
        complaint=complaint, actor=Actor.for_user(user), reason=reason
    )


def test_frontline_names_the_person_complained_about_at_intake_with_a_reason(team, signed_in):
    client = signed_in(team.frontline)
    form = client.get(reverse("backoffice:intake")).content.decode()
    assert 'name="subject_staff"' in form
    without_reason = client.post(
        reverse("backoffice:intake"), intake_data(team, subject_staff=team.handler.pk)
    )
    assert without_reason.status_code == 422 and not Complaint.objects.exists()
    response = client.post(
        reverse("backoffice:intake"),
        intake_data(team, subject_staff=team.handler.pk, subject_staff_note="Khách nêu tên anh ấy"),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.subject_staff == team.handler
    assert complaint.events.get().data["reason"] == "Khách nêu tên anh ấy"
    assert signed_in(team.handler).get(page_of(complaint)).status_code == 404


def test_intake_offers_only_staff_of_the_organisation(team, signed_in):
    outsider = UserFactory(first_name="Ngoài", last_name="Người")
    response = signed_in(team.frontline).post(
        reverse("backoffice:intake"),
        intake_data(team, subject_staff=outsider.pk, subject_staff_note="x"),
    )
    assert response.status_code == 422 and not Complaint.objects.exists()


def test_a_handler_names_the_person_in_the_workspace_and_the_owner_is_refused(team, signed_in):
    colleague = staff(Role.HANDLER, team.unit)
    complaint = receive(team).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=colleague
    )
    client = signed_in(team.handler)
    form = client.get(act_url(complaint, "record_subject_staff"), HTTP_HX_REQUEST="true")
    assert f'value="{colleague.pk}"' in form.content.decode()
    refused = client.post(
        act_url(complaint, "record_subject_staff"),
        {"person": colleague.pk, "reason": "Khách nêu tên"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 409
    # The page speaks Vietnamese, the site's language.
    assert "hãy giao khiếu nại cho người khác" in refused.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).subject_staff is None
    response = client.post(
        act_url(complaint, "record_subject_staff"),
        {"person": team.frontline.pk, "reason": "Khách nêu tên"},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).subject_staff == team.frontline
    assert 'id="subject-staff"' in client.get(page_of(complaint)).content.decode()
    assert signed_in(team.frontline).get(page_of(complaint)).status_code == 404


def test_a_declaration_takes_the_declarant_off_the_assign_list_and_blocks_approving(
    team, signed_in
):
    complaint = complaint_in_state(Status.DECISION_PROPOSED, team)
    other_manager = staff(Role.COMPLAINTS_MANAGER, team.unit)
    client = signed_in(team.manager)
    response = client.post(
        act_url(complaint, "declare_conflict"), {"reason": "Khách là em họ của tôi"}
    )
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get(complaint=complaint).person == team.manager
    page = client.get(page_of(complaint)).content.decode()
    assert "Khách là em họ của tôi" in page
    refused = client.post(act_url(complaint, "approve_decision"), {"note": ""})
    assert refused.status_code == 409
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED
    again = client.post(act_url(complaint, "declare_conflict"), {"reason": "lần nữa"})
    assert again.status_code == 409
    assign = (
        signed_in(other_manager)
        .get(act_url(complaint, "assign"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f'value="{team.handler.pk}"' in assign
    assert f'value="{team.manager.pk}"' not in assign


def test_only_managers_withdraw_and_see_withdrawn_declarations(team, signed_in):
    complaint = receive(team).complaint
    _declare(complaint, team.handler, reason="Quen biết khách")
    declaration = ConflictDeclaration.objects.get()
    refused = signed_in(team.handler).post(
        act_url(complaint, "withdraw_conflict"),
        {"declaration": declaration.pk, "reason": "x"},
    )
    assert refused.status_code == 403
    client = signed_in(team.manager)
    response = client.post(
        act_url(complaint, "withdraw_conflict"),
        {"declaration": declaration.pk, "reason": "Đã xác minh"},
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.withdrawn_by == team.manager
    shown = f'data-declaration="{declaration.pk}"'
    manager_page = client.get(page_of(complaint)).content.decode()
    assert shown in manager_page and "Đã xác minh" in manager_page
    # Others see the standing declarations only (the timeline keeps the history).
    assert shown not in signed_in(team.handler).get(page_of(complaint)).content.decode()


def _workspace_queries(client, complaint):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_of(complaint)).status_code == 200
    return len(queries)


def test_the_workspace_query_count_does_not_grow_with_declarations(team, signed_in):
    complaint = receive(team, subject_staff=team.frontline).complaint
    client = signed_in(team.manager)
    _declare(complaint, team.handler)
    client.get(page_of(complaint))  # warm the per-process caches (memo, translations)
    one = _workspace_queries(client, complaint)
    for _n in range(3):
        _declare(complaint, staff(Role.HANDLER, team.unit))
    declaration = ConflictDeclaration.objects.filter(person=team.handler).get()
    services.complaint_withdraw_conflict(
        complaint=complaint, actor=Actor.for_user(team.manager), declaration=declaration, reason="x"
    )
    assert _workspace_queries(client, complaint) == one


def test_naming_oneself_leads_home_rather_than_to_a_404(team, signed_in):
    complaint = receive(team).complaint
    client = signed_in(team.handler)
    response = client.post(
        act_url(complaint, "record_subject_staff"),
        {"person": team.handler.pk, "reason": "Khách phàn nàn về tôi"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("backoffice:home")
    assert Complaint.objects.get(pk=complaint.pk).subject_staff == team.handler
