"""POST/GET /complaints: create, idempotency, auth, errors, list filters, pagination, query count."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from redress.api.tests.conftest import complaint_body, error_of
from redress.complaints.models import Complaint, Status
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.actors import Actor
from redress.core.testing import UnitFactory
from redress.handling.testing import complaint_in_state, make_team, receive
from redress.integrations.models import ApiToken
from redress.integrations.services import token_revoke

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --------------------------------------------------------------------------------------------
# Create


def test_create_returns_reference_tracking_code_and_deadlines(team, api_as):
    category = CategoryFactory()
    api = api_as(team.frontline, source_system="call-centre", kind=ApiToken.Kind.INTEGRATION)

    response = api.post(
        "/complaints",
        complaint_body(unit=team.unit.code, category=category.code, amount_claimed=250000),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("KN-")
    assert body["status"] == "received"
    assert len(body["tracking_code"]) == 14
    assert set(body["deadlines"]) == {
        "acknowledge_due_at",
        "assess_due_at",
        "decision_due_at",
        "close_due_at",
        "review_due_at",  # null: no internal review runs
    }
    assert body["deadlines"]["review_due_at"] is None
    assert body["url"] == f"/api/v1/complaints/{body['reference']}"
    complaint = Complaint.objects.get(reference=body["reference"])
    for name, value in body["deadlines"].items():  # what the deadline engine stored
        stored = getattr(complaint, name)
        assert (dt.datetime.fromisoformat(value) if value else None) == stored, name
    assert complaint.channel == "phone"
    assert complaint.source_system == "call-centre"
    assert complaint.received_by == team.frontline
    assert complaint.category == category
    assert complaint.amount_claimed == 250000
    assert complaint.complainant.full_name == "Trần Thị Bích"
    assert list(complaint.events.values_list("action", "actor_label")) == [
        ("receive", team.frontline.username)
    ]


def test_create_with_attachment_keeps_the_file(team, api_as):
    body = complaint_body(
        unit=team.unit.code,
        attachments=[{"name": "hoa-don.png", "content_base64": base64.b64encode(PNG).decode()}],
    )

    response = api_as(team.frontline).post("/complaints", body)

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert list(complaint.attachments.values_list("original_name", "content_type")) == [
        ("hoa-don.png", "image/png")
    ]


def test_create_without_unit_goes_to_the_top_unit(team, api_as):
    response = api_as(team.manager).post("/complaints", complaint_body())

    assert response.status_code == 201
    assert Complaint.objects.get(reference=response.json()["reference"]).unit == team.unit


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"channel": "pigeon"}, "channel"),
        ({"complainant": {"full_name": "An"}}, "complainant.email"),
        ({"complainant": {"full_name": "An", "email": "not-an-email"}}, "complainant.email"),
        ({"amount_claimed": -5}, "amount_claimed"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"occurred_on": "0001-01-01"}, "occurred_on"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"category": "no-such-category"}, "category"),
        ({"colour": "blue"}, "colour"),
        ({"subject": "a\x00b"}, "subject"),
        (
            {"attachments": [{"name": "x.png", "content_base64": "***"}]},
            "attachments.0.content_base64",
        ),
        (
            {
                "attachments": [
                    {
                        "name": "notes.txt",
                        "content_base64": base64.b64encode(b"plain text").decode(),
                    }
                ]
            },
            "attachments",
        ),
    ],
)
def test_create_with_bad_fields_is_422_naming_the_field(team, api_as, change, field):
    response = api_as(team.frontline).post("/complaints", complaint_body(**change))

    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert not Complaint.objects.exists()


def test_create_with_a_body_that_is_not_json_is_400(team, api_as):
    response = api_as(team.frontline).post("/complaints", "{not json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_create_larger_than_the_body_limit_is_413(team, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = api_as(team.frontline).post("/complaints", complaint_body(description="x" * 5000))

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not Complaint.objects.exists()


def test_create_with_an_attachment_over_the_file_limit_is_413(team, api_as, settings):
    settings.REDRESS_ATTACHMENT_MAX_BYTES = 50
    body = complaint_body(
        attachments=[{"name": "big.png", "content_base64": base64.b64encode(PNG).decode()}]
    )

    response = api_as(team.frontline).post("/complaints", body)

    assert response.status_code == 413
    error = error_of(response)
    assert "big.png" in error["fields"]["attachments"][0]
    assert not Complaint.objects.exists()


def test_create_by_a_role_without_intake_is_403(team, api_as):
    response = api_as(team.auditor).post("/complaints", complaint_body(unit=team.unit.code))

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert not Complaint.objects.exists()


def test_create_for_another_units_complaints_is_403(team, api_as):
    elsewhere = UnitFactory()

    response = api_as(team.frontline).post("/complaints", complaint_body(unit=elsewhere.code))

    assert response.status_code == 403


# --------------------------------------------------------------------------------------------
# Authentication, scopes, rate


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer rdr_unknown-token", "Basic dXNlcjpwYXNz", "Token rdr_x"]
)
def test_missing_or_unknown_token_is_401(team, api_as, header):
    api = api_as(None)
    headers = {"Authorization": header} if header else {}

    response = api.get("/complaints", headers=headers)

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401_at_once(team, make_token):
    from redress.api.tests.conftest import ApiClient

    raw = make_token(team.handler)
    api = ApiClient(raw)
    assert api.get("/complaints").status_code == 200

    token_revoke(token=ApiToken.objects.get(), actor=Actor.system("test"))

    response = api.get("/complaints")
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


# One create through the API, on PostgreSQL: the token, the person's roles, the unit named, the
# look-up for possible duplicates, (BEGIN), the complainant (look-up, insert), the complaint, its
# event, its four stage clocks (one INSERT), the year's counter, the receipt message, its outbox
# row, the audit head's lock, everything nobody reads back in one statement (reference, marks,
# tally, repeat links, audit entry and head, task rows, intake key), (COMMIT). SQLite sends that
# one as its parts, and writes the repeat links in several.
CREATE_STATEMENTS = {"postgresql": 16, "sqlite": 28}


def test_one_create_records_everything_in_a_fixed_number_of_statements(team, api_as, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from redress.analytics.models import ComplaintRepeat, RollupStale
    from redress.audit.models import AuditChainHead, AuditEntry
    from redress.audit.verify import audit_verify
    from redress.complaints.models import ComplaintEvent, Message, QueueTally
    from redress.core.memo import memo_clear
    from redress.intake.models import IntakeKey
    from redress.notifications.models import OutboundEmail
    from redress.sla.models import StageClock

    # Settings rows remembered, as in production (who may send is still read every time).
    settings.REDRESS_SETTINGS_MEMO_SECONDS = 600
    try:
        api = api_as(team.frontline)
        body = complaint_body(unit=team.unit.code)
        assert (
            api.post("/complaints", body, headers={"Idempotency-Key": "first"}).status_code == 201
        )
        tasks_before = DBTaskResult.objects.count()
        # Someone else, about something else: nothing to link as a possible duplicate.
        body["complainant"] = {"full_name": "Lê Văn Tâm", "email": "tam@example.test"}
        body["subject"] = "Nhân viên giao hàng không đến"
        body["description"] = "Tôi đã chờ cả ngày mà không ai giao hàng."
        with CaptureQueriesContext(connection) as captured:
            response = api.post("/complaints", body, headers={"Idempotency-Key": "second"})
        assert response.status_code == 201
    finally:
        memo_clear()
    assert len(captured.captured_queries) <= CREATE_STATEMENTS[connection.vendor], "\n".join(
        query["sql"][:120] for query in captured.captured_queries
    )
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert ComplaintEvent.objects.filter(complaint=complaint, action="receive").count() == 1
    assert StageClock.objects.filter(complaint=complaint).count() == 4
    assert Message.objects.filter(complaint=complaint).count() == 1
    assert OutboundEmail.objects.filter(complaint=complaint).count() == 1
    assert ComplaintRepeat.objects.filter(complaint=complaint).exists()
    assert IntakeKey.objects.filter(complaint=complaint).exists()
    assert RollupStale.objects.filter(unit_id=complaint.unit_id).exists()
    assert (
        sum(QueueTally.objects.filter(status=Status.RECEIVED).values_list("count", flat=True)) == 2
    )
    assert DBTaskResult.objects.count() == tasks_before + 5  # four deadline checks, the receipt
    entry = AuditEntry.objects.get(target_id=str(complaint.pk))
    assert AuditChainHead.objects.get().seq == entry.seq
    assert complaint.search_text and complaint.tracking_code_hash and complaint.acknowledge_due_at
    assert audit_verify().ok


def test_intake_stops_at_once_when_the_token_is_revoked_or_the_role_ends(
    team, make_token, settings
):
    # Settings rows are remembered per process in production (REDRESS_SETTINGS_MEMO_SECONDS);
    # who may send complaints never is: the request after a revocation is refused.
    from redress.api.tests.conftest import ApiClient
    from redress.core.memo import memo_clear
    from redress.core.models import Membership

    settings.REDRESS_SETTINGS_MEMO_SECONDS = 600
    try:
        frontline = ApiClient(make_token(team.frontline))
        body = complaint_body(unit=team.unit.code)
        assert frontline.post("/complaints", body).status_code == 201

        Membership.objects.filter(user=team.frontline).update(
            valid_to=timezone.localdate() - dt.timedelta(days=1)
        )
        assert frontline.post("/complaints", body).status_code == 403

        handler = ApiClient(make_token(team.handler))
        assert handler.post("/complaints", body).status_code == 201
        token_revoke(token=ApiToken.objects.get(user=team.handler), actor=Actor.system("test"))
        assert handler.post("/complaints", body).status_code == 401
        assert Complaint.objects.count() == 2
    finally:
        memo_clear()


def test_expired_token_and_inactive_user_are_401(team, api_as):
    expiring = api_as(team.handler, expires_at=timezone.now() + dt.timedelta(seconds=60))
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert expiring.get("/complaints").status_code == 401

    live = api_as(team.manager)
    team.manager.is_active = False
    team.manager.save()
    assert live.get("/complaints").status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "path"),
    [
        (["read"], "post", "/complaints"),
        (["write"], "get", "/complaints"),
        (["read", "write"], "post", "/complaints/KN-2026-000001/actions/acknowledge"),
        (["actions"], "get", "/units"),
    ],
)
def test_a_token_without_the_scope_is_403(team, api_as, scopes, method, path):
    api = api_as(team.manager, scopes=scopes)

    response = api.post(path, complaint_body()) if method == "post" else api.get(path)

    assert response.status_code == 403
    assert error_of(response)["code"] == "scope"
    assert not Complaint.objects.exists()


def test_too_many_requests_is_429_with_retry_after(team, api_as):
    api = api_as(team.handler, rate_limit_per_minute=3)

    statuses = [api.get("/units").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = api.get("/units")
    assert error_of(response)["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 61


def test_token_use_is_recorded(team, api_as):
    api = api_as(team.handler)

    api.get("/units")

    assert ApiToken.objects.get().last_used_at is not None


# --------------------------------------------------------------------------------------------
# Idempotency


def test_same_key_same_body_gives_the_same_complaint(team, api_as):
    api = api_as(team.frontline)
    body = complaint_body(unit=team.unit.code)

    first = api.post("/complaints", body, headers={"Idempotency-Key": "order-77-call-1"})
    again = api.post("/complaints", body, headers={"Idempotency-Key": "order-77-call-1"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert first.json()["tracking_code"]
    assert again.json()["tracking_code"] is None
    assert Complaint.objects.count() == 1


def test_same_key_other_body_is_409(team, api_as):
    api = api_as(team.frontline)
    api.post("/complaints", complaint_body(unit=team.unit.code), headers={"Idempotency-Key": "k-1"})

    response = api.post(
        "/complaints",
        complaint_body(unit=team.unit.code, subject="Khác"),
        headers={"Idempotency-Key": "k-1"},
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_conflict"
    assert Complaint.objects.count() == 1


def test_keys_of_different_users_do_not_collide(team, api_as):
    body = complaint_body(unit=team.unit.code)

    one = api_as(team.frontline).post("/complaints", body, headers={"Idempotency-Key": "same"})
    two = api_as(team.handler).post("/complaints", body, headers={"Idempotency-Key": "same"})

    assert one.status_code == two.status_code == 201
    assert one.json()["reference"] != two.json()["reference"]


def test_a_failed_create_does_not_use_up_the_key(team, api_as):
    api = api_as(team.frontline)
    bad = api.post(
        "/complaints", complaint_body(subject="  "), headers={"Idempotency-Key": "retry-me"}
    )
    good = api.post("/complaints", complaint_body(), headers={"Idempotency-Key": "retry-me"})

    assert bad.status_code == 422
    assert good.status_code == 201


# --------------------------------------------------------------------------------------------
# Get


def test_get_shows_the_complaint_with_its_events_and_allowed_actions(team, api_as):
    complaint = complaint_in_state(Status.ASSESSED, team)

    response = api_as(team.handler).get(f"/complaints/{complaint.reference}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "assessed"
    assert [e["action"] for e in body["events"]] == ["receive", "acknowledge", "assess"]
    assert "start_investigation" in body["allowed_actions"]
    assert body["complainant"]["full_name"] == complaint.complainant.full_name


def test_get_through_the_gate_invisible_and_unknown_look_the_same(team, api_as):
    complaint = receive(team).complaint
    outsider = make_team()
    api = api_as(outsider.handler)

    hidden = api.get(f"/complaints/{complaint.reference}")
    unknown = api.get("/complaints/KN-2026-999999")

    assert hidden.status_code == unknown.status_code == 404
    assert error_of(hidden)["code"] == error_of(unknown)["code"] == "not_found"


def test_read_only_token_lists_no_actions(team, api_as):
    complaint = receive(team).complaint

    body = api_as(team.handler, scopes=["read"]).get(f"/complaints/{complaint.reference}").json()

    assert body["allowed_actions"] == []


def test_person_complained_about_cannot_see_the_complaint(team, api_as):
    complaint = receive(team, subject_staff=team.handler).complaint

    assert api_as(team.handler).get(f"/complaints/{complaint.reference}").status_code == 404
    assert api_as(team.auditor).get(f"/complaints/{complaint.reference}").status_code == 200


# --------------------------------------------------------------------------------------------
# List


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


def test_list_shows_only_what_the_gate_allows(team, api_as):
    mine = receive(team).complaint
    other_team = make_team()
    theirs = receive(other_team).complaint

    assert _references(api_as(team.handler).get("/complaints")) == [mine.reference]
    assert _references(api_as(other_team.frontline).get("/complaints")) == [theirs.reference]
    assert set(_references(api_as(team.auditor).get("/complaints"))) == {
        mine.reference,
        theirs.reference,
    }


def test_list_filters(team, api_as):
    category = CategoryFactory()
    plain = receive(team).complaint
    urgent = receive(team, health_safety=True, category=category).complaint
    acknowledged = complaint_in_state(Status.ACKNOWLEDGED, team)
    accents = receive(
        team,
        subject="Nhân viên thái độ không tốt",
        complainant=ComplainantFactory(full_name="Lê Văn Đức"),
    ).complaint
    # Overdue: the deadline of the current stage (acknowledgement, while received) has passed.
    Complaint.objects.filter(pk=plain.pk).update(
        acknowledge_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    Complaint.objects.filter(pk=accents.pk).update(
        acknowledge_due_at=timezone.now() + dt.timedelta(hours=3)
    )
    Complaint.objects.filter(pk=urgent.pk).update(
        received_at=timezone.now() - dt.timedelta(days=10)
    )
    from redress.handling.services import complaint_assign

    complaint_assign(complaint=acknowledged, actor=Actor.for_user(team.handler), owner=team.handler)
    api = api_as(team.handler)

    assert set(_references(api.get("/complaints", {"status": "acknowledged"}))) == {
        acknowledged.reference
    }
    assert set(_references(api.get("/complaints", {"status": "received,acknowledged"}))) == {
        plain.reference,
        urgent.reference,
        acknowledged.reference,
        accents.reference,
    }
    assert _references(api.get("/complaints", {"priority": "urgent"})) == [urgent.reference]
    assert _references(api.get("/complaints", {"category": category.code})) == [urgent.reference]
    assert _references(api.get("/complaints", {"owner": "me"})) == [acknowledged.reference]
    assert _references(api.get("/complaints", {"owner": team.handler.username})) == [
        acknowledged.reference
    ]
    assert acknowledged.reference not in _references(api.get("/complaints", {"owner": "none"}))
    assert _references(api.get("/complaints", {"overdue": "true"})) == [plain.reference]
    assert plain.reference not in _references(api.get("/complaints", {"overdue": "false"}))
    soon = _references(api.get("/complaints", {"due_soon": "true"}))
    assert accents.reference in soon and plain.reference not in soon
    assert accents.reference not in _references(api.get("/complaints", {"due_soon": "false"}))
    # A stopped clock cannot be late: the same rule as the back office's "overdue" queue.
    from redress.handling.services import complaint_pause

    complaint_pause(complaint=plain, actor=Actor.for_user(team.manager), reason="third_party")
    assert _references(api.get("/complaints", {"overdue": "true"})) == []
    assert api.get(f"/complaints/{plain.reference}").json()["overdue"] is False
    assert _references(api.get("/complaints", {"q": "thai do khong tot"})) == [accents.reference]
    assert _references(api.get("/complaints", {"q": "le van duc"})) == [accents.reference]
    # Top management reads complainants masked: it cannot find a complaint by its complainant's
    # name either, only by what it may read.
    top = api_as(team.top)
    assert _references(top.get("/complaints", {"q": "le van duc"})) == []
    assert _references(top.get("/complaints", {"q": "thai do khong tot"})) == [accents.reference]
    assert _references(api.get("/complaints", {"unit": team.unit.code, "q": plain.reference})) == [
        plain.reference
    ]
    old_day = timezone.localdate() - dt.timedelta(days=10)
    assert _references(
        api.get(
            "/complaints",
            {"received_from": old_day.isoformat(), "received_to": old_day.isoformat()},
        )
    ) == [urgent.reference]
    assert urgent.reference not in _references(
        api.get("/complaints", {"received_from": (old_day + dt.timedelta(days=1)).isoformat()})
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"priority": "whenever"}, "priority"),
        ({"limit": 0}, "limit"),
        ({"limit": 500}, "limit"),
        ({"received_from": "yesterday"}, "received_from"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"overdue": "maybe"}, "overdue"),
    ],
)
def test_list_with_bad_filters_is_422(team, api_as, params, field):
    response = api_as(team.handler).get("/complaints", params)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_list_pages_with_a_cursor_without_gaps_or_repeats(team, api_as):
    created = [receive(team).complaint.reference for _ in range(7)]
    same_time = timezone.now() - dt.timedelta(hours=2)
    Complaint.objects.filter(reference__in=created[:4]).update(
        received_at=same_time
    )  # ties broken by id
    api = api_as(team.handler)

    seen: list[str] = []
    params: dict[str, object] = {"limit": 3}
    pages = 0
    while True:
        body = api.get("/complaints", params).json()
        seen += [item["reference"] for item in body["items"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": body["next_cursor"]}

    assert pages == 3
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


def test_list_runs_a_fixed_number_of_queries(team, api_as, django_assert_num_queries):
    category = CategoryFactory()
    api = api_as(team.manager)
    api.get("/units")  # the token's first use is written once; later calls only read

    def run(count: int) -> None:
        for _ in range(count):
            complaint = receive(team, category=category).complaint
            from redress.handling.services import complaint_assign

            complaint_assign(
                complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
            )
        # token, roles, unit tree (manager: what they see, and whose complainant they may
        # search by name: the masking scope; read once per request), the page
        with django_assert_num_queries(4):
            response = api.get("/complaints", {"limit": 50, "overdue": "false", "q": "hoa don"})
        assert response.status_code == 200

    run(2)
    run(12)
    assert len(api.get("/complaints").json()["items"]) == 14
