"""The rules of the register (``complaints.rules``): each stated once, and a complaint received
by the service follows them (the bulk paths call the same functions)."""

import datetime as dt

import pytest

from redress.audit.models import AuditEntry
from redress.audit.services import jsonable
from redress.complaints import rules
from redress.complaints.models import ComplaintEvent
from redress.complaints.testing import ComplainantFactory
from redress.core.selectors import organisation_get
from redress.core.text import MemoisedFold
from redress.handling.services import complainant_get_or_create
from redress.handling.testing import make_team, receive


@pytest.mark.parametrize(
    ("vulnerable", "health_safety", "expected"),
    [
        (False, False, ("normal", "medium")),
        (True, False, ("high", "medium")),
        (False, True, ("urgent", "high")),
        (True, True, ("urgent", "high")),
    ],
)
def test_priority_and_severity_at_receipt(vulnerable, health_safety, expected):
    assert (
        rules.intake_priority_severity(vulnerable=vulnerable, health_safety=health_safety)
        == expected
    )


@pytest.mark.parametrize(
    ("health_safety", "severity", "vulnerable", "expected"),
    [
        (False, "low", False, False),
        (False, "medium", False, False),
        (False, "high", False, True),
        (False, "critical", False, True),
        (True, "low", False, True),
        (False, "medium", True, True),
    ],
)
def test_significance(health_safety, severity, vulnerable, expected):
    assert (
        rules.is_significant(health_safety=health_safety, severity=severity, vulnerable=vulnerable)
        is expected
    )


def test_reference_format_and_pattern():
    assert rules.reference_format("KN", 2026, 123) == "KN-2026-000123"
    assert rules.reference_format("PA", 2027, 1_234_567) == "PA-2027-1234567"
    assert rules.REFERENCE_PATTERN.match(rules.reference_format("KN", 2026, 1))
    assert not rules.REFERENCE_PATTERN.match("KN-26-000001")


def test_the_reference_year_is_the_year_of_receipt_in_the_organisations_time():
    # 18:00 UTC on 31 December is already 1 January in Hà Nội (UTC+7).
    evening = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    late = dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.UTC)

    assert rules.reference_year(evening, "Asia/Ho_Chi_Minh") == 2026
    assert rules.reference_year(late, "Asia/Ho_Chi_Minh") == 2027
    assert rules.reference_year(late, "UTC") == 2026


def test_search_texts_fold_case_and_diacritics():
    assert (
        rules.complaint_search_text("KN-2026-000001", "Hóa Đơn sai", "Tính  tiền\nhai lần.", "DH1")
        == "kn-2026-000001 hoa don sai tinh tien hai lan. dh1"
    )
    assert rules.complaint_search_text("KN-2026-000002", "Trễ", "Mười ngày", "") == (
        "kn-2026-000002 tre muoi ngay"
    )
    # The phone also as bare digits; empty parts leave no gap.
    assert (
        rules.complainant_search_text("Nguyễn Văn An", "", "An@Example.vn", "0912 345.678")
        == "nguyen van an an@example.vn 0912 345.678 0912345678"
    )
    assert rules.complainant_search_text("Lê Bình", "Công ty Đại Việt", "", "") == (
        "le binh cong ty dai viet"
    )


def test_a_memoised_fold_gives_the_same_search_texts():
    folder = MemoisedFold()
    for _ in range(2):
        assert rules.complaint_search_text(
            "KN-2026-000001", "Hóa Đơn", "Ấm đun", "", folder=folder
        ) == rules.complaint_search_text("KN-2026-000001", "Hóa Đơn", "Ấm đun", "")


def test_complainant_match_key():
    key = rules.complainant_match_key

    assert key(full_name=" Nguyễn An ", email=" AN@Example.vn ", phone="0901") == (
        "email",
        "an@example.vn",
        "Nguyễn An",
    )
    # Without an email, the phone; with neither, nothing to match: a new complainant.
    assert key(full_name="Nguyễn An", email="", phone=" 0901 ") == ("phone", "0901", "Nguyễn An")
    assert key(full_name="Nguyễn An", email=" ", phone="") is None
    # A stored complainant is found by either.
    assert rules.complainant_keys(full_name="Nguyễn An", email="An@x.vn", phone="0901") == [
        ("email", "an@x.vn", "Nguyễn An"),
        ("phone", "0901", "Nguyễn An"),
    ]
    assert rules.complainant_keys(full_name="Nguyễn An", email="", phone="") == []


def test_the_audited_fields():
    assert rules.AUDITED_FIELDS == (
        "status",
        "owner_id",
        "unit_id",
        "priority",
        "severity",
        "classification",
        "health_safety",
        "is_significant",
        "paused_at",
        "pause_reason",
        # Who the complaint is about (objectivity, issue 18): named at intake or afterwards.
        "subject_staff_id",
    )


def test_a_row_about_to_be_written_is_audited_with_the_defaults_it_will_get():
    assert rules.audited_values({"unit_id": 7, "priority": "high"}) == {
        "status": "received",
        "owner_id": None,
        "unit_id": 7,
        "priority": "high",
        "severity": "medium",
        "classification": "",
        "health_safety": False,
        "is_significant": False,
        "paused_at": None,
        "pause_reason": "",
        "subject_staff_id": None,
    }


def test_audit_change_names_only_what_changed():
    before = {"status": "received", "owner_id": None, "priority": "normal"}
    after = {"status": "acknowledged", "owner_id": None, "priority": "normal"}

    assert rules.audit_change(before, after) == ({"status": "received"}, {"status": "acknowledged"})
    assert rules.audit_change({}, {"status": "received", "owner_id": None}) == (
        {"status": None},
        {"status": "received"},
    )


def test_the_receive_event():
    at = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)

    event = rules.receive_event_values(
        channel="email",
        at=at,
        actor_kind="channel",
        actor_label="import",
        actor_user_id=None,
        negotiation_request=True,
        import_row=5,
    )

    assert event == {
        "at": at,
        "action": "receive",
        "from_status": "",
        "to_status": "received",
        "actor_kind": "channel",
        "actor_label": "import",
        "actor_user_id": None,
        "method": "email",
        "data": {
            "channel": "email",
            "negotiation_request": True,
            "attachments": 0,
            "import_row": 5,
        },
        "visible_to_complainant": True,
    }


def test_the_audit_entry_of_an_event():
    event = rules.event_values(
        action="approve_decision",
        from_status="decision_proposed",
        to_status="decision_approved",
        at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        actor_kind="user",
        actor_label="quanly",
        actor_user_id=4,
        data={"decision": 5},
    )
    before = {"status": "decision_proposed", "owner_id": 3}
    after = {"status": "decision_approved", "owner_id": 3}

    draft = rules.event_audit_draft(
        complaint_id=12,
        reference="KN-2026-000012",
        event=event,
        event_id=99,
        before=before,
        after=after,
    )

    # Approval is internal: not on the complainant's timeline.
    assert (event["method"], event["visible_to_complainant"]) == ("", False)
    assert draft == {
        "at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        "actor_kind": "user",
        "actor_label": "quanly",
        "actor_user_id": 4,
        "action": "complaint.approve_decision",
        "target_type": "complaints.complaint",
        "target_id": "12",
        "target_label": "KN-2026-000012",
        "before": {"status": "decision_proposed"},
        "after": {"status": "decision_approved", "event": 99, "data": {"decision": 5}},
    }


# --- the service follows the same rules --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("vulnerable", "health_safety"), [(False, False), (True, False), (False, True)]
)
def test_a_complaint_received_by_the_service_follows_the_rules(vulnerable, health_safety):
    team = make_team()
    person = ComplainantFactory(
        full_name="Trần Thị Bình",
        email="Binh@Example.vn",
        phone="0912 345 678",
        organisation="Công ty Đại Việt",
        vulnerable_group="elderly" if vulnerable else "",
    )

    complaint = receive(
        team,
        complainant=person,
        channel="phone",
        health_safety=health_safety,
        order_ref="DH0001",
        is_negotiation_request=True,
    ).complaint

    organisation = organisation_get()
    year = rules.reference_year(complaint.received_at, organisation.time_zone)
    assert complaint.reference == rules.reference_format(organisation.reference_prefix, year, 1)
    assert (complaint.priority, complaint.severity) == rules.intake_priority_severity(
        vulnerable=vulnerable, health_safety=health_safety
    )
    assert complaint.is_significant == rules.is_significant(
        health_safety=health_safety, severity=complaint.severity, vulnerable=vulnerable
    )
    assert complaint.search_text == rules.complaint_search_text(
        complaint.reference, complaint.subject, complaint.description, complaint.order_ref
    )
    assert complaint.search_personal == rules.complainant_search_text(
        person.full_name, person.organisation, person.email, person.phone
    )
    event = ComplaintEvent.objects.get(complaint=complaint)
    expected_event = rules.receive_event_values(
        channel="phone",
        at=complaint.received_at,
        actor_kind="channel",
        actor_label="web",
        actor_user_id=None,
        negotiation_request=True,
    )
    assert {name: getattr(event, name) for name in expected_event} == expected_event
    entry = AuditEntry.objects.get(action="complaint.receive", target_id=str(complaint.pk))
    draft = rules.event_audit_draft(
        complaint_id=complaint.pk,
        reference=complaint.reference,
        event=expected_event,
        event_id=event.pk,
        before={},
        after=rules.audited_values(complaint),
    )
    assert {name: getattr(entry, name) for name in draft} == {
        **draft,
        "before": jsonable(draft["before"]),
        "after": jsonable(draft["after"]),
    }


@pytest.mark.django_db
def test_the_service_finds_a_returning_complainant_by_the_match_key():
    stored = ComplainantFactory(full_name="Nguyễn An", email="AN@example.vn", phone="0901")

    def found(full_name, email="", phone="", address=""):
        person = complainant_get_or_create(
            full_name=full_name, email=email, phone=phone, address=address
        )
        key = rules.complainant_match_key(full_name=full_name, email=email, phone=phone)
        assert (person.pk == stored.pk) == (
            key
            in rules.complainant_keys(full_name="Nguyễn An", email="AN@example.vn", phone="0901")
        )
        return person.pk == stored.pk

    assert found(full_name="Nguyễn An", email="an@EXAMPLE.vn")
    assert found(full_name="Nguyễn An", phone="0901")
    assert not found(full_name="Nguyễn Anh", email="an@example.vn")
    assert not found(full_name="Nguyễn An", email="other@example.vn", phone="0901")
    assert not found(full_name="Nguyễn An", address="12 Lê Lợi")
