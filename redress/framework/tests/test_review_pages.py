"""Management review in the staff site and the API: who reads the pack (complaints managers, top
management, auditors; the owner of an action), the refusals shown on the form, the steps from
planning to approval, and the API's list and detail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.models.review import ManagementReview, OutputType, ReviewStatus
from redress.framework.services.reviews import (
    review_freeze,
    review_hold,
    review_output_record,
    review_plan,
)
from redress.handling.testing import make_team
from redress.improvement.models import Capa, CapaSource
from redress.integrations.services import token_create
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 9)


@pytest.fixture
def team():
    with frozen_clock("2026-03-09 09:00"):
        yield make_team()


def client_for(user) -> Client:
    client = Client()
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    client.force_login(User.objects.get(pk=user.pk))
    return client


def planned(team) -> ManagementReview:
    return review_plan(
        actor=Actor.for_user(team.manager),
        title="Xem xét của lãnh đạo",
        review_date=DAY,
        participants=[team.manager, team.top],
    )


def test_the_plan_form_refuses_a_review_without_top_management(team):
    manager = client_for(team.manager)
    response = manager.post(
        "/staff/system/reviews/new/",
        {"title": "Họp", "review_date": "2026-03-09", "participants": [team.handler.pk]},
    )
    assert response.status_code == 422
    assert "phải có lãnh đạo cao nhất tham dự" in response.content.decode()
    assert not ManagementReview.objects.exists()
    response = manager.post(
        "/staff/system/reviews/new/",
        {"title": "Họp", "review_date": "2026-03-09", "participants": [team.top.pk]},
    )
    review = ManagementReview.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/system/reviews/{review.pk}/"


def test_the_pack_is_for_managers_top_management_and_auditors(team):
    review = planned(team)
    for user, status in [
        (team.manager, 200),
        (team.top, 200),
        (team.auditor, 200),
        (team.handler, 403),
        (team.frontline, 403),
    ]:
        assert client_for(user).get("/staff/system/reviews/").status_code == status
        detail = client_for(user).get(f"/staff/system/reviews/{review.pk}/")
        assert detail.status_code == status
    auditor = client_for(team.auditor)
    assert auditor.post(f"/staff/system/reviews/{review.pk}/freeze/").status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.PLANNED


def test_from_planning_to_the_approved_pack_in_the_staff_site(team):
    review = planned(team)
    manager, top = client_for(team.manager), client_for(team.top)
    base = f"/staff/system/reviews/{review.pk}"
    with frozen_clock("2026-03-09 10:00"):
        assert (
            manager.post(
                f"{base}/inputs/", {"context_changes": "Luật mới", "resources": "", "other": ""}
            ).status_code
            == 302
        )
        assert manager.post(f"{base}/freeze/").status_code == 302
        assert manager.post(f"{base}/freeze/").status_code == 409
        assert manager.post(f"{base}/held/").status_code == 302
        response = manager.post(
            f"{base}/outputs/",
            {
                "type": OutputType.ACTION,
                "text": "Mở khắc phục cho chậm xác nhận",
                "owner": team.handler.pk,
                "due_on": "2026-04-30",
                "follow_up": "capa",
                "capa_type": "corrective",
                "unit": team.unit.pk,
            },
        )
        assert response.status_code == 302
        assert Capa.objects.get().source == CapaSource.MANAGEMENT_REVIEW
        refused = manager.post(
            f"{base}/outputs/",
            {
                "type": OutputType.ACTION,
                "text": "Thiếu",
                "follow_up": "task",
                "capa_type": "corrective",
            },
        )
        assert refused.status_code == 422
        assert manager.post(f"{base}/minutes/", {"minutes": "Biên bản họp"}).status_code == 302
        assert manager.post(f"{base}/approve/").status_code == 403
        assert top.post(f"{base}/approve/").status_code == 302
        page = top.get(f"{base}/")
        assert "Mở khắc phục cho chậm xác nhận" in page.content.decode()
        assert 'id="snapshot-kpis"' in page.content.decode()
        pdf = top.get(f"{base}/pack.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    review.refresh_from_db()
    assert review.status == ReviewStatus.MINUTES_APPROVED


def test_the_owner_of_a_task_sees_its_review_and_marks_it_done(team):
    review = planned(team)
    with frozen_clock("2026-03-09 10:00"):
        review_freeze(review=review, actor=Actor.for_user(team.manager))
        review_hold(review=review, actor=Actor.for_user(team.manager))
        task = review_output_record(
            review=review,
            actor=Actor.for_user(team.manager),
            type=OutputType.ACTION,
            text="Cập nhật quy trình",
            owner=team.handler,
            due_on=dt.date(2026, 4, 30),
        )
    handler = client_for(team.handler)
    assert handler.get(f"/staff/system/reviews/{review.pk}/").status_code == 200
    assert (
        client_for(team.manager)
        .post(f"/staff/system/reviews/{review.pk}/tasks/{task.pk}/done/")
        .status_code
        == 403
    )
    done = handler.post(f"/staff/system/reviews/{review.pk}/tasks/{task.pk}/done/")
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.task_status == "done"


def token_for(user) -> dict[str, str]:
    raw = token_create(
        actor=Actor.system("test"), user=user, name="t", scopes=["read"], rate_limit_per_minute=1000
    ).raw
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_reads_reviews_with_their_snapshot_and_outputs(team):
    review = planned(team)
    with frozen_clock("2026-03-09 10:00"):
        snapshot = review_freeze(review=review, actor=Actor.for_user(team.manager))
        review_hold(review=review, actor=Actor.for_user(team.manager))
        review_output_record(
            review=review,
            actor=Actor.for_user(team.manager),
            type=OutputType.DECISION,
            text="Giữ nguyên chính sách",
        )
    api = Client()
    listed = api.get("/api/v1/reviews", headers=token_for(team.auditor))
    assert listed.status_code == 200
    assert [r["reference"] for r in listed.json()["items"]] == [review.reference]
    detail = api.get(f"/api/v1/reviews/{review.reference}", headers=token_for(team.top)).json()
    assert detail["snapshot"]["sha256"] == snapshot.sha256
    assert detail["snapshot"]["data"]["review"]["reference"] == review.reference
    assert detail["outputs"][0]["text"] == "Giữ nguyên chính sách"
    assert {p["username"] for p in detail["participants"]} == {
        team.manager.username,
        team.top.username,
    }
    handler = token_for(team.handler)
    assert api.get("/api/v1/reviews", headers=handler).status_code == 403
    assert api.get(f"/api/v1/reviews/{review.reference}", headers=handler).status_code == 404


def test_the_list_reads_a_bounded_number_of_queries_however_many_reviews(team):
    manager = client_for(team.manager)
    planned(team)
    manager.get("/staff/system/reviews/")  # the session's first request reads more
    with CaptureQueriesContext(connection) as one:
        assert manager.get("/staff/system/reviews/").status_code == 200
    for month in range(4, 10):
        review_plan(
            actor=Actor.for_user(team.manager),
            title="Xem xét",
            review_date=dt.date(2026, month, 1),
            participants=[team.top],
        )
    with CaptureQueriesContext(connection) as seven:
        assert manager.get("/staff/system/reviews/").status_code == 200
    assert len(seven.captured_queries) == len(one.captured_queries)
