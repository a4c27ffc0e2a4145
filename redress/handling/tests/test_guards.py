"""Objectivity and closing guards (ISO 10002 4.7, 7.9)."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.complaints.models import (
    Complaint,
    ComplaintEvent,
    Decision,
    Reaction,
    RemedyType,
    Status,
)
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import staff
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db


def _counts():
    return ComplaintEvent.objects.count(), AuditEntry.objects.count()


def _propose(complaint, user, amount):
    return services.complaint_propose_decision(
        complaint=complaint,
        actor=Actor.for_user(user),
        outcome="upheld",
        summary="Hoàn tiền",
        reasons="Sai sót của chúng tôi",
        remedies=[services.RemedyInput(type=RemedyType.REFUND, amount=amount)],
    )


class TestFourEyes:
    def test_proposer_cannot_approve_own_decision_above_threshold(self):
        team = make_team()
        complaint = complaint_in_state(Status.INVESTIGATING, team)
        _propose(complaint, team.manager, 6_000_000)  # threshold is 5,000,000 VND
        before = _counts()
        with pytest.raises(Conflict) as error:
            services.complaint_approve_decision(
                complaint=complaint, actor=Actor.for_user(team.manager)
            )
        assert error.value.code == "four_eyes"
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED
        assert _counts() == before

    def test_another_person_approves_it(self):
        team = make_team()
        complaint = complaint_in_state(Status.INVESTIGATING, team)
        _propose(complaint, team.handler, 6_000_000)
        decision = services.complaint_approve_decision(
            complaint=complaint, actor=Actor.for_user(team.manager)
        )
        assert decision.approved_by == team.manager
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_APPROVED

    def test_proposer_may_approve_small_remedy(self):
        team = make_team()
        complaint = complaint_in_state(Status.INVESTIGATING, team)
        _propose(complaint, team.manager, 200_000)
        services.complaint_approve_decision(complaint=complaint, actor=Actor.for_user(team.manager))
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_APPROVED

    def test_always_on_setting_requires_second_person(self):
        organisation = organisation_get()
        organisation.four_eyes_always = True
        organisation.save()
        team = make_team()
        complaint = complaint_in_state(Status.INVESTIGATING, team)
        _propose(complaint, team.manager, 0)
        with pytest.raises(Conflict):
            services.complaint_approve_decision(
                complaint=complaint, actor=Actor.for_user(team.manager)
            )

    def test_handler_cannot_approve_at_all(self):
        team = make_team()
        complaint = complaint_in_state(Status.DECISION_PROPOSED, team)
        with pytest.raises(NotPermitted):
            services.complaint_approve_decision(
                complaint=complaint, actor=Actor.for_user(team.handler)
            )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED


class TestSubjectStaff:
    def test_person_complained_about_cannot_own(self):
        team = make_team()
        complaint = receive(team, subject_staff=team.handler).complaint
        before = _counts()
        with pytest.raises(Conflict) as error:
            services.complaint_assign(
                complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
            )
        assert error.value.code == "subject_staff"
        assert Complaint.objects.get(pk=complaint.pk).owner is None
        assert _counts() == before

    def test_person_complained_about_cannot_propose_or_approve(self):
        team = make_team()
        other_manager = staff(Role.COMPLAINTS_MANAGER, team.unit)
        complaint = receive(team, subject_staff=team.manager).complaint
        for step in ("acknowledge", "assess", "investigate"):
            complaint = advance(complaint, team, step)
        # The subject loses every role on the complaint, so the refusal comes from the gate.
        with pytest.raises((NotPermitted, Conflict)):
            _propose(complaint, team.manager, 100)
        _propose(complaint, team.handler, 100)
        with pytest.raises((NotPermitted, Conflict)):
            services.complaint_approve_decision(
                complaint=complaint, actor=Actor.for_user(team.manager)
            )
        services.complaint_approve_decision(
            complaint=complaint, actor=Actor.for_user(other_manager)
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_APPROVED


class TestClosing:
    def test_resolved_needs_remedies_settled(self):
        team = make_team()
        complaint = complaint_in_state(Status.RESOLVED, team)
        before = _counts()
        with pytest.raises(Conflict) as error:
            services.complaint_close(complaint=complaint, actor=Actor.for_user(team.handler))
        assert error.value.code == "remedies_open"
        assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED
        assert _counts() == before

    def test_waived_remedy_with_reason_allows_closing(self):
        team = make_team()
        complaint = complaint_in_state(Status.RESOLVED, team)
        remedy = Decision.objects.get(complaint=complaint).remedies.get()
        services.remedy_settle(
            remedy=remedy, actor=Actor.for_user(team.handler), waived_reason="Khách từ chối nhận"
        )
        services.complaint_close(complaint=complaint, actor=Actor.for_user(team.handler))
        closed = Complaint.objects.get(pk=complaint.pk)
        assert closed.status == Status.CLOSED and closed.closed_at is not None

    def test_referred_needs_external_options_told(self):
        team = make_team()
        complaint = complaint_in_state(Status.REFERRED_EXTERNAL, team)
        with pytest.raises(ValidationFailed) as error:
            services.complaint_close(complaint=complaint, actor=Actor.for_user(team.handler))
        assert "external_options_told" in error.value.fields
        services.complaint_close(
            complaint=complaint, actor=Actor.for_user(team.handler), external_options_told=True
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED

    @pytest.mark.parametrize("state", [Status.NOT_ACCEPTED, Status.WITHDRAWN])
    def test_not_accepted_and_withdrawn_need_the_explanation(self, state):
        team = make_team()
        complaint = complaint_in_state(state, team)
        with pytest.raises(ValidationFailed) as error:
            services.complaint_close(complaint=complaint, actor=Actor.for_user(team.handler))
        assert "note" in error.value.fields
        services.complaint_close(
            complaint=complaint, actor=Actor.for_user(team.handler), note="Đã gửi thư giải thích"
        )
        assert Complaint.objects.get(pk=complaint.pk).closure_note == "Đã gửi thư giải thích"

    def test_not_accepted_needs_a_reason(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        with pytest.raises(ValidationFailed) as error:
            services.complaint_assess(
                complaint=complaint,
                actor=Actor.for_user(team.handler),
                classification="out_of_scope",
            )
        assert "reason" in error.value.fields
        assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED


class TestReaction:
    def test_rejection_needs_a_reason_and_goes_to_review(self):
        team = make_team()
        complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)
        with pytest.raises(ValidationFailed):
            services.complaint_record_reaction(
                complaint=complaint, actor=Actor.channel("web"), reaction=Reaction.REJECTED
            )
        services.complaint_record_reaction(
            complaint=complaint,
            actor=Actor.channel("web"),
            reaction=Reaction.REJECTED,
            note="Số tiền quá thấp",
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW

    def test_no_reply_only_after_the_waiting_period(self):
        team = make_team()
        complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)
        with pytest.raises(Conflict) as error:
            services.complaint_record_reaction(
                complaint=complaint, actor=Actor.for_user(team.handler), reaction=Reaction.NO_REPLY
            )
        assert error.value.code == "too_early"
        Decision.objects.filter(complaint=complaint).update(
            communicated_at=timezone.now() - dt.timedelta(days=15)
        )
        services.complaint_record_reaction(
            complaint=complaint, actor=Actor.for_user(team.handler), reaction=Reaction.NO_REPLY
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.RESOLVED

    def test_review_decision_returns_to_review(self):
        team = make_team()
        complaint = complaint_in_state(Status.UNDER_REVIEW, team)
        decision = _propose(complaint, team.handler, 100)
        assert decision.is_review
        services.complaint_return_decision(
            complaint=complaint, actor=Actor.for_user(team.manager), reason="Xem lại"
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW


class TestPauseAndReferral:
    def test_pause_twice_is_refused_and_resume_records_duration(self):
        team = make_team()
        complaint = receive(team).complaint
        services.complaint_pause(
            complaint=complaint, actor=Actor.for_user(team.handler), reason="complainant"
        )
        with pytest.raises(Conflict):
            services.complaint_pause(
                complaint=complaint, actor=Actor.for_user(team.handler), reason="third_party"
            )
        services.complaint_resume(complaint=complaint, actor=Actor.for_user(team.handler))
        event = ComplaintEvent.objects.filter(complaint=complaint, action="resume").get()
        assert event.data["reason"] == "complainant" and event.data["paused_seconds"] >= 0
        assert Complaint.objects.get(pk=complaint.pk).paused_at is None

    def test_complainant_message_resumes_a_complaint_waiting_for_them(self):
        team = make_team()
        complaint = receive(team).complaint
        services.complaint_pause(
            complaint=complaint,
            actor=Actor.for_user(team.handler),
            reason="complainant",
            note="Gửi hóa đơn",
        )
        services.complaint_add_message(
            complaint=complaint, actor=Actor.channel("web"), direction="inbound", body="Hóa đơn đây"
        )
        assert Complaint.objects.get(pk=complaint.pk).paused_at is None

    def test_referral_needs_consent(self):
        team = make_team()
        complaint = complaint_in_state(Status.UNDER_REVIEW, team)
        with pytest.raises(ValidationFailed) as error:
            services.complaint_refer_external(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                provider="Tòa án",
                consent=False,
            )
        assert "consent" in error.value.fields
        assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW


class TestSignificance:
    @pytest.mark.parametrize(
        "kwargs",
        [{"health_safety": True}, {"complainant__vulnerable_group": "elderly"}],
        ids=["health_safety", "vulnerable"],
    )
    def test_significant_complaints_notify_managers_and_top_management(self, kwargs):
        from redress.complaints.testing import ComplainantFactory
        from redress.notifications.models import Notification

        team = make_team()
        extra = {k: v for k, v in kwargs.items() if "__" not in k}
        person = ComplainantFactory(
            vulnerable_group=kwargs.get("complainant__vulnerable_group", "")
        )
        complaint = receive(team, complainant=person, **extra).complaint
        assert complaint.is_significant
        recipients = set(
            Notification.objects.filter(kind="significant", complaint=complaint).values_list(
                "recipient", flat=True
            )
        )
        assert recipients == {team.manager.pk, team.top.pk}

    def test_high_severity_at_assessment_notifies_once(self):
        from redress.notifications.models import Notification

        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assert not complaint.is_significant
        services.complaint_assess(
            complaint=complaint, actor=Actor.for_user(team.handler), severity="critical"
        )
        assert Complaint.objects.get(pk=complaint.pk).is_significant
        assert Notification.objects.filter(kind="significant", complaint=complaint).count() == 2

    def test_ordinary_complaint_is_not_significant(self):
        from redress.notifications.models import Notification

        team = make_team()
        complaint = receive(team).complaint
        assert not complaint.is_significant
        assert not Notification.objects.filter(kind="significant").exists()
