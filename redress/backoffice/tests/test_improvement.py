"""The staff pages of continual improvement: lists with filters and bounded pages at a fixed
query count, the detail pages and their steps, "link to CAPA" from the complaint workspace,
and the manager's dashboard showing open systemic issues and overdue CAPA."""

import pytest
from django.urls import reverse

from redress.core.actors import Actor
from redress.handling.testing import receive
from redress.improvement.models import Capa, CapaStatus, IssueStatus, SystemicIssue
from redress.improvement.services import capa_open, capa_plan, systemic_issue_open

pytestmark = pytest.mark.django_db

# session, user, second factor, organisation, roles, the unit tree (for managers), rows,
# unread notices, the proposals waiting (bounded)
ISSUE_LIST_QUERIES = 9
CAPA_LIST_QUERIES = 8


def issues(team, count):
    for index in range(count):
        systemic_issue_open(
            actor=Actor.for_user(team.manager), title=f"Vấn đề {index}", unit=team.unit
        )


def capas(team, count):
    for index in range(count):
        capa_open(
            actor=Actor.for_user(team.manager),
            title=f"Hành động {index}",
            type="corrective",
            source="suggestion",
            source_note="Góp ý",
            owner=team.handler,
            unit=team.unit,
        )


def test_the_issue_list_makes_the_same_queries_for_one_row_or_a_full_page(
    team, signed_in, django_assert_num_queries
):
    client = signed_in(team.manager)
    url = reverse("backoffice:issues")
    issues(team, 1)
    client.get(url)  # the organisation's settings row is made on the first page ever shown
    with django_assert_num_queries(ISSUE_LIST_QUERIES):
        assert client.get(url).status_code == 200
    issues(team, 55)
    with django_assert_num_queries(ISSUE_LIST_QUERIES):
        response = client.get(url + "?status=open&source=manual&page=2")
    assert response.status_code == 200
    assert response.content.decode().count('class="ref"') == 6


def test_the_capa_list_makes_the_same_queries_and_filters_overdue(
    team, signed_in, django_assert_num_queries
):
    client = signed_in(team.manager)
    url = reverse("backoffice:capas")
    capas(team, 1)
    client.get(url)
    with django_assert_num_queries(CAPA_LIST_QUERIES):
        assert client.get(url).status_code == 200
    capas(team, 55)
    with django_assert_num_queries(CAPA_LIST_QUERIES):
        assert client.get(url + "?status=draft&type=corrective&page=2").status_code == 200
    body = client.get(url + "?overdue=on").content.decode()
    assert 'id="capas"' not in body  # none is overdue


def test_people_without_a_reading_role_get_403(team, signed_in):
    client = signed_in(team.frontline)
    assert client.get(reverse("backoffice:issues")).status_code == 403
    assert client.get(reverse("backoffice:capas")).status_code == 403


def test_a_manager_decides_no_action_with_a_reason_on_the_issue_page(team, signed_in):
    issue = systemic_issue_open(actor=Actor.for_user(team.manager), title="In sai", unit=team.unit)
    client = signed_in(team.manager)
    url = reverse("backoffice:issue_decide", args=[issue.pk])
    refused = client.post(url, {"decision": "no_action", "reason": ""})
    assert refused.status_code == 422 and "Trường này là bắt buộc." in refused.content.decode()
    assert client.post(url, {"decision": "no_action", "reason": "Một lần"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert "Một lần" in client.get(reverse("backoffice:issue", args=[issue.pk])).content.decode()


def test_the_capa_page_offers_the_owner_the_plan_and_refuses_an_empty_one(team, signed_in):
    capas(team, 1)
    capa = Capa.objects.get()
    client = signed_in(team.handler)
    page = client.get(reverse("backoffice:capa", args=[capa.pk])).content.decode()
    assert "/act/plan/" in page and "/act/verify/" not in page
    url = reverse("backoffice:capa_act", args=[capa.pk, "plan"])
    refused = client.post(url, {"plan": "", "due_working_days": 5})
    assert refused.status_code == 422
    assert client.post(url, {"plan": "Tập huấn", "due_working_days": 5}).status_code == 302
    capa.refresh_from_db()
    assert capa.status == CapaStatus.PLANNED and capa.due_at is not None
    conflict = client.post(reverse("backoffice:capa_act", args=[capa.pk, "implement"]))
    assert conflict.status_code == 409


def test_the_complaint_shows_its_issue_and_capa_and_links_to_a_capa(team, signed_in):
    complaint = receive(team).complaint
    issue = systemic_issue_open(
        actor=Actor.for_user(team.manager),
        title="Trùng tiền",
        unit=team.unit,
        complaints=[complaint],
    )
    capas(team, 1)
    capa = Capa.objects.get()
    client = signed_in(team.manager)
    url = reverse("backoffice:complaint", args=[complaint.reference])
    page = client.get(url).content.decode()
    assert issue.reference in page and 'id="link-capa"' in page
    response = client.post(
        reverse("backoffice:complaint_link_capa", args=[complaint.reference]), {"capa": capa.pk}
    )
    assert response.status_code == 302
    assert list(capa.complaints.all()) == [complaint]
    assert capa.reference in client.get(url).content.decode()


def test_the_manager_dashboard_shows_open_issues_and_overdue_capa(team, signed_in, settings):
    issues(team, 2)
    capas(team, 1)
    capa = Capa.objects.get()
    from redress.sla.testing import frozen_clock

    with frozen_clock("2026-03-09 09:00"):
        capa_plan(capa=capa, actor=Actor.for_user(team.handler), plan="p", due_working_days=1)
    body = signed_in(team.manager).get(reverse("backoffice:home")).content.decode()
    assert 'id="improvement-now"' in body
    assert 'data-count="2"' in body  # open issues
    assert SystemicIssue.objects.count() == 2
    assert f'{reverse("backoffice:capas")}?overdue=on" data-count="1"' in body


def test_a_manager_opens_an_issue_by_hand_and_gives_it_an_owner(team, signed_in):
    from redress.complaints.testing import CategoryFactory
    from redress.improvement.tests.helpers import cause

    billing, handover = CategoryFactory(), cause("process-handover")
    client = signed_in(team.manager)
    response = client.post(
        reverse("backoffice:issue_open"),
        {
            "title": "Bàn giao ca",
            "unit": team.unit.pk,
            "category": billing.pk,
            "cause": handover.pk,
        },
    )
    assert response.status_code == 302
    issue = SystemicIssue.objects.get()
    assert (issue.category, issue.cause, issue.unit) == (billing, handover, team.unit)
    assign = reverse("backoffice:issue_assign", args=[issue.pk])
    assert client.post(assign, {"owner": team.auditor.pk}).status_code == 422  # cannot work on it
    assert client.post(assign, {"owner": team.handler.pk}).status_code == 302
    issue.refresh_from_db()
    assert issue.owner == team.handler
    assert signed_in(team.handler).post(assign, {"owner": team.handler.pk}).status_code == 403


def test_each_step_is_refused_before_its_form_to_a_role_the_matrix_does_not_give_it(
    team, signed_in
):
    """Opening, deciding, linking and planning are refused (403) to the roles
    ``IMPROVEMENT_ROLES`` does not give them, before the form is read: they used to get the
    opening forms (200) and the forms' refusals (422), and a CAPA step its state did not allow
    told them the state (409) rather than that their role may not take it."""
    complaint = receive(team).complaint
    issues(team, 1)
    capas(team, 1)
    issue, capa = SystemicIssue.objects.get(), Capa.objects.get()
    refused = {
        reverse("backoffice:issue_open"): (team.frontline, team.handler, team.auditor),
        reverse("backoffice:capa_open"): (team.frontline, team.handler, team.auditor),
    }
    for url, people in refused.items():
        for person in people:
            assert signed_in(person).get(url).status_code == 403, (url, person)
            assert signed_in(person).post(url, {}).status_code == 403, (url, person)
        assert signed_in(team.top).get(url).status_code == 200, url
    posts = {
        reverse("backoffice:issue_decide", args=[issue.pk]): (team.handler, team.auditor),
        reverse("backoffice:issue_assign", args=[issue.pk]): (team.handler, team.auditor),
        reverse("backoffice:issue_attach", args=[issue.pk]): (team.top, team.auditor),
        reverse("backoffice:capa_task_add", args=[capa.pk]): (team.top, team.auditor),
        reverse("backoffice:capa_act", args=[capa.pk, "start"]): (team.top, team.auditor),
        reverse("backoffice:capa_act", args=[capa.pk, "plan"]): (team.top, team.auditor),
        reverse("backoffice:complaint_link_capa", args=[complaint.reference]): (
            team.frontline,
            team.top,
            team.auditor,
        ),
    }
    for url, people in posts.items():
        for person in people:
            assert signed_in(person).post(url, {}).status_code == 403, (url, person)
    # The roles the matrix names still reach the form (the owner of the CAPA among them).
    assert signed_in(team.manager).post(reverse("backoffice:issue_open"), {}).status_code == 422
    owner = signed_in(team.handler)
    assert owner.post(reverse("backoffice:capa_task_add", args=[capa.pk]), {}).status_code == 422
    assert owner.post(reverse("backoffice:capa_act", args=[capa.pk, "start"])).status_code == 409
    capa.refresh_from_db()
    assert capa.status == CapaStatus.DRAFT and not capa.tasks.exists()
