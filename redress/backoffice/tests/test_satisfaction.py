"""Satisfaction in the back office (ISO 10002 8.3): the answer on the complaint's workspace
(masked for those who see the complainant masked), an answer given by phone typed in by staff,
and the satisfaction report (roles, scoping, bad filters, a fixed number of queries)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.analytics.cohort import Period
from redress.analytics.satisfaction import last_whole_months
from redress.audit.models import AuditEntry
from redress.complaints.models import Complaint, ComplaintEvent, SatisfactionResponse, Status
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db

REPORT = reverse("backoffice:satisfaction")
COMMENT = "Anh Bình ở số 12 Lê Lợi gọi lại rất nhanh"


def workspace(client, complaint):
    return client.get(reverse("backoffice:complaint", args=[complaint.reference]))


def rate_url(complaint):
    return reverse("backoffice:act", args=[complaint.reference, "rate"])


def snapshot(complaint):
    return (
        SatisfactionResponse.objects.filter(complaint=complaint).values_list("overall").first(),
        ComplaintEvent.objects.filter(complaint=complaint).count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def rated(team):
    complaint = complaint_in_state(Status.CLOSED, team)
    services.complaint_rate(
        complaint=complaint,
        actor=Actor.channel("web"),
        overall=4,
        fairness=5,
        speed=2,
        courtesy=4,
        comment=COMMENT,
    )
    return complaint


# --------------------------------------------------------------------------------------------
# The workspace


def test_the_workspace_shows_the_answer_scores_comment_and_how_it_came(team, signed_in, rated):
    body = workspace(signed_in(team.handler), rated).content.decode()
    assert 'id="h-satisfaction"' in body
    assert '<dd data-score="overall"><strong>4</strong>/5</dd>' in body
    assert '<dd data-score="fairness">5/5</dd>' in body
    assert '<dd data-score="speed">2/5</dd>' in body
    assert '<dd data-score="clarity"><span class="muted">chưa trả lời</span></dd>' in body
    assert COMMENT in body
    assert '<dd data-via="web">Cổng thông tin</dd>' in body and "Người nhập" not in body
    assert "Mức độ hài lòng của người khiếu nại" in body


@pytest.mark.parametrize("who", ["auditor", "top"])
def test_the_comment_is_masked_for_those_who_see_the_complainant_masked(
    team, signed_in, rated, who
):
    body = workspace(signed_in(getattr(team, who)), rated).content.decode()
    assert '<dd data-score="overall"><strong>4</strong>/5</dd>' in body  # the scores stay
    assert COMMENT not in body and "Lê Lợi" not in body
    assert '<p class="comment muted"' in body and "•••" in body


def test_no_answer_no_satisfaction_card(team, signed_in):
    complaint = complaint_in_state(Status.CLOSED, team)
    assert (
        'id="h-satisfaction"' not in workspace(signed_in(team.handler), complaint).content.decode()
    )


# --------------------------------------------------------------------------------------------
# An answer given by phone


@pytest.mark.parametrize("who", ["frontline", "handler", "manager"])
def test_staff_record_an_answer_given_by_phone(team, signed_in, who):
    complaint = complaint_in_state(Status.CLOSED, team)
    person = getattr(team, who)
    client = signed_in(person)
    assert 'data-action="rate"' in workspace(client, complaint).content.decode()
    form = client.get(rate_url(complaint), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="overall"' in form and 'name="via"' not in form and "điện thoại" in form
    response = client.post(
        rate_url(complaint),
        {"overall": "3", "clarity": "4", "fairness": "", "comment": "Khách nói qua điện thoại"},
    )
    assert response.status_code == 302
    answer = SatisfactionResponse.objects.get(complaint=complaint)
    assert (answer.overall, answer.clarity, answer.fairness, answer.comment) == (
        3,
        4,
        None,
        "Khách nói qua điện thoại",
    )
    event = ComplaintEvent.objects.get(complaint=complaint, action="rate")
    assert (event.method, event.actor_user_id, event.data["via"]) == ("phone", person.pk, "phone")
    body = workspace(client, complaint).content.decode()
    assert 'data-via="phone"' in body and 'data-action="rate"' not in body


def test_the_phone_form_is_offered_only_on_a_closed_complaint_to_those_who_may(team, signed_in):
    open_one = complaint_in_state(Status.RESOLVED, team)
    closed = complaint_in_state(Status.CLOSED, team)
    assert 'data-action="rate"' not in workspace(signed_in(team.handler), open_one).content.decode()
    for person in (team.auditor, team.top):
        assert 'data-action="rate"' not in workspace(signed_in(person), closed).content.decode()
    response = signed_in(team.handler).post(rate_url(open_one), {"overall": "4"})
    assert response.status_code == 409
    assert not SatisfactionResponse.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({"overall": "6"}, "overall", "6 không phải là một trong các lựa chọn"),
        ({"overall": ""}, "overall", "Trường này là bắt buộc."),
        ({"overall": "4", "speed": "0"}, "speed", "0 không phải là một trong các lựa chọn"),
        ({"overall": "4", "courtesy": "năm"}, "courtesy", "năm không phải là một trong các"),
    ],
)
def test_a_bad_score_is_refused_naming_the_field_in_vietnamese(
    team, signed_in, data, field, problem
):
    complaint = complaint_in_state(Status.CLOSED, team)
    before = snapshot(complaint)
    response = signed_in(team.handler).post(rate_url(complaint), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422
    assert "Vui lòng sửa các trường được đánh dấu bên dưới." in body
    error = body[body.index(f'<ul class="errorlist" id="id_{field}_error">') :]
    assert problem in error[: error.index("</ul>")]
    assert snapshot(complaint) == before


def test_a_second_answer_is_refused_and_changes_nothing(team, signed_in, rated):
    before = snapshot(rated)
    client = signed_in(team.handler)
    assert 'data-action="rate"' not in workspace(client, rated).content.decode()
    response = client.post(rate_url(rated), {"overall": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "đã được ghi nhận" in response.content.decode()
    assert snapshot(rated) == before


# --------------------------------------------------------------------------------------------
# The report


def _answered(team, *, category, overall, comment, received_at=None):
    complaint = receive(
        team,
        category=category,
        complainant=ComplainantFactory(),
        received_at=received_at or timezone.now() - dt.timedelta(days=40),
    ).complaint
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Status.CLOSED, closed_at=timezone.now(), owner=team.handler
    )
    SatisfactionResponse.objects.create(
        complaint=complaint, overall=overall, comment=comment, submitted_at=timezone.now()
    )
    return complaint


@pytest.fixture
def two_units():
    a = make_team(UnitFactory(name="Phòng A", name_en="Unit A"))
    b = make_team(UnitFactory(name="Phòng B", name_en="Unit B"))
    category = CategoryFactory()
    _answered(a, category=category, overall=5, comment="Ý kiến của A")
    _answered(b, category=category, overall=2, comment="Ý kiến của B")
    return a, b, category


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COMPLAINTS_MANAGER, 200),
        (Role.TOP_MANAGEMENT, 200),
        (Role.AUDITOR, 200),
        (Role.HANDLER, 200),
        (Role.FRONTLINE, 403),
        (Role.ADMIN, 403),
    ],
)
def test_who_may_open_the_report_and_find_it_in_the_navigation(signed_in, role, status):
    client = signed_in(staff(role, UnitFactory()))
    response = client.get(REPORT)
    assert response.status_code == status
    queue = client.get(reverse("backoffice:queue", args=["all"])).content.decode()
    assert (f'href="{REPORT}"' in queue) is (status == 200)


def test_the_report_by_default_covers_the_last_twelve_whole_months(two_units, signed_in):
    a, _b, _category = two_units
    response = signed_in(a.top).get(REPORT)
    assert response.status_code == 200
    assert response.context["period"] == last_whole_months(timezone.localdate())
    totals = response.context["totals"]
    assert (totals.answers, totals.closed, totals.overall_mean.value) == (2, 2, 3.5)
    body = response.content.decode()
    assert '<dd data-figure="overall_mean">3,50</dd>' in body  # Vietnamese decimal comma
    assert "Tỷ lệ phản hồi khảo sát" in body and "Công bằng" in body
    # Top management sees every comment masked.
    assert "Ý kiến của A" not in body and "Ý kiến của B" not in body and "•••" in body


def test_a_handler_of_unit_a_does_not_see_unit_bs_answers(two_units, signed_in):
    a, _b, _category = two_units
    response = signed_in(a.handler).get(REPORT)
    totals = response.context["totals"]
    assert (totals.answers, totals.overall_mean.value) == (1, 5.0)
    assert [
        r.label for _by, _t, rows in response.context["breakdowns"] if _by == "unit" for r in rows
    ] == ["Phòng A"]
    body = response.content.decode()
    assert "Ý kiến của A" in body and "Ý kiến của B" not in body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?received_from=2025-06-01&received_to=2025-05-01", "received_to"),
        ("?received_from=2001-01-01&received_to=2025-05-01", "received_to"),
        ("?received_from=tomorrow", "received_from"),
        ("?unit=999999", "unit"),
        ("?category=999999", "category"),
    ],
)
def test_bad_filters_are_shown_on_their_field_and_nothing_is_computed(
    two_units, signed_in, query, field
):
    a, _b, _category = two_units
    response = signed_in(a.manager).get(REPORT + query)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert "totals" not in response.context and "breakdowns" not in response.context
    assert f'data-field="{field}"' in response.content.decode()


def test_an_end_left_empty_is_filled_as_the_api_does(two_units, signed_in):
    a, _b, _category = two_units
    client = signed_in(a.manager)
    since = timezone.localdate() - dt.timedelta(days=45)
    response = client.get(f"{REPORT}?received_from={since.isoformat()}")
    assert response.context["period"] == Period(since, timezone.localdate())
    assert response.context["totals"].answers == 1


def test_a_handler_cannot_filter_on_another_unit(two_units, signed_in):
    a, b, _category = two_units
    response = signed_in(a.handler).get(f"{REPORT}?unit={b.unit.pk}")
    assert response.status_code == 422
    assert "Không có đơn vị này" in response.content.decode()


def test_the_comments_link_to_their_complaints_and_page_by_fifty(team, signed_in):
    category = CategoryFactory()
    for index in range(51):
        _answered(team, category=category, overall=1 + index % 5, comment=f"Ý kiến số {index}")
    client = signed_in(team.manager)
    first = client.get(REPORT)
    assert len(first.context["result"].rows) == 50 and first.context["result"].has_next
    newest = first.context["result"].rows[0]
    assert f'href="{reverse("backoffice:complaint", args=[newest.reference])}"' in (
        first.content.decode()
    )
    second = client.get(REPORT + "?page=2")
    assert len(second.context["result"].rows) == 1 and second.context["result"].has_previous
    assert 'rel="prev"' in second.content.decode()


def test_the_report_page_makes_the_same_queries_for_few_or_many_answers(
    team, signed_in, django_assert_num_queries
):
    category = CategoryFactory()
    _answered(team, category=category, overall=4, comment="Một")
    client = signed_in(team.manager)
    filtered = f"{REPORT}?category={category.pk}&unit={team.unit.pk}&page=1"
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        assert client.get(REPORT).status_code == 200
    with django_assert_num_queries(FILTERED_REPORT_PAGE_QUERIES):
        assert client.get(filtered).status_code == 200
    for index in range(60):
        _answered(team, category=category, overall=1 + index % 5, comment=f"Ý kiến {index}")
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        assert client.get(REPORT).status_code == 200
    with django_assert_num_queries(FILTERED_REPORT_PAGE_QUERIES):
        assert client.get(filtered).status_code == 200


# session, user, second factor, organisation (time zone), roles, the units below the manager's
# (offered in the filter, the gate, the masking: read once per request), organisation (the
# cohort's zone), comments, totals, four breakdowns, unread notices, then the units and
# categories offered in the form
REPORT_PAGE_QUERIES = 16
# and the chosen unit and category (checked by the form), the units and categories below them
# (the unit tree read once)
FILTERED_REPORT_PAGE_QUERIES = 19
