"""Data-subject requests (issue 15, REQ-PD-2): received from the portal, staff or the API with
Decree 356's clocks on the working calendar (hand-computed across a weekend and Tết), verified,
answered, extended once by at most 15 days, completed or refused; every step audited, every
refusal naming its field and changing nothing; the clock's reminders once each; the KPI."""

import datetime as dt

import pytest

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import CATALOGUE
from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.testing import actor
from redress.handling.testing import receive
from redress.notifications.models import OutboundEmail
from redress.privacy import requests as services
from redress.privacy.figures import dsar_on_time
from redress.privacy.jobs import request_clock_sweep
from redress.privacy.models import (
    DataSubjectRequest,
    ProcessingRestriction,
    RequestNotice,
    RequestStatus,
)
from redress.sla.testing import end_of, frozen_clock, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock("2026-03-13 10:00") as c:
        yield c


def ask(team, dpo, kind="access", **extra):
    """A request recorded by the DPO for a person who phoned (verified by staff)."""
    defaults = {
        "channel": "staff",
        "requester_name": "Trần Thị Mai",
        "contact_email": "mai@example.test",
        "verification": "staff_check",
    }
    return services.request_receive(actor=actor(dpo), kind=kind, **{**defaults, **extra})


# ---------------------------------------------------------------------------------------------
# Clocks


def test_over_a_weekend_the_first_response_takes_two_working_days_and_restriction_15_days(
    team, dpo, clock
):
    # Received Friday 13 March: working days Mon 16, Tue 17; 15 days end Saturday 28 March, a
    # day off, so the period ends with Monday 30 March (Civil Code Art. 148).
    request = ask(team, dpo, "restriction")
    assert request.first_response_due_at == end_of("2026-03-17")
    assert request.completion_due_at == end_of("2026-03-30")
    assert request.reference == "YC-2026-0001"
    assert ask(team, dpo).reference == "YC-2026-0002"


def test_over_tet_the_clocks_skip_the_holiday_and_a_processor_gives_20_days(team, dpo):
    # Received Friday 13 Feb 2026, the last working day before Tết (14–22 Feb off): working
    # days Mon 23 and Tue 24. Objection: 15 days end Sat 28 Feb -> Mon 2 March; with a
    # processor 20 days end Thu 5 March.
    with frozen_clock("2026-02-13 15:00"):
        plain = ask(team, dpo, "objection")
        with_processor = ask(team, dpo, "objection", processor_involved=True)
    assert plain.first_response_due_at == end_of("2026-02-24")
    assert plain.completion_due_at == end_of("2026-03-02")
    assert with_processor.completion_due_at == end_of("2026-03-05")


def test_the_other_kinds_take_the_configured_days(team, dpo, clock, settings):
    settings.REDRESS_DSAR_COMPLETION_DAYS = {"access": 10}
    # 13 March + 10 days = Monday 23 March; erasure keeps its default of 20 days (Thu 2 April).
    assert ask(team, dpo, "access").completion_due_at == end_of("2026-03-23")
    assert ask(team, dpo, "erasure").completion_due_at == end_of("2026-04-02")


# ---------------------------------------------------------------------------------------------
# Receive


def test_a_request_from_the_portal_is_verified_by_the_tracking_code_and_acknowledged(team, clock):
    complaint = receive(team).complaint
    before = OutboundEmail.objects.filter(template_code="dsar_acknowledgement").count()
    from redress.core.actors import Actor

    request = services.request_receive(
        actor=Actor.channel("web"),
        kind="consent_withdrawal",
        channel="portal",
        complaints=[complaint],
        note="Xin rút lại sự đồng ý",
    )
    assert request.status == RequestStatus.VERIFIED
    assert request.verification == "tracking_code"
    assert request.complainant == complaint.complainant
    assert list(request.complaints.all()) == [complaint]
    email = OutboundEmail.objects.filter(template_code="dsar_acknowledgement").get()
    assert before == 0 and email.to == complaint.complainant.email
    assert request.reference in email.subject and request.reference in email.body
    # Asking again for the same thing while it is open gives the same request.
    again = services.request_receive(
        actor=Actor.channel("web"),
        kind="consent_withdrawal",
        channel="portal",
        complaints=[complaint],
    )
    assert again.pk == request.pk
    entry = AuditEntry.objects.get(action="privacy.request_receive")
    assert "Xin rút" not in str(entry.after) and complaint.complainant.email not in str(entry.after)
    assert audit_verify().ok


def test_receiving_is_refused_naming_the_field_and_nothing_is_kept(team, dpo, clock):
    cases = [
        ({"kind": "everything"}, "kind"),
        ({"contact_email": "", "complaints": []}, "contact_email"),
        ({"received_at": local("2026-03-14 10:00")}, "received_at"),
    ]
    for extra, field in cases:
        kind = extra.pop("kind", "access")
        with pytest.raises(ValidationFailed) as refused:
            ask(team, dpo, kind, **extra)
        assert field in refused.value.fields
    with pytest.raises(NotPermitted):
        ask(team, team.manager)
    assert not DataSubjectRequest.objects.exists()


def test_staff_may_record_a_letter_received_earlier_and_its_clocks_run_from_then(team, dpo, clock):
    request = ask(team, dpo, received_at=local("2026-03-12 16:00"), verification="")
    assert request.status == RequestStatus.RECEIVED
    assert request.first_response_due_at == end_of("2026-03-16")


# ---------------------------------------------------------------------------------------------
# Handle


def test_a_request_goes_through_verify_respond_extend_and_complete(team, dpo, clock):
    request = ask(team, dpo, "restriction", verification="", complaints=[receive(team).complaint])
    dpo_actor = actor(dpo)
    request = services.request_verify(actor=dpo_actor, request=request, method="one_time_code")
    assert request.status == RequestStatus.VERIFIED
    request = services.request_respond(actor=dpo_actor, request=request, note="Đang xử lý")
    assert request.status == RequestStatus.IN_PROGRESS
    request = services.request_extend(
        actor=dpo_actor, request=request, days=15, reason="Bên xử lý cần thêm thời gian"
    )
    # The deadline in force ends with Monday 30 March; 15 more days: Tuesday 14 April.
    assert request.status == RequestStatus.EXTENDED
    assert request.completion_due_at == end_of("2026-04-14")
    request = services.request_complete(actor=dpo_actor, request=request, outcome_note="Đã hạn chế")
    assert request.status == RequestStatus.DONE and request.completed_at is not None
    assert (
        ProcessingRestriction.objects.filter(request=request, lifted_at__isnull=True).count() == 1
    )
    assert list(request.events.values_list("action", flat=True)) == [
        "receive",
        "verify",
        "respond",
        "extend",
        "complete",
    ]
    assert AuditEntry.objects.filter(action__startswith="privacy.request_").count() == 5
    with pytest.raises(Conflict):
        services.request_refuse(actor=dpo_actor, request=request, reason="x")


def test_an_extension_is_given_once_and_for_at_most_15_days(team, dpo, clock):
    request = ask(team, dpo, "objection")
    dpo_actor = actor(dpo)
    for days, reason in ((16, "lâu"), (0, "x"), (None, "x"), (5, "")):
        with pytest.raises(ValidationFailed) as refused:
            services.request_extend(actor=dpo_actor, request=request, days=days, reason=reason)
        assert set(refused.value.fields) <= {"days", "reason"} and refused.value.fields
    due = DataSubjectRequest.objects.get(pk=request.pk).completion_due_at
    assert due == request.completion_due_at
    services.request_extend(actor=dpo_actor, request=request, days=3, reason="Cần xác minh")
    with pytest.raises(ValidationFailed) as refused:
        services.request_extend(actor=dpo_actor, request=request, days=3, reason="Lần hai")
    assert "only once" in refused.value.fields["days"][0]
    assert DataSubjectRequest.objects.get(pk=request.pk).extension_days == 3


def test_each_step_refuses_what_it_must(team, dpo, clock):
    unverified = ask(team, dpo, verification="")
    dpo_actor = actor(dpo)
    with pytest.raises(Conflict):  # nothing is done for a person not verified
        services.request_complete(actor=dpo_actor, request=unverified, outcome_note="x")
    with pytest.raises(ValidationFailed):
        services.request_verify(actor=dpo_actor, request=unverified, method="")
    with pytest.raises(ValidationFailed):
        services.request_respond(actor=dpo_actor, request=unverified, note=" ")
    with pytest.raises(ValidationFailed):
        services.request_refuse(actor=dpo_actor, request=unverified, reason="")
    with pytest.raises(NotPermitted):
        services.request_refuse(actor=actor(team.auditor), request=unverified, reason="x")
    services.request_respond(actor=dpo_actor, request=unverified, note="Đã nhận")
    with pytest.raises(Conflict):
        services.request_respond(actor=dpo_actor, request=unverified, note="again")
    services.request_verify(actor=dpo_actor, request=unverified, method="staff_check")
    with pytest.raises(Conflict):
        services.request_verify(actor=dpo_actor, request=unverified, method="staff_check")
    refused = services.request_refuse(actor=dpo_actor, request=unverified, reason="Không đủ căn cứ")
    assert refused.status == RequestStatus.REFUSED
    assert DataSubjectRequest.objects.get(pk=refused.pk).refusal_reason == "Không đủ căn cứ"


# ---------------------------------------------------------------------------------------------
# The clock


def test_the_clock_warns_the_dpo_by_email_before_and_when_each_deadline_is_missed_once_each(
    team, dpo, clock
):
    request = ask(team, dpo, "objection")  # response due end of Tue 17 March
    clocks = OutboundEmail.objects.filter(template_code="dsar_clock", to=dpo.email)
    assert request_clock_sweep() == 0
    clock.set("2026-03-17 09:00")  # 15 hours before the first response is due
    assert request_clock_sweep() == 1
    assert request_clock_sweep() == 0
    clock.set("2026-03-18 08:00")
    assert request_clock_sweep() == 1
    assert request_clock_sweep() == 0
    assert set(RequestNotice.objects.values_list("kind", flat=True)) == {
        "response_due_soon",
        "response_overdue",
    }
    assert clocks.count() == 2 and request.reference in clocks.first().subject
    services.request_respond(actor=actor(dpo), request=request, note="Đã phản hồi")
    clock.set("2026-03-30 10:00")  # completion due end of Monday 30 March
    assert request_clock_sweep() == 1
    clock.set("2026-03-31 10:00")
    assert request_clock_sweep() == 1
    assert request_clock_sweep() == 0
    # An extension sets a new deadline, which gets its own reminders.
    services.request_extend(actor=actor(dpo), request=request, days=2, reason="Chờ bên xử lý")
    clock.set("2026-04-02 10:00")
    assert request_clock_sweep() == 1
    assert AuditEntry.objects.filter(action__startswith="privacy.request_notice_").count() == 5


# ---------------------------------------------------------------------------------------------
# The KPI


def test_dsar_on_time_pct_counts_closed_and_overdue_requests_of_the_period(team, dpo):
    def made(received, kind="objection"):
        with frozen_clock(received):
            return ask(team, dpo, kind)

    on_time = made("2026-03-02 09:00")  # due end of 17 March
    late = made("2026-03-03 09:00")  # due end of 18 March
    overdue = made("2026-03-04 09:00")  # due end of 19 March, still open
    not_due = made("2026-03-30 09:00")  # due 14 April, open: left out
    refused = made("2026-03-05 09:00")
    outside = made("2026-02-25 09:00")  # received in February
    with frozen_clock("2026-03-10 10:00"):
        services.request_complete(actor=actor(dpo), request=on_time, outcome_note="xong")
        services.request_refuse(actor=actor(dpo), request=refused, reason="không đủ căn cứ")
        services.request_complete(actor=actor(dpo), request=outside, outcome_note="xong")
    with frozen_clock("2026-03-25 10:00"):
        services.request_complete(actor=actor(dpo), request=late, outcome_note="muộn")
    assert overdue.is_open and not_due.is_open
    cohort = Cohort(
        user=None,
        period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        now=local("2026-04-01 09:00"),
    )
    figure = dsar_on_time(cohort)
    assert (figure.numerator, figure.denominator, figure.value) == (2, 4, 50.0)
    assert CATALOGUE["dsar_on_time_pct"].compute(cohort) == figure  # registered when ready
    # Before anything was due, nothing counts but what is closed.
    early = Cohort(user=None, period=cohort.period, now=local("2026-03-11 09:00"))
    assert (dsar_on_time(early).numerator, dsar_on_time(early).denominator) == (2, 2)


# ---------------------------------------------------------------------------------------------
# Fulfilment: erasure and consent withdrawal are carried out by their services


def test_a_completed_erasure_request_erases_the_person(team, dpo, clock):
    from redress.complaints.models import Complainant, Status
    from redress.handling.testing import complaint_in_state

    closed = complaint_in_state(Status.CLOSED, team)
    email = closed.complainant.email
    assert email
    request = ask(team, dpo, "erasure", complaints=[closed], contact_email=email)
    services.request_complete(actor=actor(dpo), request=request, outcome_note="Đã xoá")
    person = Complainant.objects.get(pk=closed.complainant_id)
    assert person.email == "" and person.full_name == "[đã xoá]"
    assert DataSubjectRequest.objects.get(pk=request.pk).status == RequestStatus.DONE
    assert AuditEntry.objects.filter(action="privacy.erase").count() == 1
    assert audit_verify().ok


def test_an_erasure_request_for_an_open_complaint_is_refused_and_stays_open(team, dpo, clock):
    from redress.complaints.models import Complainant

    open_complaint = receive(team).complaint
    email = open_complaint.complainant.email
    request = ask(team, dpo, "erasure", complaints=[open_complaint], contact_email=email)
    with pytest.raises(ValidationFailed):
        services.request_complete(actor=actor(dpo), request=request, outcome_note="Đã xoá")
    assert Complainant.objects.get(pk=open_complaint.complainant_id).email == email
    assert DataSubjectRequest.objects.get(pk=request.pk).completed_at is None


def test_a_completed_withdrawal_request_withdraws_the_consent_in_force(team, dpo, clock):
    from redress.core.actors import Actor
    from redress.transparency.models import NoticeConsent
    from redress.transparency.selectors import notice_current
    from redress.transparency.services import consent_record

    complaint = receive(team).complaint
    NoticeConsent.objects.filter(complaint=complaint).delete()
    consent_record(
        complaint=complaint,
        notice=notice_current(),
        language="vi",
        channel="web",
        method="web",
        evidence={"form": "test"},
        actor=Actor.channel("web"),
    )
    request = ask(team, dpo, "consent_withdrawal", complaints=[complaint])
    services.request_complete(actor=actor(dpo), request=request, outcome_note="Đã rút")
    consent = NoticeConsent.objects.get(complaint=complaint)
    assert consent.withdrawn_at is not None and consent.withdrawal_method == "letter"
    assert request.reference in consent.withdrawal_note
