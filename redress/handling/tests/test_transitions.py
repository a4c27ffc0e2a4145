"""Every state × every action: allowed ones succeed with one event and one audit entry,
refused ones raise the named error and change nothing."""

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintLink,
    ConflictDeclaration,
    Decision,
    ExternalReferral,
    LinkKind,
    Message,
    Outcome,
    PauseReason,
    Reaction,
    Remedy,
    RemedyType,
    Status,
)
from redress.complaints.transitions import SAME, TRANSITIONS, Action, TransitionNotAllowed
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive

pytestmark = pytest.mark.django_db

ACTIONS = [a for a in Action.values if a != Action.RECEIVE]


def _prepare(complaint, action, team):
    """What an action needs to exist before it can be tried (outside the counted writes)."""
    if action == Action.RESUME and complaint.status != Status.CLOSED:
        services.complaint_pause(
            complaint=complaint, actor=Actor.for_user(team.manager), reason=PauseReason.COMPLAINANT
        )
    if (
        action == Action.SETTLE_REMEDY
        and not Remedy.objects.filter(decision__complaint=complaint).exists()
    ):
        decision = Decision.objects.create(
            complaint=complaint,
            outcome=Outcome.UPHELD,
            summary="s",
            reasons="r",
            proposed_by=team.handler,
            proposed_at=complaint.received_at,
        )
        Remedy.objects.create(decision=decision, type=RemedyType.REFUND, amount=1000)
    if action == Action.CLOSE and complaint.status == Status.RESOLVED:
        for remedy in Remedy.objects.filter(
            decision__complaint=complaint, fulfilled_at__isnull=True
        ):
            services.remedy_settle(remedy=remedy, actor=Actor.for_user(team.handler))
    if action == Action.WITHDRAW_CONFLICT:
        ConflictDeclaration.objects.create(
            complaint=complaint, person=team.handler, reason="r", declared_at=timezone.now()
        )
    if action in (Action.LINK, Action.DISMISS_DUPLICATE, Action.MERGE):
        # An open complaint of the same unit, suggested as a duplicate of this one.
        other = receive(team, subject=complaint.subject).complaint
        ComplaintLink.objects.create(
            complaint=other,
            other=complaint,
            kind=LinkKind.POSSIBLE_DUPLICATE,
            found_by="web",
            found_at=other.received_at,
        )
    return Complaint.objects.get(pk=complaint.pk)


def _suggested(complaint):
    return ComplaintLink.objects.get(other=complaint).complaint.reference


def _perform(complaint, action, team):
    manager = Actor.for_user(team.manager)
    handler = Actor.for_user(team.handler)
    match action:
        case Action.ACKNOWLEDGE:
            services.complaint_acknowledge(complaint=complaint, actor=manager)
        case Action.ASSESS:
            services.complaint_assess(complaint=complaint, actor=manager)
        case Action.ASSIGN:
            services.complaint_assign(complaint=complaint, actor=manager, owner=team.handler)
        case Action.PRIORITISE:
            services.complaint_prioritise(
                complaint=complaint, actor=manager, priority="urgent", reason="Khách cao tuổi"
            )
        case Action.PAUSE:
            services.complaint_pause(
                complaint=complaint, actor=manager, reason=PauseReason.THIRD_PARTY
            )
        case Action.RESUME:
            services.complaint_resume(complaint=complaint, actor=manager)
        case Action.START_INVESTIGATION:
            services.complaint_start_investigation(complaint=complaint, actor=manager)
        case Action.ADD_NOTE:
            services.complaint_add_note(complaint=complaint, actor=manager, body="Ghi chú")
        case Action.ADD_MESSAGE:
            services.complaint_add_message(
                complaint=complaint,
                actor=manager,
                direction=Message.Direction.OUTBOUND,
                body="Xin chào",
            )
        case Action.PROPOSE_DECISION:
            services.complaint_propose_decision(
                complaint=complaint,
                actor=handler,
                outcome=Outcome.NOT_UPHELD,
                summary="Không",
                reasons="Lý do",
            )
        case Action.APPROVE_DECISION:
            services.complaint_approve_decision(complaint=complaint, actor=manager)
        case Action.RETURN_DECISION:
            services.complaint_return_decision(
                complaint=complaint, actor=manager, reason="Thiếu chứng cứ"
            )
        case Action.COMMUNICATE_DECISION:
            services.complaint_communicate_decision(complaint=complaint, actor=manager)
        case Action.RECORD_REACTION:
            services.complaint_record_reaction(
                complaint=complaint, actor=manager, reaction=Reaction.ACCEPTED
            )
        case Action.ESCALATE:
            services.complaint_escalate(
                complaint=complaint, actor=manager, reason="Khách không đồng ý"
            )
        case Action.REFER_EXTERNAL:
            services.complaint_refer_external(
                complaint=complaint, actor=manager, provider="Sở Công Thương", consent=True
            )
        case Action.SETTLE_REMEDY:
            remedy = (
                Remedy.objects.filter(decision__complaint=complaint)
                .order_by(F("fulfilled_at").asc(nulls_first=True))
                .first()
            )
            services.remedy_settle(remedy=remedy, actor=manager)
        case Action.CLOSE:
            services.complaint_close(
                complaint=complaint, actor=manager, note="Đã giải thích", external_options_told=True
            )
        case Action.REOPEN:
            services.complaint_reopen(complaint=complaint, actor=manager, reason="Có thông tin mới")
        case Action.RATE:
            services.complaint_rate(
                complaint=complaint, actor=Actor.channel("web"), overall=4, comment="Tốt"
            )
        case Action.WITHDRAW:
            services.complaint_withdraw(complaint=complaint, actor=manager)
        case Action.RECORD_DELIVERY:
            services.complaint_record_delivery(
                complaint_id=complaint.pk,
                actor=Actor.system("outbox"),
                state="sent",
                message_id=None,
                template="closure",
                attempts=1,
            )
        case Action.RECORD_REFERRAL_OUTCOME:
            if not complaint.referrals.exists():  # a complaint closed by another path
                ExternalReferral.objects.create(
                    complaint=complaint,
                    provider="Sở Công Thương",
                    consent_at=timezone.now(),
                    referred_at=timezone.now(),
                )
            services.complaint_record_referral_outcome(
                complaint=complaint, actor=manager, outcome="Hòa giải thành"
            )
        case Action.RECORD_SUBJECT_STAFF:
            services.complaint_record_subject_staff(
                complaint=complaint, actor=manager, person=team.frontline, reason="Khách nêu tên"
            )
        case Action.DECLARE_CONFLICT:
            services.complaint_declare_conflict(
                complaint=complaint, actor=manager, reason="Người thân của khách"
            )
        case Action.WITHDRAW_CONFLICT:
            services.complaint_withdraw_conflict(
                complaint=complaint,
                actor=manager,
                declaration=ConflictDeclaration.objects.get(complaint=complaint),
                reason="Khai nhầm",
            )
        case Action.LINK:
            services.complaint_link(complaint=complaint, actor=manager, other=_suggested(complaint))
        case Action.DISMISS_DUPLICATE:
            services.complaint_dismiss_duplicate(
                complaint=complaint, actor=manager, other=_suggested(complaint)
            )
        case Action.MERGE:
            services.complaint_merge(
                complaint=complaint, actor=manager, other=_suggested(complaint)
            )
        case _:
            raise AssertionError(action)


def _row(complaint):
    return Complaint.objects.filter(pk=complaint.pk).values().get()


class _Tried(Exception):
    """Raised after an action's checks, to roll back what it wrote."""


@pytest.mark.parametrize("state", Status.values)
def test_state_action_matrix(state):
    """Every action on one complaint in ``state``, each in a savepoint rolled back after it,
    so that each meets the complaint as it was."""
    team = make_team()
    complaint = complaint_in_state(state, team)
    wrong = []
    for action in ACTIONS:
        try:
            with transaction.atomic():
                _action_check(Complaint.objects.get(pk=complaint.pk), state, action, team)
                raise _Tried
        except _Tried:
            pass
        except (Exception, pytest.fail.Exception) as error:
            wrong.append(f"{state} × {action}: {error!r}")
    assert not wrong, "\n".join(wrong)
    # Nothing tried stayed: the complaint is as it was.
    assert Complaint.objects.get(pk=complaint.pk).status == state


def _action_check(complaint, state, action, team):
    complaint = _prepare(complaint, action, team)
    events, audits = ComplaintEvent.objects.count(), AuditEntry.objects.count()
    allowed = TRANSITIONS[state].get(action)
    if allowed:
        _perform(complaint, action, team)
        after = Complaint.objects.get(pk=complaint.pk)
        expected = {state if t == SAME else t for t in allowed}
        assert after.status in expected
        assert ComplaintEvent.objects.count() == events + 1
        assert AuditEntry.objects.count() == audits + 1
        event = ComplaintEvent.objects.latest("pk")
        assert (event.action, event.from_status, event.to_status) == (action, state, after.status)
    else:
        before = _row(complaint)
        with pytest.raises(TransitionNotAllowed) as error:
            _perform(complaint, action, team)
        assert str(Status(state).label) in error.value.message
        assert str(Action(action).label) in error.value.message
        assert (error.value.state, error.value.action) == (state, action)
        assert _row(complaint) == before
        assert ComplaintEvent.objects.count() == events
        assert AuditEntry.objects.count() == audits
