"""Initial assessment (ISO 10002 7.5, 4.8; REQ-VN-3): the priority the severity × impact matrix
proposes under the statutory floors, a reason for any other, public interest withholding
negotiation and mediation, and the fee recorded on the complaint."""

from decimal import Decimal

import pytest

from redress.audit.models import AuditEntry
from redress.complaints import rules
from redress.complaints.models import (
    Complaint,
    ComplaintEvent,
    Message,
    PriorityMatrix,
    Status,
    VulnerableGroup,
)
from redress.complaints.models.priority import default_priority_matrix
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.selectors import organisation_get
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, make_team
from redress.transparency.models import ExternalBody

pytestmark = pytest.mark.django_db


def _assess(complaint, team, **values):
    return services.complaint_assess(
        complaint=complaint, actor=Actor.for_user(team.handler), **values
    )


def _event(complaint):
    return ComplaintEvent.objects.filter(complaint=complaint, action="assess").get()


class TestMatrixRule:
    def test_default_matrix_grows_with_severity_and_impact(self):
        cells = default_priority_matrix()
        assert rules.matrix_priority(cells, severity="low", impact="low") == "low"
        assert rules.matrix_priority(cells, severity="medium", impact="") == "normal"
        assert rules.matrix_priority(cells, severity="high", impact="medium") == "high"
        assert rules.matrix_priority(cells, severity="critical", impact="high") == "urgent"
        assert rules.priority_matrix_errors(cells) == []

    def test_statutory_floors_win_over_the_matrix(self):
        cells = default_priority_matrix()
        low = {"severity": "low", "impact": "low"}
        assert rules.proposed_priority(cells, **low, health_safety=True, vulnerable=False) == (
            "urgent"
        )
        assert rules.proposed_priority(cells, **low, health_safety=False, vulnerable=True) == (
            "high"
        )
        # The floor only raises: a higher cell stays.
        assert (
            rules.proposed_priority(
                cells, severity="critical", impact="high", health_safety=False, vulnerable=True
            )
            == "urgent"
        )

    def test_an_incomplete_matrix_is_named_cell_by_cell(self):
        cells = default_priority_matrix()
        del cells["critical"]["high"]
        cells["low"]["low"] = "whenever"
        errors = rules.priority_matrix_errors(cells)
        assert len(errors) == 2
        assert rules.priority_matrix_errors("not a matrix")


class TestProposedPriority:
    def test_left_out_the_priority_is_the_matrix_proposal(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assessed = _assess(complaint, team, severity="critical", impact="high")
        assert assessed.priority == "urgent"
        data = _event(complaint).data
        assert data["proposed_priority"] == "urgent"
        assert "priority_reason" not in data

    def test_the_organisation_matrix_is_read(self):
        team = make_team()
        matrix = default_priority_matrix()
        matrix["medium"]["medium"] = "high"
        PriorityMatrix.objects.create(organisation=organisation_get(), cells=matrix)
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assert _assess(complaint, team, severity="medium", impact="medium").priority == "high"

    def test_another_priority_without_a_reason_is_refused_naming_the_field(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        events, audits = ComplaintEvent.objects.count(), AuditEntry.objects.count()
        with pytest.raises(ValidationFailed) as error:
            _assess(complaint, team, severity="low", impact="low", priority="urgent")
        assert "priority_reason" in error.value.fields
        assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED
        assert (ComplaintEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)

    def test_another_priority_with_a_reason_is_recorded_on_event_and_audit(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assessed = _assess(
            complaint,
            team,
            severity="low",
            impact="low",
            priority="high",
            priority_reason="Khách hàng doanh nghiệp lớn, báo chí quan tâm",
        )
        assert assessed.priority == "high"
        data = _event(complaint).data
        assert data["proposed_priority"] == "low"
        assert data["priority_reason"] == "Khách hàng doanh nghiệp lớn, báo chí quan tâm"
        entry = AuditEntry.objects.filter(action="complaint.assess").latest("pk")
        assert entry.after["data"]["priority_reason"].startswith("Khách hàng")
        assert entry.after["priority"] == "high"

    def test_health_safety_stays_urgent_whatever_the_matrix(self):
        team = make_team()
        cells = {
            s: dict.fromkeys(("low", "medium", "high"), "low") for s in default_priority_matrix()
        }
        PriorityMatrix.objects.create(organisation=organisation_get(), cells=cells)
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assert _assess(complaint, team, severity="low", health_safety=True).priority == "urgent"

    def test_a_vulnerable_complainant_is_at_least_high(self):
        team = make_team()
        complaint = complaint_in_state(
            Status.ACKNOWLEDGED, team, vulnerable_group=VulnerableGroup.ELDERLY
        )
        # Proposed high (the floor); choosing low is raised to the floor, needing no reason.
        assert _assess(complaint, team, severity="low", impact="low", priority="low").priority == (
            "high"
        )
        assert _event(complaint).data["proposed_priority"] == "high"


class TestPublicInterest:
    def _under_review(self, team, public_interest):
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        _assess(complaint, team, public_interest=public_interest)
        for step in ("investigate", "propose", "approve", "communicate", "reject"):
            complaint = advance(complaint, team, step)
        return complaint

    def test_set_at_assessment(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assert _assess(complaint, team, public_interest=True).public_interest is True
        assert _event(complaint).data["public_interest"] is True

    @pytest.mark.parametrize(
        "provider", ["Trung tâm hòa giải thương mại", "Commercial mediation centre"]
    )
    def test_no_referral_to_a_mediation_body(self, provider):
        team = make_team()
        complaint = self._under_review(team, public_interest=True)
        with pytest.raises(ValidationFailed) as error:
            services.complaint_refer_external(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                provider=provider,
                consent=True,
            )
        assert "provider" in error.value.fields
        assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW

    def test_a_published_body_marked_as_mediation_is_refused_too(self):
        team = make_team()
        ExternalBody.objects.create(name_vi="VIAC Connect", is_negotiation_or_mediation=True)
        complaint = self._under_review(team, public_interest=True)
        with pytest.raises(ValidationFailed):
            services.complaint_refer_external(
                complaint=complaint,
                actor=Actor.for_user(team.manager),
                provider="viac connect",
                consent=True,
            )

    def test_court_and_arbitration_remain(self):
        team = make_team()
        complaint = self._under_review(team, public_interest=True)
        services.complaint_refer_external(
            complaint=complaint,
            actor=Actor.for_user(team.manager),
            provider="Tòa án nhân dân",
            consent=True,
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.REFERRED_EXTERNAL

    def test_mediation_stays_open_without_public_interest(self):
        team = make_team()
        complaint = self._under_review(team, public_interest=False)
        services.complaint_refer_external(
            complaint=complaint,
            actor=Actor.for_user(team.manager),
            provider="Trung tâm hòa giải thương mại",
            consent=True,
        )
        assert Complaint.objects.get(pk=complaint.pk).status == Status.REFERRED_EXTERNAL

    def test_the_decision_email_does_not_offer_mediation(self):
        team = make_team()
        for public_interest, mentions_mediation in ((True, False), (False, True)):
            complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
            _assess(complaint, team, public_interest=public_interest)
            for step in ("investigate", "propose", "approve", "communicate"):
                complaint = advance(complaint, team, step)
            body = (
                Message.objects.filter(complaint=complaint, direction="outbound").latest("pk").body
            )
            assert "Tòa án" in body
            assert ("hòa giải" in body) is mentions_mediation


class TestFee:
    def test_free_by_default(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assessed = _assess(complaint, team)
        assert assessed.fee_amount == 0
        assert assessed.fee_waived is False

    def test_the_organisation_fee_is_recorded(self):
        organisation = organisation_get()
        organisation.complaint_fee = Decimal(50_000)
        organisation.save()
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        assert _assess(complaint, team).fee_amount == 50_000
        assert _event(complaint).data["fee"] == {"amount": 50_000, "waived": False}

    def test_waiving_needs_a_reason(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        with pytest.raises(ValidationFailed) as error:
            _assess(complaint, team, fee_amount=50_000, fee_waived=True)
        assert "fee_waived_reason" in error.value.fields
        assessed = _assess(
            complaint, team, fee_amount="50000", fee_waived=True, fee_waived_reason="Hộ nghèo"
        )
        assert (assessed.fee_amount, assessed.fee_waived, assessed.fee_waived_reason) == (
            50_000,
            True,
            "Hộ nghèo",
        )

    def test_a_negative_fee_is_refused(self):
        team = make_team()
        complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
        with pytest.raises(ValidationFailed) as error:
            _assess(complaint, team, fee_amount=-1)
        assert "fee_amount" in error.value.fields
