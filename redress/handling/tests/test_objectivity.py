"""Objectivity (ISO 10002 4.7, issue 18): naming the member of staff complained about after
intake, and conflict-of-interest declarations that bar owning and deciding a complaint."""

import pytest

from redress.audit.models import AuditEntry
from redress.complaints.models import Complaint, ComplaintEvent, ConflictDeclaration, Status
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.testing import UserFactory, staff
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db


def _counts():
    return ComplaintEvent.objects.count(), AuditEntry.objects.count()


def _assign(complaint, team, owner):
    return services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=owner
    )


def _declare(complaint, user, reason="Khách là người thân của tôi"):
    return services.complaint_declare_conflict(
        complaint=complaint, actor=Actor.for_user(user), reason=reason
    )


class TestPersonComplainedAbout:
    def test_an_assessor_names_them_with_a_reason_and_they_lose_sight_of_it(self):
        team = make_team()
        colleague = staff(Role.HANDLER, team.unit)
        complaint = receive(team).complaint
        assert complaints_visible_to(colleague).filter(pk=complaint.pk).exists()

        services.complaint_record_subject_staff(
            complaint=complaint,
            actor=Actor.for_user(team.handler),
            person=colleague,
            reason="Khách nêu tên nhân viên giao hàng",
        )

        assert Complaint.objects.get(pk=complaint.pk).subject_staff == colleague
        assert not complaints_visible_to(colleague).filter(pk=complaint.pk).exists()
        event = ComplaintEvent.objects.filter(complaint=complaint).latest("pk")
        assert event.action == "record_subject_staff"
        assert event.data["person"] == colleague.pk
        assert event.data["reason"] == "Khách nêu tên nhân viên giao hàng"
        entry = AuditEntry.objects.latest("pk")
        assert entry.before.get("subject_staff_id") is None
        assert entry.after["subject_staff_id"] == colleague.pk

    def test_a_reason_is_required_and_frontline_staff_may_not_name_after_intake(self):
        team = make_team()
        complaint = receive(team).complaint
        before = _counts()
        with pytest.raises(ValidationFailed) as error:
            services.complaint_record_subject_staff(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                person=team.frontline,
                reason=" ",
            )
        assert "reason" in error.value.fields
        with pytest.raises(NotPermitted):
            services.complaint_record_subject_staff(
                complaint=complaint,
                actor=Actor.for_user(team.frontline),
                person=team.handler,
                reason="x",
            )
        assert _counts() == before

    def test_someone_who_is_not_staff_of_the_organisation_is_refused(self):
        team = make_team()
        complaint = receive(team).complaint
        outsider = UserFactory()  # an account without any role: not staff
        with pytest.raises(ValidationFailed) as error:
            services.complaint_record_subject_staff(
                complaint=complaint, actor=Actor.for_user(team.manager), person=outsider, reason="x"
            )
        assert "person" in error.value.fields
        assert Complaint.objects.get(pk=complaint.pk).subject_staff is None

    def test_naming_the_owner_is_refused_until_the_complaint_is_reassigned(self):
        team = make_team()
        complaint = _assign(receive(team).complaint, team, team.handler)
        before = _counts()
        with pytest.raises(Conflict) as error:
            services.complaint_record_subject_staff(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                person=team.handler,
                reason="x",
            )
        assert error.value.code == "subject_staff_owns"
        assert _counts() == before
        other = staff(Role.HANDLER, team.unit)
        _assign(complaint, team, other)
        services.complaint_record_subject_staff(
            complaint=complaint, actor=Actor.for_user(team.manager), person=team.handler, reason="x"
        )
        assert Complaint.objects.get(pk=complaint.pk).subject_staff == team.handler

    def test_a_name_recorded_by_mistake_is_cleared_with_a_reason(self):
        team = make_team()
        complaint = receive(team, subject_staff=team.frontline).complaint
        services.complaint_record_subject_staff(
            complaint=complaint,
            actor=Actor.for_user(team.manager),
            person=None,
            reason="Nhầm người",
        )
        assert Complaint.objects.get(pk=complaint.pk).subject_staff is None
        assert complaints_visible_to(team.frontline).filter(pk=complaint.pk).exists()

    def test_at_intake_the_person_must_be_staff_and_the_reason_is_kept(self):
        team = make_team()
        with pytest.raises(ValidationFailed) as error:
            receive(team, subject_staff=UserFactory())
        assert "subject_staff" in error.value.fields
        complaint = receive(
            team, subject_staff=team.handler, subject_staff_note="Khách nêu tên"
        ).complaint
        event = complaint.events.get(action="receive")
        assert (event.data["subject_staff"], event.data["reason"]) == (
            team.handler.pk,
            "Khách nêu tên",
        )
        entry = AuditEntry.objects.filter(action__contains="receive").latest("pk")
        assert entry.after["subject_staff_id"] == team.handler.pk


class TestConflictOfInterest:
    def test_an_owner_who_declares_gives_the_complaint_back_to_its_unit_queue(self):
        team = make_team()
        complaint = _assign(receive(team).complaint, team, team.handler)

        _declare(complaint, team.handler)

        after = Complaint.objects.get(pk=complaint.pk)
        assert after.owner is None and after.unit == team.unit
        declaration = ConflictDeclaration.objects.get(complaint=complaint)
        assert (declaration.person, declaration.is_standing) == (team.handler, True)
        event = after.events.latest("pk")
        assert (event.action, event.data["unassigned"]) == ("declare_conflict", True)
        entry = AuditEntry.objects.latest("pk")
        assert (entry.before["owner_id"], entry.after["owner_id"]) == (team.handler.pk, None)
        # They still see it: declaring is not being complained about.
        assert complaints_visible_to(team.handler).filter(pk=complaint.pk).exists()

    def test_a_declarant_cannot_be_made_owner(self):
        team = make_team()
        complaint = receive(team).complaint
        _declare(complaint, team.handler)
        before = _counts()
        with pytest.raises(Conflict) as error:
            _assign(complaint, team, team.handler)
        assert error.value.code == "conflict_of_interest"
        with pytest.raises(Conflict):
            services.complaint_assign(
                complaint=complaint, actor=Actor.for_user(team.handler), owner=team.handler
            )
        assert _counts() == before

    def test_a_declarant_cannot_propose_approve_or_return_the_decision(self):
        team = make_team()
        other_manager = staff(Role.COMPLAINTS_MANAGER, team.unit)
        complaint = complaint_in_state(Status.INVESTIGATING, team)
        _declare(complaint, team.handler)
        _declare(complaint, team.manager)
        with pytest.raises(Conflict) as error:
            advance(complaint, team, "propose")
        assert error.value.code == "conflict_of_interest"
        services.complaint_propose_decision(
            complaint=complaint,
            actor=Actor.for_user(other_manager),
            outcome="upheld",
            summary="Hoàn tiền",
            reasons="Tính sai",
        )
        for attempt in (
            lambda: services.complaint_approve_decision(
                complaint=complaint, actor=Actor.for_user(team.manager)
            ),
            lambda: services.complaint_return_decision(
                complaint=complaint, actor=Actor.for_user(team.manager), reason="x"
            ),
        ):
            with pytest.raises(Conflict) as error:
                attempt()
            assert error.value.code == "conflict_of_interest"
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED

    def test_one_standing_declaration_per_person_and_a_reason_is_required(self):
        team = make_team()
        complaint = receive(team).complaint
        with pytest.raises(ValidationFailed):
            _declare(complaint, team.handler, reason="")
        _declare(complaint, team.handler)
        with pytest.raises(Conflict) as error:
            _declare(complaint, team.handler)
        assert error.value.code == "conflict_declared"
        assert ConflictDeclaration.objects.filter(complaint=complaint).count() == 1

    def test_only_a_complaints_manager_withdraws_a_declaration_and_the_person_may_own_again(self):
        team = make_team()
        complaint = receive(team).complaint
        _declare(complaint, team.handler)
        declaration = ConflictDeclaration.objects.get(complaint=complaint)
        for who in (team.handler, team.top):
            with pytest.raises(NotPermitted):
                services.complaint_withdraw_conflict(
                    complaint=complaint,
                    actor=Actor.for_user(who),
                    declaration=declaration,
                    reason="x",
                )
        services.complaint_withdraw_conflict(
            complaint=complaint,
            actor=Actor.for_user(team.manager),
            declaration=declaration,
            reason="Đã xác minh: không liên quan",
        )
        declaration.refresh_from_db()
        assert (declaration.withdrawn_by, declaration.withdrawal_reason) == (
            team.manager,
            "Đã xác minh: không liên quan",
        )
        assert complaint.events.latest("pk").action == "withdraw_conflict"
        _assign(complaint, team, team.handler)
        assert Complaint.objects.get(pk=complaint.pk).owner == team.handler
        with pytest.raises(ValidationFailed):  # withdrawn already: nothing standing to withdraw
            services.complaint_withdraw_conflict(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                declaration=declaration,
                reason="x",
            )
