"""Competence (ISO 10002 4.14, 6.4): courses and the roles that need them, training records
with their computed expiry, the refusal of a record ending before it starts, and who sees whose
records."""

import datetime as dt

import pytest
from django.utils import translation

from redress.audit.models import AuditEntry
from redress.complaints.attachments import IncomingFile
from redress.complaints.testing import plain_pdf
from redress.core.actors import Actor
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.framework.models import Course, TrainingRecord
from redress.framework.selectors_training import (
    Standing,
    competence_matrix,
    training_records_visible_to,
    untrained_for,
)
from redress.framework.services.training import (
    course_create,
    course_update,
    months_after,
    training_record_add,
)
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db

PDF = plain_pdf()


@pytest.fixture
def team():
    return make_team()


def course(team, code="xu-ly-khieu-nai", months=12, roles=(Role.HANDLER,)):
    return course_create(
        actor=Actor.for_user(team.manager),
        code=code,
        name="Xử lý khiếu nại theo ISO 10002",
        name_en="Complaints handling per ISO 10002",
        valid_months=months,
        roles=roles,
    )


def test_a_manager_creates_a_course_that_a_role_needs_and_it_is_audited(team):
    made = course(team)
    assert list(made.requirements.values_list("role", flat=True)) == [Role.HANDLER]
    entry = AuditEntry.objects.get(action="framework.course_create")
    assert entry.after["roles"] == [Role.HANDLER]
    assert entry.after["valid_months"] == 12


def test_a_course_changes_and_its_required_roles_with_it(team):
    made = course(team)
    course_update(
        course=made,
        actor=Actor.for_user(team.manager),
        code=made.code,
        name=made.name,
        valid_months=None,
        roles=[Role.COMPLAINTS_MANAGER, Role.HANDLER],
    )
    made.refresh_from_db()
    assert made.valid_months is None
    assert set(made.requirements.values_list("role", flat=True)) == {
        Role.COMPLAINTS_MANAGER,
        Role.HANDLER,
    }
    entry = AuditEntry.objects.get(action="framework.course_update")
    assert entry.before["roles"] == [Role.HANDLER]


def test_a_handler_may_not_create_a_course(team):
    with pytest.raises(NotPermitted):
        course_create(actor=Actor.for_user(team.handler), code="x", name="X")
    assert not Course.objects.exists()


def test_a_duplicate_code_is_refused_on_its_field(team):
    course(team)
    with pytest.raises(ValidationFailed) as refused:
        course(team)
    assert "code" in refused.value.fields


def test_the_expiry_is_the_completion_plus_the_course_validity(team):
    made = course(team, months=12)
    record = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=made,
        completed_on=dt.date(2024, 2, 29),
    )
    assert record.expires_on == dt.date(2025, 2, 28)
    assert months_after(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_a_course_without_validity_gives_a_record_that_never_expires(team):
    made = course(team, months=None)
    record = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=made,
        completed_on=dt.date(2025, 1, 1),
    )
    assert record.expires_on is None


def test_a_record_ending_before_it_starts_is_refused_in_the_users_language(team):
    made = course(team)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        training_record_add(
            actor=Actor.for_user(team.manager),
            user=team.handler,
            course=made,
            completed_on=dt.date(2025, 6, 1),
            expires_on=dt.date(2025, 5, 31),
        )
    assert set(refused.value.fields) == {"expires_on"}
    assert refused.value.message == (
        "A training record cannot end before it starts: it expires on 31/05/2025, before its "
        "completion on 01/06/2025."
    )
    assert not TrainingRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="framework.training_record_add").exists()


def test_evidence_of_a_refused_type_is_refused_on_its_field(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = course(team)
    with pytest.raises(ValidationFailed) as refused:
        training_record_add(
            actor=Actor.for_user(team.manager),
            user=team.handler,
            course=made,
            completed_on=dt.date(2025, 6, 1),
            evidence=IncomingFile("script.exe", b"MZ\x90\x00" + b"\x00" * 100),
        )
    assert "evidence" in refused.value.fields
    assert not TrainingRecord.objects.exists()


def test_evidence_is_stored_with_the_record(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = course(team)
    record = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=made,
        completed_on=dt.date(2025, 6, 1),
        evidence=IncomingFile("chung-chi.pdf", PDF),
        note="Lớp tháng 6",
    )
    assert record.evidence.name.endswith(".pdf")
    assert record.evidence.read() == PDF


def test_a_handler_may_not_record_training(team):
    made = course(team)
    with pytest.raises(NotPermitted):
        training_record_add(
            actor=Actor.for_user(team.handler),
            user=team.handler,
            course=made,
            completed_on=dt.date(2025, 6, 1),
        )


def test_a_person_sees_their_own_records_and_a_manager_sees_everyones(team):
    made = course(team)
    mine = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=made,
        completed_on=dt.date(2025, 6, 1),
    )
    theirs = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.frontline,
        course=made,
        completed_on=dt.date(2025, 6, 1),
    )
    assert list(training_records_visible_to(team.handler)) == [mine]
    assert set(training_records_visible_to(team.manager)) == {mine, theirs}


def test_untrained_for_names_the_missing_and_expired_courses(team):
    current = course(team, code="a-hien-hanh")
    expired = course(team, code="b-het-han")
    course(team, code="c-chua-hoc")
    manager = Actor.for_user(team.manager)
    training_record_add(
        actor=manager, user=team.handler, course=current, completed_on=dt.date.today()
    )
    training_record_add(
        actor=manager,
        user=team.handler,
        course=expired,
        completed_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2021, 1, 1),
    )
    assert [c.code for c in untrained_for(team.handler, Role.HANDLER)] == [
        "b-het-han",
        "c-chua-hoc",
    ]
    assert untrained_for(team.handler, Role.FRONTLINE) == []


def test_the_competence_matrix_says_current_expiring_expired_missing(team):
    manager = Actor.for_user(team.manager)
    current = course(team, code="a", months=None)
    expiring = course(team, code="b")
    expired = course(team, code="c")
    course(team, code="d")
    day = dt.date(2026, 6, 1)
    training_record_add(
        actor=manager, user=team.handler, course=current, completed_on=dt.date(2025, 1, 1)
    )
    training_record_add(
        actor=manager,
        user=team.handler,
        course=expiring,
        completed_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2026, 6, 20),
    )
    training_record_add(
        actor=manager,
        user=team.handler,
        course=expired,
        completed_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2026, 5, 1),
    )
    columns, rows = competence_matrix(team.manager, on=day, within_days=30)
    assert [c.code for c in columns] == ["a", "b", "c", "d"]
    (row,) = [r for r in rows if r.person == team.handler]
    assert [cell.standing for cell in row.cells] == [
        Standing.CURRENT,
        Standing.EXPIRING,
        Standing.EXPIRED,
        Standing.MISSING,
    ]
    # The handler sees only their own row.
    _columns, own = competence_matrix(team.handler, on=day)
    assert [r.person for r in own] == [team.handler]


def test_a_record_entered_by_mistake_is_removed_with_an_audited_reason(team):
    from redress.framework.services.training import training_record_delete

    made = course(team)
    record = training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=made,
        completed_on=dt.date(2025, 6, 1),
    )
    with pytest.raises(ValidationFailed):
        training_record_delete(record=record, actor=Actor.for_user(team.manager), reason=" ")
    training_record_delete(
        record=record, actor=Actor.for_user(team.manager), reason="Nhập nhầm người"
    )
    assert not TrainingRecord.objects.exists()
    entry = AuditEntry.objects.get(action="framework.training_record_delete")
    assert entry.after == {"reason": "Nhập nhầm người"}
    assert entry.before["course"] == made.code
