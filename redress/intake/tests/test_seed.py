"""Demo and volume data are consistent with the lifecycle."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import kpis_compute
from redress.analytics.models import RollupStale
from redress.analytics.rollup import rollup_ready
from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.complaints import rules
from redress.complaints.deadline_tally import deadline_tally_cells, register_deadline_cells
from redress.complaints.models import (
    Complaint,
    ComplaintEvent,
    DeadlineTally,
    Decision,
    ReferenceCounter,
    Status,
)
from redress.complaints.search import search_texts
from redress.complaints.transitions import TRANSITIONS
from redress.core.models import Membership, User
from redress.intake.seed import DEMO_USERS, demo_organisation, seed_complaints
from redress.sla.models import StageClock

pytestmark = pytest.mark.django_db


def test_seed_spreads_over_states_and_follows_the_lifecycle():
    result = seed_complaints(600, batch=250)
    assert result.complaints == Complaint.objects.count() == 600
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    channels = set(Complaint.objects.values_list("channel", flat=True))
    assert {"web", "email", "phone"} <= channels
    assert (
        Complaint.objects.filter(language="en").exists()
        and Complaint.objects.filter(language="vi").exists()
    )
    # Each complaint's events form a path through the transition table ending in its status.
    events = {}
    for event in ComplaintEvent.objects.order_by("complaint_id", "at", "pk"):
        events.setdefault(event.complaint_id, []).append(event)
    for complaint in Complaint.objects.all():
        path = events[complaint.pk]
        assert path[0].action == "receive"
        for event in path[1:]:
            assert event.action in TRANSITIONS[event.from_status], (
                complaint.reference,
                event.action,
            )
        assert path[-1].to_status == complaint.status
        if complaint.status == Status.CLOSED:
            assert complaint.closed_at is not None
    # Some were closed after an internal review of a first decision the complainant rejected:
    # the reviews were decided on time or late (the measure of reviews on time has both), and
    # the second decision is the review's.
    reviews = StageClock.objects.filter(stage="review", complaint__status=Status.CLOSED)
    assert {"met", "breached"} <= set(reviews.values_list("outcome", flat=True))
    reviewed = Decision.objects.filter(is_review=True, state=Decision.State.COMMUNICATED)
    assert reviewed.filter(complaint__status=Status.CLOSED).exists()
    firsts = Decision.objects.filter(
        is_review=False, complaint__in=reviewed.values("complaint_id")
    ).values_list("reaction", flat=True)
    assert set(firsts) == {"rejected"}


def test_seed_references_are_gap_free_per_year_and_continue_the_counter():
    seed_complaints(300, batch=100)
    seed_complaints(200, batch=100, seed=7)
    for counter in ReferenceCounter.objects.all():
        numbers = sorted(
            int(ref[-6:])
            for ref in Complaint.objects.filter(
                reference__contains=f"-{counter.year}-"
            ).values_list("reference", flat=True)
        )
        assert numbers == list(range(1, counter.last + 1))


def test_seed_decisions_match_states_and_audit_chain_verifies():
    seed_complaints(300, batch=300)
    communicated = Complaint.objects.filter(status=Status.DECISION_COMMUNICATED)
    assert all(c.decisions.filter(state=Decision.State.COMMUNICATED).exists() for c in communicated)
    assert not Decision.objects.filter(complaint__status=Status.RECEIVED).exists()
    assert audit_verify().ok


def test_demo_organisation_has_one_login_per_role_and_is_idempotent():
    demo_organisation()
    demo_organisation()
    usernames = set(User.objects.values_list("username", flat=True))
    assert {username for username, *_ in DEMO_USERS} <= usernames
    roles = set(
        User.objects.filter(username__in=usernames).values_list("memberships__role", flat=True)
    )
    assert roles == {role for _, _, role, _ in DEMO_USERS}
    assert User.objects.annotate(n=Count("memberships")).aggregate(Max("n"))["n__max"] == 1


def test_seed_event_details_are_json_objects():
    seed_complaints(50, batch=50)
    details = list(ComplaintEvent.objects.values_list("data", flat=True))
    assert all(isinstance(d, dict) for d in details)
    assert any(d.get("classification") == "complaint" for d in details)


def test_seed_follows_the_rules_of_receipt_and_audits_every_event():
    seed_complaints(120, batch=50)

    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact" in out.getvalue()
    # One audit entry per event (each names its event), plus one for the run.
    entries = {
        e.after["event"]: e for e in AuditEntry.objects.filter(action__startswith="complaint.")
    }
    events = list(ComplaintEvent.objects.select_related("complaint"))
    assert set(entries) == {e.pk for e in events}
    assert AuditEntry.objects.filter(action="complaints.seed").count() == 1
    for event in events:
        entry = entries[event.pk]
        assert (entry.action, entry.target_id, entry.target_label, entry.at) == (
            f"complaint.{event.action}",
            str(event.complaint_id),
            event.complaint.reference,
            event.at,
        )
        assert entry.after.get("data", {}) == event.data
        if event.action == "receive":
            assert entry.after["status"] == "received" and entry.before["status"] is None
            assert set(event.data) == {"channel", "negotiation_request", "attachments"}
        elif event.from_status != event.to_status:
            assert (entry.before["status"], entry.after["status"]) == (
                event.from_status,
                event.to_status,
            )
        else:  # settling a remedy keeps the stage
            assert "status" not in entry.after
    for complaint in Complaint.objects.select_related("complainant"):
        assert (complaint.search_text, complaint.search_personal) == search_texts(complaint)
        assert complaint.is_significant == rules.is_significant(
            health_safety=complaint.health_safety,
            severity=complaint.severity,
            vulnerable=bool(complaint.complainant.vulnerable_group),
        )
        if complaint.health_safety:
            assert (complaint.priority, complaint.severity) == ("urgent", "high")


def test_the_seed_leaves_the_figures_rollup_current():
    seed_complaints(200, batch=100)
    assert rollup_ready() and not RollupStale.objects.exists()
    today = dt.date.today()
    cohort = Cohort(None, Period(today - dt.timedelta(days=800), today))
    volume = {r.kpi.code: r.figure for r in kpis_compute(cohort, ["volume"])}["volume"]
    assert volume.value == 200


def test_the_seed_leaves_one_row_per_cell_in_the_deadline_tally():
    """The triggers add rows to the deadline tally batch by batch; the seed merges them, so the
    first queue page reads one row a cell, and the tally agrees with the register."""
    seed_complaints(300, batch=60)
    cells = deadline_tally_cells()
    assert len(cells) > 10
    assert DeadlineTally.objects.count() == len(cells)
    assert cells == register_deadline_cells()


def test_the_demo_has_a_management_system_to_show(capsys):
    from django.core.management import call_command

    from redress.framework.models import Objective, Responsibility
    from redress.framework.selectors_policy import policy_current
    from redress.framework.selectors_responsibility import (
        responsibility_matrix,
        steps_without_accountable,
    )

    call_command("demo", complaints=30)
    call_command("demo", complaints=30)  # once: nothing is added the second time
    current = policy_current()
    assert current is not None and current.approved_by.username == "lanhdao"
    assert steps_without_accountable(responsibility_matrix()) == []
    assert Objective.objects.count() == 3
    assert all(o.results.count() == 1 for o in Objective.objects.all())
    assert Responsibility.objects.count() > 0
    assert "baove" in capsys.readouterr().out


def test_a_volume_seed_has_the_backlog_of_one_handling_time_not_of_its_whole_span():
    # 4,000 complaints over 730 days (more of them lately): 20 days of handling on average, so
    # a few percent of them open, nearly all received in the last two months (an
    # organisation's backlog, however large its register).
    now = dt.datetime(2026, 6, 15, 3, tzinfo=dt.UTC)
    seed_complaints(4000, now=now)
    finished = [Status.CLOSED, Status.NOT_ACCEPTED, Status.WITHDRAWN]
    open_ones = Complaint.objects.exclude(status__in=finished)
    assert 40 <= open_ones.count() <= 0.08 * 4000
    recent = open_ones.filter(received_at__gte=now - dt.timedelta(days=60)).count()
    assert recent >= 0.9 * open_ones.count()
    # The oldest open ones have come furthest along the way.
    oldest = open_ones.order_by("received_at")[: open_ones.count() // 4]
    newest = open_ones.order_by("-received_at")[: open_ones.count() // 4]
    assert sum(c.status == Status.RECEIVED for c in oldest) < sum(
        c.status == Status.RECEIVED for c in newest
    )
    # Complaints found not to be complaints, or withdrawn, are closed in the end too: those
    # still waiting to be closed are recent.
    closed_from = set(
        ComplaintEvent.objects.filter(to_status=Status.CLOSED).values_list("from_status", flat=True)
    )
    assert {Status.NOT_ACCEPTED, Status.WITHDRAWN} <= closed_from
    waiting = Complaint.objects.filter(status__in=[Status.NOT_ACCEPTED, Status.WITHDRAWN])
    assert waiting.count() <= 0.02 * 4000
    # Owners come from the complaint's own unit when it has handlers.
    for complaint in Complaint.objects.filter(owner__isnull=False).select_related("owner")[:200]:
        units = set(
            complaint.owner.memberships.filter(role="handler").values_list("unit_id", flat=True)
        )
        unit_has_handlers = Membership.objects.filter(
            role="handler", unit_id=complaint.unit_id
        ).exists()
        assert not unit_has_handlers or complaint.unit_id in units
