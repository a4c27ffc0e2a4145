"""Internal audit services: planning and independence, the conducting auditor, the checklist,
findings that open a CAPA, the report."""

import datetime as dt

import pytest

from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import Membership
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.framework.models import AuditStatus, FindingType
from redress.framework.services.audit_checklist import DEFAULT_CHECKLIST
from redress.framework.services.audits import (
    audit_close,
    audit_finding_record,
    audit_question_add,
    audit_question_answer,
    audit_question_edit,
    audit_question_remove,
    audit_report,
    audit_start,
)
from redress.framework.tests.audit_helpers import auditor, planned, receive, started
from redress.handling.testing import make_team
from redress.improvement.models import CapaSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team()


def test_a_manager_plans_an_audit_with_the_next_reference_of_its_year(team):
    first = planned(team, [auditor(team)])
    second = planned(team, [auditor(team)])
    assert (first.reference, second.reference) == ("IA-2026-001", "IA-2026-002")
    assert first.status == AuditStatus.PLANNED
    assert first.planned_by == team.manager


def test_a_handler_may_not_plan_an_audit(team):
    with pytest.raises(NotPermitted):
        planned(team, [auditor(team)], actor=Actor.for_user(team.handler))


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER])
def test_an_auditor_who_works_in_the_audited_unit_is_refused(team, role):
    person = auditor(team)
    below = UnitFactory.create(parent=team.unit)
    Membership.objects.create(user=person, unit=below, role=role)
    with pytest.raises(ValidationFailed) as refused:
        planned(team, [person])
    assert "auditors" in refused.value.fields
    assert "independently" in refused.value.fields["auditors"][0]


def test_an_auditor_who_owns_a_complaint_of_the_scope_is_refused_in_vietnamese(team, settings):
    person = auditor(team)
    complaint = receive(team).complaint
    complaint.owner = person
    complaint.save(update_fields=["owner"])
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        planned(team, [person])
    assert "auditors" in refused.value.fields
    assert person.get_full_name() in refused.value.fields["auditors"][0]


def test_a_person_without_the_auditor_role_cannot_be_named(team):
    with pytest.raises(ValidationFailed) as refused:
        planned(team, [team.handler])
    assert "auditors" in refused.value.fields


def test_the_team_auditor_of_the_unit_is_independent(team):
    # The auditor role in the audited unit is not part of complaints handling.
    assert planned(team, [team.auditor]).auditors.get() == team.auditor


def test_starting_copies_the_default_checklist_and_only_a_named_auditor_starts(team):
    person = auditor(team)
    audit = planned(team, [person])
    with pytest.raises(NotPermitted):
        audit_start(audit=audit, actor=Actor.for_user(team.auditor))  # not named
    with pytest.raises(NotPermitted):
        audit_start(audit=audit, actor=Actor.for_user(team.manager))
    audit = audit_start(audit=audit, actor=Actor.for_user(person))
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.questions.count() == len(DEFAULT_CHECKLIST)
    clauses = {q.clause.split(".")[0] for q in audit.questions.all()}
    assert clauses == {"4", "5", "6", "7", "8"}
    with pytest.raises(Conflict):
        audit_start(audit=audit, actor=Actor.for_user(person))


def test_an_auditor_not_named_cannot_conduct_the_audit(team):
    person, other = auditor(team), auditor(team)
    audit = started(team, person)
    question = audit.questions.first()
    with pytest.raises(NotPermitted):
        audit_question_answer(
            question=question, actor=Actor.for_user(other), answer="conforming", evidence="x"
        )
    with pytest.raises(NotPermitted):
        audit_finding_record(
            audit=audit, actor=Actor.for_user(other), type="observation", statement="x"
        )
    question.refresh_from_db()
    assert question.answer == ""


def test_the_auditor_edits_the_checklist_before_answering(team):
    person = auditor(team)
    actor = Actor.for_user(person)
    audit = started(team, person)
    added = audit_question_add(audit=audit, actor=actor, clause="7.4", text="Có xác nhận qua SMS?")
    assert added.position == len(DEFAULT_CHECKLIST) + 1
    audit_question_edit(question=added, actor=actor, clause="7.4", text="Có xác nhận qua email?")
    first = audit.questions.order_by("position").first()
    audit_question_remove(question=first, actor=actor)
    assert audit.questions.count() == len(DEFAULT_CHECKLIST)
    answered = audit_question_answer(
        question=added, actor=actor, answer="nonconforming", evidence="3/10 không có email"
    )
    assert answered.answer == "nonconforming"
    with pytest.raises(ValidationFailed):
        audit_question_remove(question=added, actor=actor)
    with pytest.raises(ValidationFailed) as refused:
        audit_question_answer(question=added, actor=actor, answer="maybe", evidence="x")
    assert "answer" in refused.value.fields


def test_a_nonconformity_opens_a_capa_owned_by_a_manager_of_the_unit(team):
    person = auditor(team)
    audit = started(team, person)
    question = audit.questions.get(clause="7.4")
    finding = audit_finding_record(
        audit=audit,
        actor=Actor.for_user(person),
        type=FindingType.MINOR_NC,
        statement="Hai khiếu nại không được xác nhận trong hạn",
        question=question,
    )
    capa = finding.capa
    assert capa is not None
    assert capa.source == CapaSource.AUDIT_FINDING
    assert capa.owner == team.manager
    assert capa.unit == team.unit
    assert "IA-2026-001/F1" in capa.source_note
    assert finding.clause == "7.4"


def test_an_observation_opens_no_capa(team):
    person = auditor(team)
    audit = started(team, person)
    finding = audit_finding_record(
        audit=audit, actor=Actor.for_user(person), type="observation", statement="Ghi chú"
    )
    assert finding.capa is None


def test_a_nonconformity_without_a_manager_above_the_unit_is_refused(team):
    person = auditor(team)
    audit = started(team, person)
    Membership.objects.filter(role=Role.COMPLAINTS_MANAGER).delete()
    with pytest.raises(ValidationFailed) as refused:
        audit_finding_record(
            audit=audit, actor=Actor.for_user(person), type="major_nc", statement="Thiếu hồ sơ"
        )
    assert "type" in refused.value.fields
    assert not audit.findings.exists()


def test_a_manager_of_a_unit_above_owns_the_capa(team):
    parent = UnitFactory.create()
    child = UnitFactory.create(parent=parent)
    top_manager = staff(Role.COMPLAINTS_MANAGER, parent)
    child_team = make_team(child)
    Membership.objects.filter(user=child_team.manager).delete()
    person = auditor(child_team)
    audit = planned(child_team, [person], actor=Actor.for_user(top_manager))
    audit = audit_start(audit=audit, actor=Actor.for_user(person))
    finding = audit_finding_record(
        audit=audit, actor=Actor.for_user(person), type="major_nc", statement="Thiếu hồ sơ"
    )
    assert finding.capa.owner == top_manager


def test_report_then_close_and_nothing_more_is_recorded(team):
    person = auditor(team)
    actor = Actor.for_user(person)
    audit = started(team, person)
    with pytest.raises(ValidationFailed):
        audit_report(audit=audit, actor=actor, conclusion=" ")
    audit = audit_report(audit=audit, actor=actor, conclusion="Quy trình phù hợp một phần")
    assert audit.status == AuditStatus.REPORTED and audit.reported_at
    with pytest.raises(Conflict):
        audit_finding_record(audit=audit, actor=actor, type="observation", statement="x")
    with pytest.raises(NotPermitted):
        audit_close(audit=audit, actor=actor)
    audit = audit_close(audit=audit, actor=Actor.for_user(team.top))
    assert audit.status == AuditStatus.CLOSED


def test_every_change_is_audited(team):
    from redress.audit.models import AuditEntry

    person = auditor(team)
    started(team, person)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"framework.audit_plan", "framework.audit_start"} <= actions


def test_the_period_must_not_end_before_it_starts(team):
    with pytest.raises(ValidationFailed) as refused:
        planned(
            team, [auditor(team)], period_start=dt.date(2026, 6, 1), period_end=dt.date(2026, 5, 1)
        )
    assert "period_end" in refused.value.fields
